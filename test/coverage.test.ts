/**
 * GET /v1/staff/reports/coverage: active PSM and candidates waiting for Bimtek dasar per kecamatan
 * and village, the villages with no PSM, a province view per kabupaten — region-scoped, and read
 * through the registrations' region index (never a scan), on DynamoDB Local.
 */
import { db } from "@sigap/core/db/client";
import { childRegions } from "@sigap/core/region/regions";
import { validRegistration } from "@sigap/core/registration/fixtures";
import type { RegistrationStatus } from "@sigap/core/registration/keys";
import type { RecruitmentStage } from "@sigap/core/registration/model";
import { createRegistration, recordTransition } from "@sigap/core/registration/repository";
import { validateRegistration } from "@sigap/core/registration/schema";
import { createApp } from "@sigap/functions/api/app";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { staffToken } from "./support/staff-token";

const app = createApp();
const CIKAJANG = "32.05.22";
const DESA_CIKAJANG = "32.05.22.2001";
const DESA_SIMPANG = "32.05.22.2002";
const DESA_MEKARSARI = "32.05.22.2003";
const DESA_GIRIJAYA = "32.05.22.2004";
const KOTA_KULON = "32.05.01.1001"; // a kelurahan in Kecamatan Garut Kota
const BANDUNG_VILLAGE = "32.04.05.2001";

let serial = 100;
/** A registration in `villageCode` brought to `status`/`stage` as the recruitment workflow would. */
async function registrant(villageCode: string, status: RegistrationStatus, stage: RecruitmentStage) {
  serial += 1;
  const input = validateRegistration(
    { ...validRegistration, nik: `3205015507950${serial}`, villageCode },
    new Date("2026-01-01T00:00:00Z"),
  );
  const { registration } = await createRegistration(input);
  if (status !== "submitted") {
    await recordTransition(registration.id, { event: status, actor: { kind: "system" }, status, stage });
  }
}

async function coverageOf(role: string, region: string, query = "") {
  const response = await app.request(`/v1/staff/reports/coverage${query}`, {
    headers: { Authorization: `Bearer ${await staffToken(role, region)}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & CoverageBody };
}

interface Counts {
  villages: number;
  villagesWithoutPsm: number;
  activePsm: number;
  waitingCandidates: number;
}
interface CoverageBody {
  view: "local" | "province";
  regionCode: string;
  regionName: string;
  totals: Counts;
  subdistricts: Array<
    Counts & {
      code: string;
      name: string;
      perVillage: Array<{ code: string; name: string; activePsm: number; waitingCandidates: number }>;
    }
  >;
  villagesWithoutPsm: Array<{ code: string; name: string; subdistrictCode: string }>;
  districts: Array<Counts & { code: string; name: string }>;
}

const garutVillages = childRegions("32.05").flatMap((kecamatan) => childRegions(kecamatan)).length;

beforeAll(async () => {
  await registrant(DESA_CIKAJANG, "active", "completed");
  await registrant(DESA_CIKAJANG, "active", "completed");
  await registrant(DESA_CIKAJANG, "candidate", "basic-training");
  await registrant(DESA_CIKAJANG, "submitted", "village-recommendation"); // not yet a candidate
  await registrant(DESA_SIMPANG, "candidate", "basic-training");
  await registrant(DESA_MEKARSARI, "candidate", "district-verification"); // trained: no longer waiting
  await registrant(DESA_GIRIJAYA, "rejected", "completed");
  await registrant(KOTA_KULON, "active", "completed");
  await registrant(BANDUNG_VILLAGE, "active", "completed");
  await registrant(BANDUNG_VILLAGE, "candidate", "basic-training");
});

describe("GET /v1/staff/reports/coverage", () => {
  it("gives a district officer their kabupaten per kecamatan and village, and the villages without PSM", async () => {
    const { status, body } = await coverageOf("district", "32.05");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      view: "local",
      regionCode: "32.05",
      regionName: "Kabupaten Garut, Jawa Barat",
    });
    expect(body.subdistricts).toHaveLength(42);
    expect(body.totals).toEqual({
      villages: garutVillages,
      villagesWithoutPsm: garutVillages - 2,
      activePsm: 3,
      waitingCandidates: 2,
    });
    const cikajang = body.subdistricts.find((s) => s.code === CIKAJANG);
    expect(cikajang).toMatchObject({
      name: "Cikajang",
      villages: 12,
      villagesWithoutPsm: 11,
      activePsm: 2,
      waitingCandidates: 2,
    });
    expect(cikajang?.perVillage.slice(0, 4)).toEqual([
      { code: DESA_CIKAJANG, name: "Cikajang", activePsm: 2, waitingCandidates: 1 },
      { code: DESA_SIMPANG, name: "Simpang", activePsm: 0, waitingCandidates: 1 },
      { code: DESA_MEKARSARI, name: "Mekarsari", activePsm: 0, waitingCandidates: 0 },
      { code: DESA_GIRIJAYA, name: "Girijaya", activePsm: 0, waitingCandidates: 0 },
    ]);
    const uncovered = body.villagesWithoutPsm.map((village) => village.code);
    expect(uncovered).toHaveLength(garutVillages - 2);
    expect(uncovered).toEqual(expect.arrayContaining([DESA_SIMPANG, DESA_MEKARSARI, DESA_GIRIJAYA]));
    expect(uncovered).not.toContain(DESA_CIKAJANG);
    expect(uncovered).not.toContain(KOTA_KULON);
    expect(body.villagesWithoutPsm.find((v) => v.code === DESA_SIMPANG)).toEqual({
      code: DESA_SIMPANG,
      name: "Simpang",
      subdistrictCode: CIKAJANG,
    });
  });

  it("narrows to one kecamatan, and shows a village head their own village", async () => {
    const kecamatan = await coverageOf("district", "32.05", `?region=${CIKAJANG.replaceAll(".", "")}`);
    expect(kecamatan.status).toBe(200);
    expect(kecamatan.body.subdistricts.map((s) => s.code)).toEqual([CIKAJANG]);
    expect(kecamatan.body.totals).toEqual({
      villages: 12,
      villagesWithoutPsm: 11,
      activePsm: 2,
      waitingCandidates: 2,
    });

    const village = await coverageOf("village", DESA_SIMPANG);
    expect(village.status).toBe(200);
    expect(village.body.subdistricts).toHaveLength(1);
    expect(village.body.subdistricts[0]?.perVillage).toEqual([
      { code: DESA_SIMPANG, name: "Simpang", activePsm: 0, waitingCandidates: 1 },
    ]);
    expect(village.body.villagesWithoutPsm.map((v) => v.code)).toEqual([DESA_SIMPANG]);
  });

  it("gives a province officer totals per kabupaten/kota", async () => {
    const { status, body } = await coverageOf("province", "32");
    expect(status).toBe(200);
    expect(body.view).toBe("province");
    expect(body.districts).toHaveLength(27);
    expect(body.districts.find((d) => d.code === "32.05")).toEqual({
      code: "32.05",
      name: "Kabupaten Garut",
      villages: garutVillages,
      villagesWithoutPsm: garutVillages - 2,
      activePsm: 3,
      waitingCandidates: 2,
    });
    expect(body.districts.find((d) => d.code === "32.04")).toMatchObject({
      activePsm: 1,
      waitingCandidates: 1,
    });
    expect(body.totals).toMatchObject({ activePsm: 4, waitingCandidates: 3 });
    expect(body.totals.villages).toBe(body.districts.reduce((sum, d) => sum + d.villages, 0));
  });

  it("answers 404 outside the caller's region and 422 for an unknown code", async () => {
    expect((await coverageOf("district", "32.05", "?region=32.04")).status).toBe(404);
    expect((await coverageOf("district", "32.05", "?region=32")).status).toBe(404);
    expect((await coverageOf("village", DESA_SIMPANG, `?region=${DESA_CIKAJANG}`)).status).toBe(404);
    for (const bad of ["32.05.99", "abc", "32.05.22.2999"]) {
      const { status, body } = await coverageOf("district", "32.05", `?region=${bad}`);
      expect(status).toBe(422);
      expect(body).toMatchObject({ errors: [{ field: "region", message: "Kode wilayah tidak dikenal." }] });
    }
  });

  it("reads through the region index with a projection, never a scan", async () => {
    const send = vi.spyOn(db(), "send");
    try {
      await coverageOf("province", "32");
      const commands = send.mock.calls.map(([command]) => command);
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) {
        expect(command.constructor.name).toBe("QueryCommand");
        expect(command.input).toMatchObject({
          IndexName: "gsi2lean",
          KeyConditionExpression: "gsi2pk = :pk",
          ProjectionExpression: "villageCode, #status, stage",
        });
      }
    } finally {
      send.mockRestore();
    }
  });

  it("leaves the case report beside it in place", async () => {
    const response = await app.request("/v1/staff/reports/cases", {
      headers: { Authorization: `Bearer ${await staffToken("district", "32.05")}` },
    });
    expect(response.status).toBe(200);
  });
});
