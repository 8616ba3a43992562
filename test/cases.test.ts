/**
 * POST /v1/cases, GET /v1/cases/{id} and the staff case API — validation, both body encodings,
 * idempotency, duplicates, anonymous folding and quotas, redaction, pagination, scoping, notes and
 * counts — against DynamoDB Local. (The escalation workflow has its own tests.)
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { caseKeys } from "@sigap/core/case/keys";
import { anonymousQuota, countCases, recordCaseTransition } from "@sigap/core/case/repository";
import { validateCase } from "@sigap/core/case/schema";
import { useClock } from "@sigap/core/clock";
import { db, queryByPrefix } from "@sigap/core/db/client";
import { hashSubmission } from "@sigap/core/identity/protect";
import { regionExists } from "@sigap/core/region/regions";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { createRegistration, recordTransition } from "@sigap/core/registration/repository";
import { validateRegistration } from "@sigap/core/registration/schema";
import { tableName } from "@sigap/core/resources";
import { createApp } from "@sigap/functions/api/app";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { staffToken } from "./support/staff-token";

const app = createApp();

/** Villages of Kabupaten Garut: a fresh one per report or test, so counts, folds and quotas stay apart. */
const garutVillages = Array.from({ length: 45 }, (_, k) => k + 1).flatMap((kecamatan) =>
  Array.from({ length: 12 }, (_, v) => `32.05.${String(kecamatan).padStart(2, "0")}.${2001 + v}`).filter(
    regionExists,
  ),
);
let villageSerial = 0;
const nextVillage = () => {
  const village = garutVillages[villageSerial++];
  if (!village) throw new Error("Out of test villages");
  return village;
};

const validCase = (villageCode: string, overrides: Record<string, unknown> = {}) => ({
  ppksType: "lanjut-usia-terlantar",
  urgency: "high",
  villageCode,
  location: "Jl. Cikajang No. 5, dekat masjid",
  description: "Seorang lansia tinggal sendiri tanpa keluarga dan kekurangan makanan.",
  subject: { name: "Ahmad Sutisna", gender: "L", ageYears: 78 },
  reporter: { kind: "resident", name: "Dewi Lestari", phone: "0812-1111-2222", email: "dewi@example.com" },
  ...overrides,
});

interface Accepted {
  id: string;
  trackingCode: string;
  status: string;
  statusUrl: string;
}

/** A request from one network address (as the local server's socket gives it). */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

function post(body: unknown, headers: Record<string, string> = {}, client = "10.0.0.1") {
  return app.request(
    "/v1/cases",
    {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    },
    from(client),
  );
}

async function report(body: unknown, client?: string): Promise<Accepted> {
  const response = await post(body, {}, client);
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json()) as Accepted;
}

let districtGarut: string;
let districtBandung: string;
let admin: string;
beforeAll(async () => {
  districtGarut = await staffToken("district", "32.05");
  districtBandung = await staffToken("district", "32.04");
  admin = await staffToken("admin", "32");
});

async function staffGet<T>(path: string, bearer: string): Promise<{ status: number; body: T }> {
  const response = await app.request(path, { headers: { Authorization: `Bearer ${bearer}` } });
  return { status: response.status, body: (await response.json()) as T };
}

interface Details {
  id: string;
  restricted: boolean;
  flags: string[];
  possibleDuplicates: string[];
  reportCount: number;
  conditions?: string[];
  subject?: Record<string, unknown>;
  reporter?: Record<string, unknown>;
  coordinates?: { lat: number; lng: number } | null;
  warnings?: string[];
  additionalReports?: Array<{ description: string }>;
  auditTrail?: Array<{ event: string; note?: string }>;
}

const details = (id: string, bearer = districtGarut) => staffGet<Details>(`/v1/staff/cases/${id}`, bearer);

describe("POST /v1/cases: validation", () => {
  it("lists every error at once, in Bahasa Indonesia, and writes nothing", async () => {
    const village = nextVillage();
    const response = await post({
      ppksType: "bukan-jenis",
      conditions: ["rtlh", "kolam-renang"],
      urgency: "segera",
      villageCode: "32.05.22.9999",
      location: "x",
      coordinates: { lat: 40.7, lng: -74 },
      description: "pendek",
      subject: { nik: "3205011507400001", gender: "P", ageYears: 300 },
      reporter: { kind: "psm", phone: "12345" },
    });
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await response.json()) as {
      title: string;
      errors: Array<{ field: string; message: string }>;
    };
    expect(problem.title).toBe("Data belum lengkap atau belum benar");
    const fields = problem.errors.map((e) => e.field).sort();
    expect(fields).toEqual(
      [
        "ppksType",
        "conditions",
        "urgency",
        "villageCode",
        "location",
        "coordinates.lat",
        "coordinates.lng",
        "description",
        "subject.ageYears",
        // The rules across fields speak even though other fields are wrong.
        "subject.nik",
        "reporter.memberNumber",
        "reporter.phone",
      ].sort(),
    );
    expect(problem.errors).toContainEqual({
      field: "coordinates.lat",
      message: "Koordinat harus berada di wilayah Indonesia.",
    });
    expect(problem.errors).toContainEqual({ field: "description", message: "Uraian minimal 10 karakter." });
    expect((await countCases(village)).total).toBe(0);
  });

  it("checks the subject's NIK against the declared gender and a PSM's member number, together", async () => {
    const response = await post(
      validCase(nextVillage(), {
        subject: { nik: "3205011507400001", gender: "P" },
        reporter: { kind: "psm" },
      }),
    );
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: Array<{ field: string; message: string }> };
    expect(errors.map((e) => e.field).sort()).toEqual(["reporter.memberNumber", "subject.nik"]);
    expect(errors.find((e) => e.field === "reporter.memberNumber")?.message).toBe(
      "Nomor anggota PSM wajib diisi untuk pelapor PSM.",
    );
  });

  it("answers other bodies with 4xx problems, never 5xx", async () => {
    expect((await post("{not json")).status).toBe(400);
    expect((await post("[]")).status).toBe(400);
    const text = await app.request("/v1/cases", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "halo",
    });
    expect(text.status).toBe(415);
    expect((await post(validCase(nextVillage()), { "Idempotency-Key": "has spaces" })).status).toBe(400);
  });
});

describe("POST /v1/cases: wrong shapes", () => {
  const formPost = (fields: Array<[string, string]>) =>
    app.request("/v1/cases", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  const formOf = (village: string): Array<[string, string]> => [
    ["ppksType", "lanjut-usia-terlantar"],
    ["villageCode", village],
    ["location", "Jl. Cikajang No. 5, dekat masjid"],
    ["description", "Seorang lansia tinggal sendiri tanpa keluarga."],
    ["reporter.kind", "resident"],
    ["reporter.name", "Dewi Lestari"],
  ];

  it("refuses a single-value form field sent twice (isian ganda), not last-one-wins, beside other errors", async () => {
    const village = nextVillage();
    const response = await formPost([
      ...formOf(village),
      ["ppksType", "gelandangan"],
      ["subject.name", "Ahmad"],
      ["subject.name", "Budi"],
      ["urgency", "segera"],
      // `conditions` may repeat.
      ["conditions", "rtlh"],
      ["conditions", "tanpa-listrik"],
    ]);
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: Array<{ field: string; message: string }> };
    expect(errors.map((e) => e.field).sort()).toEqual(["ppksType", "subject.name", "urgency"]);
    expect(errors.find((e) => e.field === "ppksType")?.message).toContain("Isian ganda");
    expect(errors.find((e) => e.field === "subject.name")?.message).toContain("Isian ganda");
    expect((await countCases(village)).total).toBe(0);
    // The same form with each field once is accepted.
    expect((await formPost(formOf(village))).status).toBe(202);
  });

  it("says a value of the wrong JSON type is invalid, not missing", async () => {
    const response = await post({
      ...validCase(nextVillage()),
      villageCode: 3205222001,
      location: ["Jl. Cikajang"],
      description: { text: "Lansia sendirian" },
      subject: { name: 42 },
    });
    expect(response.status).toBe(422);
    const { errors } = (await response.json()) as { errors: Array<{ field: string; message: string }> };
    expect(errors.map((e) => e.field).sort()).toEqual([
      "description",
      "location",
      "subject.name",
      "villageCode",
    ]);
    for (const { message } of errors) {
      expect(message).toContain("tidak valid");
      expect(message).not.toContain("wajib diisi");
    }
    // A missing field still says it is required.
    const { villageCode: _missing, ...withoutVillage } = validCase(nextVillage());
    const missing = await post(withoutVillage);
    expect(await missing.json()).toMatchObject({
      errors: [{ field: "villageCode", message: "Kode desa/kelurahan wajib diisi." }],
    });
  });
});

describe("POST /v1/cases: the same submission again", () => {
  it("answers a double submission (no key) with the first case and tracking code, and saves nothing more", async () => {
    const village = nextVillage();
    const body = validCase(village);
    const first = await report(body, "10.9.0.1");
    // A double click, and a retry from another network a little later.
    const [again, retry] = await Promise.all([report(body, "10.9.0.1"), report(body, "10.9.0.2")]);
    for (const answer of [again, retry]) {
      expect(answer).toEqual(first);
    }
    expect((await countCases(village)).total).toBe(1);
    const { body: found } = await details(first.id);
    expect(found.auditTrail?.map((e) => e.event)).toEqual(["reported"]);
    // Any field different is another report.
    const other = await report({ ...body, urgency: "emergency" }, "10.9.0.1");
    expect(other.id).not.toBe(first.id);
    // The submission record keeps the tracking code only encrypted, and expires after a day.
    const { Item: record } = await db().send(
      new GetCommand({
        TableName: tableName(),
        Key: caseKeys.submission(hashSubmission({ ...validateCase(body) })),
      }),
    );
    expect(record).toMatchObject({ caseId: first.id, trackingEncrypted: expect.any(String) });
    expect(JSON.stringify(record)).not.toContain(first.trackingCode);
    const dayFromNow = Date.now() / 1000 + 24 * 3600;
    expect(Math.abs(Number(record?.expiresAt) - dayFromNow)).toBeLessThan(120);
  });

  it("answers a double anonymous submission with the first case, not a fold with a second code, and takes no quota", async () => {
    const village = nextVillage();
    const body = validCase(village, { reporter: { kind: "anonymous" }, subject: {} });
    const first = await report(body, "10.9.1.1");
    for (let i = 0; i < anonymousQuota.perClient + 2; i++) {
      expect(await report(body, "10.9.1.1")).toEqual(first);
    }
    const { body: found } = await details(first.id);
    expect(found.reportCount).toBe(1);
  });

  it("makes a new case of the same submission a day later", async () => {
    const village = nextVillage();
    const body = validCase(village);
    const first = await report(body);
    const restore = useClock({ now: () => new Date(Date.now() + 25 * 3600 * 1000) });
    try {
      const later = await report(body);
      expect(later.id).not.toBe(first.id);
      expect(later.trackingCode).not.toBe(first.trackingCode);
    } finally {
      restore();
    }
  });

  it("replays an Idempotency-Key retry sent from another network address", async () => {
    const body = validCase(nextVillage());
    const first = await post(body, { "Idempotency-Key": "case-moved-network" }, "10.9.2.1");
    const retry = await post(body, { "Idempotency-Key": "case-moved-network" }, "2001:db8:9::1");
    expect(retry.status, await retry.clone().text()).toBe(202);
    expect(await retry.json()).toEqual(await first.json());
    // The same key with another body is still refused.
    const other = await post({ ...body, urgency: "emergency" }, { "Idempotency-Key": "case-moved-network" });
    expect(other.status).toBe(422);
  });

  it("never lets a key answer another report found by its content: 422, and a key bound once stays bound", async () => {
    const reportX = validCase(nextVillage());
    const reportY = validCase(nextVillage());
    const x = (await (await post(reportX, { "Idempotency-Key": "dedupe-x" })).json()) as Accepted;
    const y = (await (await post(reportY)).json()) as Accepted;
    expect(y.id).not.toBe(x.id);
    // Y's content matches an earlier case, but the key holds X: refused, not answered with Y's case.
    const reused = await post(reportY, { "Idempotency-Key": "dedupe-x" });
    expect(reused.status, await reused.clone().text()).toBe(422);
    // An unused key answered by content is bound to that answer ...
    const fresh = await post(reportY, { "Idempotency-Key": "dedupe-fresh" });
    expect(fresh.status).toBe(202);
    expect(((await fresh.json()) as Accepted).id).toBe(y.id);
    // ... so it cannot answer X's case afterwards.
    expect((await post(reportX, { "Idempotency-Key": "dedupe-fresh" })).status).toBe(422);
    // Its own report still replays.
    const again = await post(reportY, { "Idempotency-Key": "dedupe-fresh" });
    expect(((await again.json()) as Accepted).id).toBe(y.id);
  });
});

describe("POST /v1/cases: accepted reports", () => {
  it("accepts JSON: 202 with id, tracking code, status and status URL", async () => {
    const response = await post(validCase(nextVillage()));
    expect(response.status).toBe(202);
    const body = (await response.json()) as Accepted;
    expect(body).toEqual({
      id: expect.stringMatching(/^c[a-z0-9]{12}$/),
      trackingCode: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/),
      status: "reported",
      statusUrl: `http://localhost:0/v1/cases/${body.id}?tracking=${body.trackingCode}`,
    });
    expect(response.headers.get("location")).toBe(body.statusUrl);
  });

  it("accepts a plain HTML form: dotted names nest, repeated conditions are kept, empty fields are not given", async () => {
    const form = new URLSearchParams([
      ["ppksType", "fakir-miskin"],
      ["conditions", "rtlh"],
      ["conditions", "tanpa-listrik"],
      ["villageCode", "3205222001"],
      ["location", "Kampung Babakan RT 01/RW 03"],
      ["coordinates.lat", "-7.35"],
      ["coordinates.lng", "107.82"],
      ["description", "Keluarga dengan tiga anak tinggal di rumah bambu yang hampir roboh."],
      ["subject.name", "Keluarga Ujang"],
      ["subject.peopleCount", "5"],
      ["subject.nik", ""],
      ["reporter.kind", "resident"],
      ["reporter.phone", "0813-2222-3333"],
      ["reporter.email", ""],
    ]);
    const response = await app.request("/v1/cases", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(response.status, await response.clone().text()).toBe(202);
    const { id } = (await response.json()) as Accepted;
    const { body } = await details(id);
    expect(body.conditions).toEqual(["rtlh", "tanpa-listrik"]);
    expect(body.coordinates).toEqual({ lat: -7.35, lng: 107.82 });
    expect(body.subject).toEqual({ name: "Keluarga Ujang", peopleCount: 5 });
    expect(body.reporter).toEqual({ kind: "resident", phone: "+6281322223333" });
  });

  it("protects a subject's NIK like a registrant's: hashed and encrypted, masked for staff, never in clear", async () => {
    const nik = "3205011507400001";
    const { id } = await report(validCase(nextVillage(), { subject: { name: "Ahmad", nik, gender: "L" } }));
    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: caseKeys.case(id) }));
    expect(JSON.stringify(Item)).not.toContain(nik);
    expect(Item?.lawfulBasis).toBe("public-task");
    const { body } = await details(id);
    expect(body.subject).toEqual({ name: "Ahmad", nikMasked: "3205********0001", gender: "L" });
    expect(JSON.stringify(body)).not.toContain(nik);
  });

  it("makes one case of 20 concurrent identical reports with one Idempotency-Key", async () => {
    const village = nextVillage();
    const body = validCase(village);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(body, { "Idempotency-Key": "case-form-20" })),
    );
    const statuses = responses.map((r) => r.status);
    // The first answers 202; the rest replay it, or say it is still in progress (409, retry).
    expect(
      statuses.every((s) => s === 202 || s === 409),
      statuses.join(","),
    ).toBe(true);
    const answers = (await Promise.all(
      responses.filter((r) => r.status === 202).map((r) => r.json()),
    )) as Accepted[];
    expect(answers.length).toBeGreaterThan(0);
    expect(new Set(answers.map((a) => `${a.id} ${a.trackingCode}`)).size).toBe(1);
    expect((await countCases(village)).total).toBe(1);
    // A retry after the rush replays the same answer.
    const retry = await post(body, { "Idempotency-Key": "case-form-20" });
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual(answers[0]);
  });

  it("accepts possible duplicates, links them both ways and flags them: same NIK, or same village, type and a similar name", async () => {
    const village = nextVillage();
    const nik = "3205011507400002";
    const first = await report(validCase(village, { subject: { name: "Ahmad Sutisna", nik } }));
    const sameNik = await report(
      validCase(nextVillage(), { ppksType: "fakir-miskin", subject: { name: "A. S.", nik } }),
    );
    const similarName = await report(validCase(village, { subject: { name: "ahmad  sutisma" } }));
    const otherType = await report(
      validCase(village, { ppksType: "gelandangan", subject: { name: "Ahmad Sutisna" } }),
    );
    const otherName = await report(validCase(village, { subject: { name: "Budi Hartono" } }));

    expect((await details(sameNik.id)).body).toMatchObject({
      flags: ["possible-duplicate"],
      possibleDuplicates: [first.id],
    });
    expect((await details(similarName.id)).body.possibleDuplicates).toEqual([first.id]);
    expect((await details(first.id)).body.possibleDuplicates.sort()).toEqual(
      [sameNik.id, similarName.id].sort(),
    );
    expect((await details(first.id)).body.flags).toContain("possible-duplicate");
    expect((await details(otherType.id)).body.possibleDuplicates).toEqual([]);
    expect((await details(otherName.id)).body.possibleDuplicates).toEqual([]);
  });

  it("attributes a PSM's report to the active PSM of that kabupaten, and notes a number it does not know", async () => {
    const input = validateRegistration({ ...validRegistration, nik: "3205015507950777" }, new Date());
    const { registration } = await createRegistration(input);
    await recordTransition(registration.id, {
      event: "approved",
      actor: { kind: "system" },
      status: "active",
      stage: "completed",
      set: { memberNumber: "PSM-3205-000042" },
    });
    const attributed = await report(
      validCase(nextVillage(), { reporter: { kind: "psm", name: "Siti", memberNumber: "psm-3205-000042" } }),
    );
    const { body } = await details(attributed.id);
    expect(body.reporter).toMatchObject({
      kind: "psm",
      memberNumber: "PSM-3205-000042",
      psmRegistrationId: registration.id,
    });
    expect(body.flags).toContain("psm-attributed");
    // Bandung's numbering is another kabupaten's: not this PSM.
    const unknown = await report(
      validCase(nextVillage(), { reporter: { kind: "psm", memberNumber: "PSM-3204-000042" } }),
    );
    const other = (await details(unknown.id)).body;
    expect(other.reporter).not.toHaveProperty("psmRegistrationId");
    expect(other.warnings).toContain(
      "Nomor anggota PSM pelapor tidak ditemukan di antara PSM aktif kabupaten/kota ini.",
    );
  });
});

describe("anonymous reports", () => {
  const anonymous = (village: string, overrides: Record<string, unknown> = {}) =>
    validCase(village, {
      reporter: { kind: "anonymous", name: "Tidak disimpan", phone: "0812-9999-0000" },
      subject: {},
      ...overrides,
    });

  it("fold near-duplicates into one open case; each reporter gets their own tracking code; contact details are dropped", async () => {
    const village = nextVillage();
    const first = await report(anonymous(village), "10.1.0.1");
    const second = await report(
      anonymous(village, { description: "Lansia di dekat masjid tampak sakit dan tidak makan." }),
      "10.1.0.2",
    );
    expect(second.id).toBe(first.id);
    expect(second.trackingCode).not.toBe(first.trackingCode);
    for (const code of [first.trackingCode, second.trackingCode]) {
      expect((await app.request(`/v1/cases/${first.id}?tracking=${code}`)).status).toBe(200);
    }
    const { body } = await details(first.id);
    expect(body.reportCount).toBe(2);
    expect(body.reporter).toEqual({ kind: "anonymous" });
    expect(body.additionalReports?.map((r) => r.description)).toEqual([
      "Lansia di dekat masjid tampak sakit dan tidak makan.",
    ]);
    // The report's own fields, not the table's keys.
    for (const folded of body.additionalReports ?? []) {
      expect(Object.keys(folded).sort()).toEqual(["at", "description", "location", "urgency"]);
    }
    expect(body.auditTrail?.map((e) => e.event)).toEqual(["reported", "report-folded"]);
    expect((await countCases(village)).total).toBe(1);
    // Another type in the same village is another case.
    const other = await report(anonymous(village, { ppksType: "gelandangan" }), "10.1.0.3");
    expect(other.id).not.toBe(first.id);
  });

  it("are limited per client: a 429 problem in Bahasa Indonesia with Retry-After", async () => {
    for (let i = 0; i < anonymousQuota.perClient; i++) await report(anonymous(nextVillage()), "10.2.0.1");
    const refused = await post(anonymous(nextVillage()), {}, "10.2.0.1");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(anonymousQuota.windowSeconds);
    expect(await refused.json()).toMatchObject({ status: 429, title: "Terlalu banyak laporan anonim" });
    // A named report from the same address is not limited; another address is not either.
    expect((await post(validCase(nextVillage()), {}, "10.2.0.1")).status).toBe(202);
    expect((await post(anonymous(nextVillage()), {}, "10.2.0.2")).status).toBe(202);
  });

  it("are limited per village, however many addresses send them", async () => {
    const village = nextVillage();
    for (let i = 0; i < anonymousQuota.perVillage; i++) {
      await report(
        anonymous(village, {
          ppksType: i % 2 === 0 ? "gelandangan" : "pengemis",
          // Near-duplicates, not copies: a copy answers with the first case and takes no quota.
          description: `Laporan anonim nomor ${i} tentang orang di jalan.`,
        }),
        `10.3.0.${i + 1}`,
      );
    }
    const refused = await post(anonymous(village), {}, "10.3.1.1");
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { detail: string }).detail).toContain("Desa/kelurahan ini");
    // The flood became two cases, not twenty.
    expect((await countCases(village)).total).toBe(2);
  });

  it("never fold a violence report, a more urgent report, or a report naming someone into an unnamed case", async () => {
    const village = nextVillage();
    const open = await report(anonymous(village, { urgency: "high" }), "10.7.0.1");
    // Less urgent or as urgent, nobody named: folded.
    const calmer = await report(
      anonymous(village, {
        urgency: "normal",
        description: "Lansia itu masih sendirian, belum ada yang datang.",
      }),
      "10.7.0.2",
    );
    expect(calmer.id).toBe(open.id);
    // More urgent: a case of its own, with its own deadlines.
    const urgent = await report(
      anonymous(village, { urgency: "emergency", description: "Lansia itu pingsan di depan rumah, segera." }),
      "10.7.0.3",
    );
    expect(urgent.id).not.toBe(open.id);
    // Naming someone, against a case naming nobody: a case of its own.
    const named = await report(
      anonymous(village, {
        urgency: "normal",
        subject: { name: "Mbah Karto" },
        description: "Mbah Karto tinggal sendiri dan tidak ada yang merawat.",
      }),
      "10.7.0.4",
    );
    expect([open.id, urgent.id]).not.toContain(named.id);
    // The same person named again (spelt a little differently): folded into that one.
    const again = await report(
      anonymous(village, {
        urgency: "normal",
        subject: { name: "mbah karta" },
        description: "Mbah Karta kelihatan lemah, makan seadanya.",
      }),
      "10.7.0.5",
    );
    expect(again.id).toBe(named.id);
    // Nobody named, against the named case (and the more urgent one): not folded into either.
    const unnamed = await report(
      anonymous(village, { urgency: "emergency", description: "Ada lansia lagi yang butuh bantuan segera." }),
      "10.7.0.6",
    );
    expect(unnamed.id).not.toBe(named.id);
    // Violence reports are never folded, however alike (both anonymous, nobody named).
    const violence = { ppksType: "anak-korban-kekerasan", urgency: "normal" };
    const firstViolence = await report(
      anonymous(village, { ...violence, description: "Terdengar anak dipukul di rumah ujung gang." }),
      "10.7.0.7",
    );
    const secondViolence = await report(
      anonymous(village, { ...violence, description: "Anak di rumah ujung gang sering dipukul." }),
      "10.7.0.8",
    );
    expect(secondViolence.id).not.toBe(firstViolence.id);
  });

  it("never limit violence reports per village (they are anonymous by default), but still per client", async () => {
    const village = nextVillage();
    for (let i = 0; i < anonymousQuota.perVillage; i++) {
      await report(
        anonymous(village, { ppksType: "pemulung", description: `Laporan sampah nomor ${i} di desa ini.` }),
        `10.8.0.${i + 1}`,
      );
    }
    expect((await post(anonymous(village, { ppksType: "pemulung" }), {}, "10.8.1.1")).status).toBe(429);
    const violence = (i: number) =>
      anonymous(village, {
        ppksType: "anak-korban-kekerasan",
        description: `Anak dianiaya di rumah nomor ${i}, tolong segera.`,
      });
    expect((await post(violence(0), {}, "10.8.2.1")).status).toBe(202);
    // One client still cannot flood: the per-client quota holds for violence reports too.
    for (let i = 1; i < anonymousQuota.perClient; i++) await report(violence(i), "10.8.2.1");
    expect((await post(violence(99), {}, "10.8.2.1")).status).toBe(429);
  });

  it("count an IPv6 client by its /64: another address of the same prefix shares the quota", async () => {
    for (let i = 0; i < anonymousQuota.perClient; i++) {
      await report(anonymous(nextVillage()), `2001:db8:aa:1::${(i + 1).toString(16)}`);
    }
    // Same /64, another host part (even spelt in full): refused.
    const refused = await post(anonymous(nextVillage()), {}, "2001:0db8:00aa:0001:dead:beef:0:1");
    expect(refused.status).toBe(429);
    // The next /64 is another client.
    expect((await post(anonymous(nextVillage()), {}, "2001:db8:aa:2::1")).status).toBe(202);
  });

  it("spend quota only when saved: a reused key with another body and keyed twins take none", async () => {
    const client = "10.9.3.1";
    const first = await post(anonymous(nextVillage()), { "Idempotency-Key": "quota-reused" }, client);
    expect(first.status).toBe(202);
    // The key with other reports, more times than the quota allows: each refused (422), none counted.
    for (let i = 0; i < anonymousQuota.perClient + 1; i++) {
      const reused = await post(anonymous(nextVillage()), { "Idempotency-Key": "quota-reused" }, client);
      expect(reused.status, await reused.clone().text()).toBe(422);
    }
    // Twins of one keyed report (a double click, a retry after a timeout): one saved report, one quota.
    const twins = anonymous(nextVillage());
    const statuses = (
      await Promise.all(
        Array.from({ length: 6 }, () => post(twins, { "Idempotency-Key": "quota-twins" }, client)),
      )
    ).map((response) => response.status);
    expect(
      statuses.every((status) => status === 202 || status === 409),
      statuses.join(","),
    ).toBe(true);
    expect((await post(twins, { "Idempotency-Key": "quota-twins" }, client)).status).toBe(202);
    // Two reports saved so far: the rest of the quota is still there, and then it is spent.
    for (let i = 2; i < anonymousQuota.perClient; i++) await report(anonymous(nextVillage()), client);
    expect((await post(anonymous(nextVillage()), {}, client)).status).toBe(429);
  });

  it("take a village's quota for a report arriving with another at the same instant, not refuse it", async () => {
    const village = nextVillage();
    // The first transaction meets another report's on the village's quota (DynamoDB Local rarely does).
    const send = db().send.bind(db());
    let conflicts = 0;
    vi.spyOn(db(), "send").mockImplementation((async (command: unknown) => {
      const items = command instanceof TransactWriteCommand ? (command.input.TransactItems ?? []) : [];
      const quota = items.findIndex((item) => String(item.Update?.Key?.pk).startsWith("CASE-QUOTA#village#"));
      if (quota >= 0 && conflicts++ === 0) {
        throw new TransactionCanceledException({
          message: "Transaction cancelled, please refer cancellation reasons for specific reasons",
          $metadata: { httpStatusCode: 400 },
          CancellationReasons: items.map((_, index) => ({
            Code: index === quota ? "TransactionConflict" : "None",
          })),
        });
      }
      return send(command as never);
    }) as never);
    try {
      await report(anonymous(village), "10.9.4.1");
    } finally {
      vi.restoreAllMocks();
    }
    expect(conflicts).toBe(2);
    const window = Math.floor(Date.now() / 1000 / anonymousQuota.windowSeconds);
    const { Item } = await db().send(
      new GetCommand({ TableName: tableName(), Key: caseKeys.anonymousQuota("village", village, window) }),
    );
    expect(Item?.reports).toBe(1);
  });
});

describe("GET /v1/cases/{id}?tracking=CODE", () => {
  it("shows status, level and dated milestones — no notes, no personal data; a wrong code is a 404 like an unknown id", async () => {
    const { id, trackingCode } = await report(
      validCase(nextVillage(), { subject: { name: "Ahmad Sutisna", nik: "3205011507400003" } }),
    );
    await recordCaseTransition(id, {
      event: "note-added",
      actor: { kind: "staff", email: "kades@example.go.id" },
      note: "Rahasia: tetangga bernama Pak Udin",
    });
    const response = await app.request(`/v1/cases/${id}?tracking=${trackingCode.toLowerCase()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const view = (await response.json()) as Record<string, unknown>;
    expect(view).toMatchObject({
      id,
      ppksType: "lanjut-usia-terlantar",
      status: "reported",
      level: "village",
      levelLabel: "Desa/kelurahan",
      milestones: [{ at: expect.any(String), event: "reported", label: "Laporan diterima" }],
    });
    const text = JSON.stringify(view);
    for (const secret of [
      "Ahmad",
      "3205",
      "Dewi",
      "0812",
      "dewi@",
      "Cikajang No. 5",
      "lansia tinggal",
      "Udin",
      "Rahasia",
    ]) {
      expect(text).not.toContain(secret);
    }
    const wrong = await app.request(`/v1/cases/${id}?tracking=AAAA-BBBB`);
    const unknown = await app.request(`/v1/cases/czzzzzzzzzzzz?tracking=${trackingCode}`);
    const impossible = await app.request(`/v1/cases/${"a".repeat(3000)}?tracking=${trackingCode}`);
    expect([wrong.status, unknown.status, impossible.status]).toEqual([404, 404, 404]);
    expect(await wrong.text()).toBe(await unknown.text());
    expect((await app.request(`/v1/cases/${id}`)).status).toBe(404);
  });

  it("shows only code, type and level for a sensitive or violence type", async () => {
    const { id, trackingCode } = await report(
      validCase(nextVillage(), { ppksType: "korban-tindak-kekerasan", reporter: { kind: "anonymous" } }),
    );
    const view = await (await app.request(`/v1/cases/${id}?tracking=${trackingCode}`)).json();
    expect(view).toEqual({
      id,
      ppksType: "korban-tindak-kekerasan",
      ppksTypeName: "Korban Tindak Kekerasan",
      level: "ppa",
      levelLabel: "UPTD Perlindungan Perempuan dan Anak (PPA)",
    });
  });

  it("shows the outcome once closed", async () => {
    const { id, trackingCode } = await report(validCase(nextVillage()));
    await recordCaseTransition(id, {
      event: "closed",
      actor: { kind: "staff", email: "kades@example.go.id" },
      status: "closed",
      stage: "completed",
      note: "Sudah dibawa ke panti",
      set: {
        outcome: "resolved",
        outcomeSummary: "Dibawa ke panti wreda",
        closedAt: new Date().toISOString(),
      },
    });
    const view = (await (await app.request(`/v1/cases/${id}?tracking=${trackingCode}`)).json()) as Record<
      string,
      unknown
    >;
    expect(view).toMatchObject({ status: "closed", outcome: "resolved", outcomeLabel: "Sudah ditangani" });
    expect(JSON.stringify(view)).not.toContain("panti");
  });
});

describe("staff cases", () => {
  it("pages through a region with an opaque cursor, every case once; filters by status, level and overdue", async () => {
    const village = nextVillage();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (
          await report(
            validCase(village, {
              subject: { name: `Warga Nomor ${i} Berbeda${"x".repeat(i)}` },
              ppksType: ["gelandangan", "pengemis", "pemulung", "anak-jalanan", "fakir-miskin"][i],
            }),
          )
        ).id,
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ region: village, limit: "2", ...(cursor ? { cursor } : {}) });
      const { status, body } = await staffGet<{ items: Array<{ id: string }>; nextCursor?: string }>(
        `/v1/staff/cases?${query}`,
        districtGarut,
      );
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((item) => item.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(pages).toBeGreaterThanOrEqual(3);

    const [taken, overdue] = ids as [string, string];
    await recordCaseTransition(taken, {
      event: "taken",
      actor: { kind: "system" },
      status: "in-progress",
      stage: "handling",
    });
    await recordCaseTransition(overdue, {
      event: "escalated",
      actor: { kind: "system" },
      level: "district",
      set: { dueAt: new Date(Date.now() - 60_000).toISOString() },
    });
    const list = async (filter: string) =>
      (
        await staffGet<{ items: Array<{ id: string; overdue: boolean }> }>(
          `/v1/staff/cases?region=${village}&${filter}`,
          districtGarut,
        )
      ).body.items.map((i) => i.id);
    expect(await list("status=in-progress")).toEqual([taken]);
    expect(await list("level=district")).toEqual([overdue]);
    expect(await list("overdue=true")).toEqual([overdue]);
    expect((await list("status=reported")).sort()).toEqual(ids.filter((id) => id !== taken).sort());
  });

  it("refuses a bad filter, limit or cursor with 4xx, and a cursor of another list", async () => {
    const first = await staffGet<{ nextCursor?: string }>("/v1/staff/cases?limit=1", districtGarut);
    expect(first.body.nextCursor).toBeDefined();
    const cursor = first.body.nextCursor as string;
    expect(
      (await staffGet(`/v1/staff/cases?limit=1&cursor=${cursor}&status=closed`, districtGarut)).status,
    ).toBe(400);
    expect((await staffGet(`/v1/staff/cases?limit=1&cursor=${cursor}x`, districtGarut)).status).toBe(400);
    expect((await staffGet(`/v1/staff/cases?limit=1&cursor=${cursor}`, districtBandung)).status).toBe(400);
    for (const query of [
      "status=open",
      "level=kecamatan",
      "overdue=ya",
      "limit=0",
      "limit=500",
      "region=99.99",
    ]) {
      expect((await staffGet(`/v1/staff/cases?${query}`, districtGarut)).status, query).toBe(422);
    }
  });

  it("keeps staff to their region: another kabupaten sees none of Garut's cases, and their details are 404", async () => {
    const { id } = await report(validCase(nextVillage()));
    const bandung = await staffGet<{ items: Array<{ id: string }> }>(
      "/v1/staff/cases?limit=100",
      districtBandung,
    );
    expect(bandung.body.items.map((i) => i.id)).not.toContain(id);
    expect((await staffGet("/v1/staff/cases?region=32.05", districtBandung)).status).toBe(404);
    expect((await details(id, districtBandung)).status).toBe(404);
    expect((await details(id, admin)).status).toBe(200);
  });

  it("records every read of the details in the access trail", async () => {
    const { id } = await report(validCase(nextVillage()));
    await details(id);
    await details(id);
    const reads = await queryByPrefix<{ actor: { email: string }; purpose: string }>(
      caseKeys.accessPrefix(id),
    );
    expect(reads).toHaveLength(2);
    expect(reads[0]).toMatchObject({ actor: { email: "district@example.go.id" }, purpose: "view-details" });
  });

  it("shows a violence case's details only to the PPA unit, and lets only those who may read it add notes", async () => {
    const { id } = await report(
      validCase(nextVillage(), {
        ppksType: "anak-korban-kekerasan",
        subject: { name: "Anak R", ageYears: 9 },
      }),
    );
    const officer = await details(id, districtGarut);
    expect(officer.status).toBe(200);
    expect(officer.body.restricted).toBe(true);
    expect(JSON.stringify(officer.body)).not.toMatch(/Anak R|Cikajang No/);
    const ppa = await staffToken("district", "32.05", {
      duties: ["ppa"],
      email: "ppa@example.go.id",
      sub: "ppa",
    });
    const unit = await details(id, ppa);
    expect(unit.body.restricted).toBe(false);
    expect(unit.body.subject).toMatchObject({ name: "Anak R" });
    const note = (bearer: string) =>
      app.request(`/v1/staff/cases/${id}/notes`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ note: "Korban sudah didampingi psikolog." }),
      });
    expect((await note(districtGarut)).status).toBe(403);
    expect((await note(ppa)).status).toBe(201);
    const trail = (await details(id, ppa)).body.auditTrail ?? [];
    expect(trail.map((e) => e.event)).toEqual(["reported", "note-added"]);
    expect(trail[1]).toMatchObject({ note: "Korban sudah didampingi psikolog." });
    // A list shows the case without its details to the officer.
    const listed = await staffGet<{ items: Array<Record<string, unknown>> }>(
      "/v1/staff/cases?limit=100&level=ppa",
      districtGarut,
    );
    const item = listed.body.items.find((i) => i.id === id);
    expect(item).toMatchObject({ restricted: true });
    expect(item).not.toHaveProperty("subjectName");
  });

  it("refuses an empty or bad note with 422 and writes nothing", async () => {
    const { id } = await report(validCase(nextVillage()));
    for (const note of ["", "baris\u202Eterbalik", "x".repeat(2001)]) {
      const response = await app.request(`/v1/staff/cases/${id}/notes`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${districtGarut}` },
        body: JSON.stringify({ note }),
      });
      expect(response.status).toBe(422);
    }
    expect((await details(id)).body.auditTrail?.map((e) => e.event)).toEqual(["reported"]);
  });

  it("counts a region's cases by type, status, level and overdue", async () => {
    const village = nextVillage();
    const a = await report(validCase(village, { ppksType: "gelandangan" }));
    await report(validCase(village, { ppksType: "pengemis" }));
    await report(validCase(village, { ppksType: "pengemis", subject: { name: "Orang Lain Sama Sekali" } }));
    await recordCaseTransition(a.id, {
      event: "escalated",
      actor: { kind: "system" },
      level: "district",
      set: { dueAt: new Date(Date.now() - 1000).toISOString() },
    });
    const { status, body } = await staffGet<Record<string, unknown>>(
      `/v1/staff/reports/cases?region=${village}`,
      districtGarut,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      region: village,
      total: 3,
      byType: { gelandangan: 1, pengemis: 2 },
      byStatus: { reported: 3 },
      byLevel: { village: 2, district: 1 },
      overdue: 1,
    });
    expect((await staffGet(`/v1/staff/reports/cases?region=32.04`, districtGarut)).status).toBe(404);
  });
});

describe("GET /v1/staff/registrations", () => {
  it("pages with the same cursor", async () => {
    const registrationVillage = nextVillage();
    for (const serial of ["0901", "0902", "0903"]) {
      await createRegistration(
        validateRegistration(
          { ...validRegistration, nik: `320501550795${serial}`, villageCode: registrationVillage },
          new Date(),
        ),
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({
        region: registrationVillage,
        limit: "2",
        ...(cursor ? { cursor } : {}),
      });
      const { body } = await staffGet<{ items: Array<{ id: string }>; nextCursor?: string }>(
        `/v1/staff/registrations?${query}`,
        districtGarut,
      );
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 5);
    expect(new Set(seen).size).toBe(3);
    expect(pages).toBe(2);
  });
});
