/**
 * Personal data (UU PDP 27/2022): retention erases a rejected registration's personal data when its
 * period ends, and only then; an officer exports or erases one person's data on request, within
 * their region; every erasure and request is on record; no NIK or name reaches a log.
 */
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { createCase, getCase, recordCaseTransition } from "@sigap/core/case/repository";
import { validateCase } from "@sigap/core/case/schema";
import { useClock } from "@sigap/core/clock";
import { retentionPolicy } from "@sigap/core/config/durations";
import { db, queryByPrefix } from "@sigap/core/db/client";
import { itemsOf } from "@sigap/core/db/lean-index";
import { eraseDuePersonalData } from "@sigap/core/record/retention";
import { validRegistration } from "@sigap/core/registration/fixtures";
import type { Registration } from "@sigap/core/registration/model";
import { createRegistration, getRegistration, recordTransition } from "@sigap/core/registration/repository";
import { validateRegistration } from "@sigap/core/registration/schema";
import { tableName } from "@sigap/core/resources";
import { createApp } from "@sigap/functions/api/app";
import { afterEach, describe, expect, it } from "vitest";
import { capturedLogs } from "./support/logs";
import { staffToken } from "./support/staff-token";

const DAY_MS = 24 * 3600 * 1000;
const GARUT_VILLAGE = "32.05.22.2001";
const BANDUNG_VILLAGE = "32.04.05.2001";
const app = createApp();

let restoreClock: (() => void) | undefined;
afterEach(() => {
  restoreClock?.();
  restoreClock = undefined;
});

/** Domain time (the one clock) at `iso`; the SDK keeps the real time, as DynamoDB Local does. */
function at(iso: string | number): void {
  restoreClock?.();
  const fixed = new Date(iso);
  restoreClock = useClock({ now: () => fixed });
}

let serial = 101;
/** A new registration of a woman born 15 July 1995, with a NIK of her own. */
async function register(villageCode = GARUT_VILLAGE, name = "Siti Rahmawati") {
  const nik = `32050155079500${String(serial++).slice(-2)}`;
  const input = validateRegistration(
    { ...validRegistration, nik, villageCode, fullName: name },
    new Date("2026-01-01T00:00:00Z"),
  );
  const { registration } = await createRegistration(input);
  return { id: registration.id, nik, name };
}

const districtOfficer = { kind: "staff" as const, id: "district-32.05", role: "district" };

/** As the workflow's decision task rejects: status, reason and a staff note that names the person. */
async function reject(id: string, name: string) {
  await recordTransition(id, {
    event: "rejected",
    actor: districtOfficer,
    status: "rejected",
    stage: "completed",
    note: `Sudah ditelepon ${name}`,
    set: { rejectionReason: `Berkas ${name} tidak lengkap` },
  });
}

const raw = async (id: string) =>
  (
    await db().send(
      new GetCommand({ TableName: tableName(), Key: { pk: `REG#${id}`, sk: "REG" }, ConsistentRead: true }),
    )
  ).Item as Record<string, unknown>;

const nikClaimOf = async (nikHash: string) =>
  (await db().send(new GetCommand({ TableName: tableName(), Key: { pk: `NIK#${nikHash}`, sk: "NIK" } })))
    .Item;

const eventsOf = (id: string) =>
  queryByPrefix<Record<string, unknown>>({ pk: `REG#${id}`, skPrefix: "EVENT#" });

/** Every record of the erase-due index, as the retention job sees it. */
async function eraseDueEntries(): Promise<string[]> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi4",
      KeyConditionExpression: "gsi4pk = :pk",
      ExpressionAttributeValues: { ":pk": "ERASE-DUE" },
    }),
  );
  return Items.map((item) => String(item.gsi4sk));
}

async function dataRequest(bearer: string, body: Record<string, unknown>) {
  const response = await app.request("/v1/staff/data-requests", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${bearer}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

async function dataRequestRecords(): Promise<Array<Record<string, unknown>>> {
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1lean",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": "DATA-REQUEST" },
      ConsistentRead: false,
    }),
  );
  // The work-list index holds keys (and status): the records themselves are read by key.
  return itemsOf<Record<string, unknown>>(Items);
}

const PERSONAL_FIELDS = [
  "fullName",
  "birthPlace",
  "birthDate",
  "phone",
  "email",
  "address",
  "education",
  "occupation",
  "motivation",
  "rejectionReason",
  "nikMasked",
  "nikEncrypted",
  "nikHash",
  "receiptEncrypted",
];

describe("the retention policy", () => {
  it("keeps a rejected registration a year and a closed case five, scaled by SLA_SCALE", () => {
    expect(retentionPolicy(1)).toEqual({
      rejectedRegistrationSeconds: 365 * 86400,
      closedCaseSeconds: 1825 * 86400,
    });
    // 365 days × 0.00002 = 631 s: a demo watches an erasure within minutes.
    expect(retentionPolicy(0.00002).rejectedRegistrationSeconds).toBe(631);
  });
});

describe("retention", () => {
  it("erases only the registrations whose period has ended, records it, and frees the NIK", async () => {
    at("2026-01-31T00:00:00Z");
    const due = await register(GARUT_VILLAGE, "Siti Erasa");
    const later = await register(GARUT_VILLAGE, "Rina Nanti");
    const open = await register(GARUT_VILLAGE, "Dewi Terbuka");
    at("2026-02-01T00:00:00Z");
    await reject(due.id, due.name);
    at("2026-08-01T00:00:00Z");
    await reject(later.id, later.name);
    const dueHash = String((await raw(due.id)).nikHash);
    expect(await nikClaimOf(dueHash)).toMatchObject({ registrationId: due.id });
    // Only the two rejected ones wait, each a year after its rejection.
    expect((await eraseDueEntries()).sort()).toEqual([
      `2027-02-01T00:00:00.000Z#registration#${due.id}`,
      `2027-08-01T00:00:00.000Z#registration#${later.id}`,
    ]);

    // A day before the year is up nothing is erased.
    at(Date.parse("2027-02-01T00:00:00Z") - DAY_MS);
    expect(await eraseDuePersonalData()).toEqual({ erased: 0, skipped: 0, unknownType: 0 });

    at(Date.parse("2027-02-01T00:00:00Z") + DAY_MS);
    let result: Awaited<ReturnType<typeof eraseDuePersonalData>> | undefined;
    const logs = await capturedLogs(async () => {
      result = await eraseDuePersonalData();
    });
    expect(result).toEqual({ erased: 1, skipped: 0, unknownType: 0 });
    expect(logs).toContain("retention erasures");
    for (const secret of [due.nik, due.name, "Siti", "81234567890", "Cikajang"])
      expect(logs).not.toContain(secret);

    const erased = await raw(due.id);
    for (const field of PERSONAL_FIELDS) expect(erased, field).not.toHaveProperty(field);
    expect(erased).not.toHaveProperty("gsi4pk");
    // What statistics need stays.
    expect(erased).toMatchObject({
      id: due.id,
      status: "rejected",
      stage: "completed",
      villageCode: "32.05.22.2001",
      gender: "P",
      createdAt: "2026-01-31T00:00:00.000Z",
      erasedAt: "2027-02-02T00:00:00.000Z",
      gsi2pk: "REG#PROVINCE#32",
    });
    const trail = await eventsOf(due.id);
    expect(trail.map((e) => e.event)).toEqual(["submitted", "rejected", "personal-data-erased"]);
    expect(trail.at(-1)).toMatchObject({
      actor: { kind: "system" },
      basis: "retention",
      note: "retention-period-ended",
    });
    expect(JSON.stringify(trail)).not.toContain("Erasa");

    // The person may register again with the same NIK.
    expect(await nikClaimOf(dueHash)).toBeUndefined();
    const again = await createRegistration(
      validateRegistration({ ...validRegistration, nik: due.nik, villageCode: GARUT_VILLAGE }, new Date()),
    );
    expect(again.resubmitted).toBe(false);

    // The others are untouched; the later one still waits on the index.
    expect(await getRegistration(later.id)).toMatchObject({ fullName: "Rina Nanti", status: "rejected" });
    expect(await getRegistration(open.id)).toMatchObject({ fullName: "Dewi Terbuka", status: "submitted" });
    expect(await eraseDueEntries()).toEqual([`2027-08-01T00:00:00.000Z#registration#${later.id}`]);

    // A second run finds nothing more to do.
    expect(await eraseDuePersonalData()).toEqual({ erased: 0, skipped: 0, unknownType: 0 });
  });
});

describe("data requests", () => {
  it("refuses village staff, and bad input in Bahasa Indonesia without echoing the NIK", async () => {
    const village = await staffToken("village", GARUT_VILLAGE);
    expect(
      (await dataRequest(village, { nik: "3205015507950001", kind: "export", reason: "Permintaan" })).status,
    ).toBe(403);
    const district = await staffToken("district", "32.05");
    const bad = await dataRequest(district, { nik: "32050155079500xx", kind: "lihat" });
    expect(bad.status).toBe(422);
    const problem = JSON.parse(bad.text) as { errors: Array<{ field: string; message: string }> };
    expect(problem.errors).toEqual([
      { field: "nik", message: "NIK harus terdiri dari 16 digit angka." },
      { field: "kind", message: "Jenis permintaan harus export (salinan data) atau erase (hapus data)." },
      { field: "reason", message: "Alasan wajib diisi." },
    ]);
    expect(bad.text).not.toContain("32050155079500xx");
  });

  it("exports every record of the person inside the officer's region, with its trails, and records the request", async () => {
    const person = await register(GARUT_VILLAGE, "Siti Ekspor");
    const reason = "Permintaan salinan data oleh yang bersangkutan";
    const garut = await staffToken("district", "32.05");

    let answer: Awaited<ReturnType<typeof dataRequest>> | undefined;
    const logs = await capturedLogs(async () => {
      answer = await dataRequest(garut, { nik: person.nik, kind: "export", reason });
    });
    expect(answer?.status, answer?.text).toBe(200);
    expect(logs).toContain("data request answered");
    for (const secret of [person.nik, "Siti Ekspor"]) expect(logs).not.toContain(secret);
    const exported = JSON.parse(answer?.text ?? "{}");
    expect(exported).toMatchObject({
      kind: "export",
      requestedBy: { email: "district@example.go.id", role: "district" },
      records: { registrations: [{ id: person.id, regionCode: "32.05.22.2001" }] },
    });
    const [record] = exported.records.registrations;
    expect(record.data).toMatchObject({
      fullName: "Siti Ekspor",
      phone: "+6281234567890",
      nikMasked: `3205********${person.nik.slice(-4)}`,
    });
    expect(record.auditTrail).toEqual([expect.objectContaining({ event: "submitted" })]);
    for (const secret of [
      "nikHash",
      "nikEncrypted",
      "receiptHash",
      "receiptEncrypted",
      "gsi1pk",
      person.nik,
    ]) {
      expect(answer?.text).not.toContain(secret);
    }
    // The export is a read of the personal data: it is in the record's access trail.
    const accesses = await queryByPrefix<Record<string, unknown>>({
      pk: `REG#${person.id}`,
      skPrefix: "ACCESS#",
    });
    expect(accesses).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: "district-32.05" }),
        purpose: `data-request-export:${exported.requestId}`,
      }),
    ]);

    // The province and an admin see it; another kabupaten and an unknown NIK answer alike: 404.
    expect(
      (await dataRequest(await staffToken("province", "32"), { nik: person.nik, kind: "export", reason }))
        .status,
    ).toBe(200);
    expect(
      (await dataRequest(await staffToken("admin", "32"), { nik: person.nik, kind: "export", reason }))
        .status,
    ).toBe(200);
    const bandung = await dataRequest(await staffToken("district", "32.04"), {
      nik: person.nik,
      kind: "export",
      reason,
    });
    expect(bandung.status).toBe(404);
    expect(bandung.text).toContain("Data tidak ditemukan");
    expect((await dataRequest(garut, { nik: "3205015507959999", kind: "export", reason })).status).toBe(404);

    // Every request is on record — who, when, what, how many — and never the NIK or its hash.
    const nikHash = String((await raw(person.id)).nikHash);
    const requests = await dataRequestRecords();
    const mine = requests.find((r) => r.id === exported.requestId);
    expect(mine).toMatchObject({
      kind: "export",
      outcome: "exported",
      records: 1,
      reason,
      actor: { kind: "staff", id: "district-32.05", role: "district" },
      regionCode: "32.05",
    });
    expect(requests.filter((r) => r.actor && (r.actor as { id: string }).id === "district-32.04")).toEqual([
      expect.objectContaining({ outcome: "nothing-found", records: 0 }),
    ]);
    for (const secret of [person.nik, nikHash]) expect(JSON.stringify(requests)).not.toContain(secret);
  });

  it("erases on request at once, only once the registration has ended, recorded with the officer and reason", async () => {
    const person = await register(GARUT_VILLAGE, "Siti Hapus");
    const neighbour = await register(BANDUNG_VILLAGE, "Rina Tetangga");
    const garut = await staffToken("district", "32.05");
    const reason = "Permintaan penghapusan oleh yang bersangkutan, surat tgl 1 April";
    const nikHash = String((await raw(person.id)).nikHash);

    // Still in the workflow: not erased, and told why.
    const refused = await dataRequest(garut, { nik: person.nik, kind: "erase", reason });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("Data masih diproses");
    expect(await getRegistration(person.id)).toHaveProperty("fullName", "Siti Hapus");

    await reject(person.id, person.name);
    // Outside the region: nothing happens, and nothing is revealed.
    expect(
      (await dataRequest(await staffToken("district", "32.04"), { nik: person.nik, kind: "erase", reason }))
        .status,
    ).toBe(404);

    let answer: Awaited<ReturnType<typeof dataRequest>> | undefined;
    const logs = await capturedLogs(async () => {
      answer = await dataRequest(garut, { nik: person.nik, kind: "erase", reason });
    });
    expect(answer?.status, answer?.text).toBe(200);
    expect(logs).toContain("data request answered");
    for (const secret of [person.nik, "Siti Hapus", nikHash]) expect(logs).not.toContain(secret);
    const { requestId, erased } = JSON.parse(answer?.text ?? "{}");
    expect(erased).toBe(1);

    const after = await raw(person.id);
    for (const field of PERSONAL_FIELDS) expect(after, field).not.toHaveProperty(field);
    // Erased now: the retention entry goes too.
    expect(after).not.toHaveProperty("gsi4sk");
    expect((await eventsOf(person.id)).at(-1)).toMatchObject({
      event: "personal-data-erased",
      basis: "request",
      requestId,
      note: reason,
      actor: { kind: "staff", id: "district-32.05", role: "district" },
    });
    expect(await nikClaimOf(nikHash)).toBeUndefined();
    expect(await getRegistration(neighbour.id)).toHaveProperty("fullName", "Rina Tetangga");

    // Nothing is left to find; staff still see the record's bare facts.
    expect((await dataRequest(garut, { nik: person.nik, kind: "export", reason })).status).toBe(404);
    const detail = await app.request(`/v1/staff/registrations/${person.id}`, {
      headers: { Authorization: `Bearer ${garut}` },
    });
    expect(detail.status).toBe(200);
    const shown = (await detail.json()) as Partial<Registration>;
    expect(shown).toMatchObject({ id: person.id, status: "rejected", villageCode: "32.05.22.2001" });
    expect(shown.fullName).toBeUndefined();

    const outcomes = (await dataRequestRecords())
      .filter((r) => r.kind === "erase")
      .map((r) => [r.outcome, r.records]);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        ["refused-open", 0],
        ["nothing-found", 0],
        ["erased", 1],
      ]),
    );
  });
});

describe("cases", () => {
  const subjectNik = "3205014101500001";
  const handler = { kind: "staff" as const, id: "district-32.05", role: "district" };
  const close = (id: string) =>
    recordCaseTransition(id, {
      event: "closed",
      actor: handler,
      status: "closed",
      stage: "completed",
      note: "Dikunjungi bersama Pak Ujang",
      set: {
        outcome: "resolved",
        outcomeSummary: "Bu Aminah sudah dibawa ke panti",
        closedAt: new Date().toISOString(),
      },
    });

  it("exports and erases a case by its subject's NIK; retention waits five years after closing, and not while reopened", async () => {
    const { case: reported } = await createCase(
      validateCase({
        ppksType: "lanjut-usia-terlantar",
        villageCode: GARUT_VILLAGE,
        location: "Kp. Sukamaju RT 01/RW 02, rumah dekat masjid",
        description: "Nenek Aminah tinggal sendiri dan tidak ada yang merawat.",
        subject: { name: "Aminah", nik: subjectNik, gender: "P", ageYears: 76 },
        reporter: {
          kind: "resident",
          name: "Ujang Warga",
          phone: "0813-1111-2222",
          email: "ujang@example.com",
        },
      }),
      { client: "203.0.113.9" },
    );
    const garut = await staffToken("district", "32.05");
    const reason = "Permintaan salinan data oleh keluarga";

    // Open: exported, but not erased on request.
    expect((await dataRequest(garut, { nik: subjectNik, kind: "erase", reason })).status).toBe(409);
    const answer = await dataRequest(garut, { nik: subjectNik, kind: "export", reason });
    expect(answer.status, answer.text).toBe(200);
    const [record] = JSON.parse(answer.text).records.cases;
    expect(record).toMatchObject({
      id: reported.id,
      data: { subject: { name: "Aminah", nikMasked: "3205********0001" } },
    });
    expect(answer.text).not.toContain(subjectNik);
    expect(answer.text).not.toContain("nikEncrypted");
    // The reporter is not the data subject: who reported a person is not handed to that person.
    expect(record.data).not.toHaveProperty("reporter");
    expect(answer.text).not.toContain("Ujang Warga");
    expect(
      (await dataRequest(await staffToken("district", "32.04"), { nik: subjectNik, kind: "export", reason }))
        .status,
    ).toBe(404);

    // Closed, it waits five years; reopened, it no longer waits; closed again, it waits anew.
    await close(reported.id);
    const entryOf = async () =>
      (await eraseDueEntries()).filter((entry) => entry.endsWith(`#case#${reported.id}`));
    expect(await entryOf()).toHaveLength(1);
    await recordCaseTransition(reported.id, {
      event: "reopened",
      actor: { kind: "system" },
      status: "reopened",
    });
    expect(await entryOf()).toEqual([]);
    await close(reported.id);
    const [entry] = await entryOf();
    const dueAt = Date.parse(String(entry?.split("#")[0]));
    expect(dueAt - Date.now()).toBeGreaterThan(5 * 365 * DAY_MS - 60_000);

    at(dueAt - DAY_MS);
    await eraseDuePersonalData();
    expect((await getCase(reported.id))?.subject.name).toBe("Aminah");
    at(dueAt + DAY_MS);
    const logs = await capturedLogs(async () => {
      await eraseDuePersonalData();
    });
    for (const secret of [subjectNik, "Aminah", "Ujang"]) expect(logs).not.toContain(secret);

    const erased = (await getCase(reported.id)) as unknown as Record<string, unknown>;
    const text = JSON.stringify(erased);
    for (const secret of [
      "Aminah",
      "Ujang",
      "Sukamaju",
      "Nenek",
      "0813",
      "ujang@",
      "panti",
      "3205********0001",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(erased).toMatchObject({
      status: "closed",
      outcome: "resolved",
      ppksType: "lanjut-usia-terlantar",
      villageCode: GARUT_VILLAGE,
      subject: { gender: "P", ageYears: 76 },
      reporter: { kind: "resident" },
    });
    expect(erased).toHaveProperty("erasedAt");
    const trail = await queryByPrefix<Record<string, unknown>>({
      pk: `CASE#${reported.id}`,
      skPrefix: "EVENT#",
    });
    expect(trail.at(-1)).toMatchObject({ event: "personal-data-erased", basis: "retention" });
    expect(JSON.stringify(trail)).not.toContain("Ujang");
    // Nothing finds the subject by NIK any more.
    restoreClock?.();
    restoreClock = undefined;
    expect((await dataRequest(garut, { nik: subjectNik, kind: "export", reason })).status).toBe(404);
  });
});
