/**
 * Bad input never gets a 5xx. Known attacks first (a broken multipart body, a 3 KB id, CR LF in a
 * name reaching an email subject), then a property-based fuzz: generated bad requests at every
 * public endpoint, in-process, asserting no 5xx, a problem document (or the action page) for every
 * refusal, and nothing written. `FUZZ_SEED=<n>` replays a run; a failure prints its seed and path.
 */
import { createHash } from "node:crypto";
import { paginateScan, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { enrol } from "@sigap/core/bimtek/enrolment";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import { attendanceUrl, enrolmentUrl } from "@sigap/core/bimtek/links";
import { createSession } from "@sigap/core/bimtek/sessions";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { registrationKeys } from "@sigap/core/registration/keys";
import { tableName } from "@sigap/core/resources";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { GARUT_OFFICER } from "./support/bimtek";
import { staffToken } from "./support/staff-token";

const SEED = Number(process.env.FUZZ_SEED ?? 6_2026);

let stack: AppStack;
let registrationId: string;
let receiptCode: string;
let actionId: string;
let districtToken: string;
let caseId: string;
let trackingCode: string;

/**
 * Real Bimtek ids, so the fuzz reaches past the id checks: an open session with one confirmed
 * participant (`openEnrolment`, its link code), a session that has ended (attendance open) with one
 * confirmed participant, and an eligible candidate who is enrolled nowhere.
 */
interface Person {
  registrationId: string;
  receiptCode: string;
}
let openSessionId: string;
let endedSessionId: string;
let openEnrolment: { id: string; code: string };
let endedEnrolment: { id: string; code: string };
let attendanceCode: string;
let enrolledPerson: Person;
let endedPerson: Person;
let freePerson: Person;
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();
const codeOf = (url: string) => new URL(url).searchParams.get("code") as string;

/** A candidate of Garut waiting for Bimtek dasar: registered through the API, moved on directly. */
async function bimtekCandidate(serial: number): Promise<Person> {
  const response = await stack.app.request("/v1/registrations", {
    method: "POST",
    ...json({
      ...validRegistration,
      nik: `320501550795${String(serial).padStart(4, "0")}`,
      fullName: `Peserta Fuzz ${serial}`,
      email: `fuzz${serial}@example.com`,
    }),
  });
  expect(response.status).toBe(202);
  const { id, receiptCode } = (await response.json()) as { id: string; receiptCode: string };
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: registrationKeys.registration(id),
      UpdateExpression: "SET #status = :candidate, stage = :stage",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":candidate": "candidate", ":stage": "basic-training" },
    }),
  );
  return { registrationId: id, receiptCode };
}

/** A dasar session of Garut a month ahead (no workflow: nothing here waits for its timeline). */
const garutSession = (title: string) =>
  createSession(GARUT_OFFICER, {
    level: "dasar",
    title,
    regionCode: "32.05",
    venue: "Aula Dinas Sosial Garut",
    startsAt: isoIn(30 * DAY),
    endsAt: isoIn(31 * DAY),
    capacity: 75,
    speakers: [{ name: "Narasumber Kemensos", email: "narasumber@kemensos.example.go.id" }],
  });

async function bimtekFixtures(): Promise<void> {
  [enrolledPerson, endedPerson, freePerson] = [
    await bimtekCandidate(9001),
    await bimtekCandidate(9002),
    await bimtekCandidate(9003),
  ];
  const open = await garutSession("Bimtek Dasar PSM Garut (uji masukan)");
  const ended = await garutSession("Bimtek Dasar PSM Garut (sudah selesai)");
  openSessionId = open.id;
  endedSessionId = ended.id;
  const a = await enrol({ sessionId: open.id, ...enrolledPerson });
  const b = await enrol({ sessionId: ended.id, ...endedPerson });
  expect([a.enrolment.status, b.enrolment.status]).toEqual(["confirmed", "confirmed"]);
  openEnrolment = { id: a.enrolment.id, code: codeOf(enrolmentUrl(a.enrolment.id)) };
  endedEnrolment = { id: b.enrolment.id, code: codeOf(enrolmentUrl(b.enrolment.id)) };
  attendanceCode = codeOf(attendanceUrl(ended.id));
  // Moved into the past directly (a new session cannot be): two local days, ended an hour ago.
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: bimtekKeys.session(ended.id),
      UpdateExpression: "SET startsAt = :starts, endsAt = :ends, enrolmentClosesAt = :closes",
      ExpressionAttributeValues: {
        ":starts": isoIn(-25 * HOUR),
        ":ends": isoIn(-HOUR),
        ":closes": isoIn(-2 * DAY),
      },
    }),
  );
}

/** A case report that would be accepted (the fuzz makes one field of it bad). */
const validCaseReport = {
  ppksType: "lanjut-usia-terlantar",
  villageCode: "32.05.22.2001",
  location: "Jl. Cikajang No. 5",
  description: "Seorang lansia tinggal sendiri dan kekurangan makanan.",
  subject: { name: "Ahmad Sutisna" },
  reporter: { kind: "resident", name: "Dewi Lestari", phone: "0812-1111-2222" },
};

/**
 * A digest of every item in the table: equal before and after means nothing was put, changed or
 * deleted. `withoutReads` leaves out the access trail (`ACCESS#`), for a refusal that re-renders a
 * page of names: showing them is a read of personal data, recorded as such.
 */
async function tableDigest(withoutReads = false): Promise<string> {
  const items: string[] = [];
  for await (const page of paginateScan({ client: db() }, { TableName: tableName() })) {
    for (const item of page.Items ?? []) {
      if (withoutReads && String(item.sk).startsWith("ACCESS#")) continue;
      items.push(JSON.stringify(Object.entries(item).sort()));
    }
  }
  return createHash("sha256").update(items.sort().join("\n")).digest("hex");
}

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  stack = await startAppStack();
  districtToken = await staffToken("district", "32.05");
  const response = await stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(validRegistration),
  });
  expect(response.status).toBe(202);
  ({ id: registrationId, receiptCode } = (await response.json()) as { id: string; receiptCode: string });
  // The village head's link: a real pending action to throw bad decisions at.
  const link = await eventually(
    () =>
      outbox()
        .list()
        .flatMap((m) => m.links)
        .find((l) => l.includes("/v1/actions/")),
    "the village head's email",
  );
  actionId = new URL(link).pathname.split("/").pop() as string;
  const reported = await stack.app.request("/v1/cases", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(validCaseReport),
  });
  expect(reported.status).toBe(202);
  ({ id: caseId, trackingCode } = (await reported.json()) as { id: string; trackingCode: string });
  await bimtekFixtures();
  // The workflow now waits for days; wait until what it writes on the way has settled.
  let last = "";
  await eventually(async () => {
    const now = await tableDigest();
    const settled = now === last;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return settled ? true : undefined;
  }, "the workflow to settle");
});
afterAll(() => stack.close());

type Expectation = "refused" | "answered";

/** No 5xx; a refusal is a problem document whose status matches, or (for /v1/actions) the HTML page. */
async function expectHandled(
  response: Response,
  expectation: Expectation,
  htmlAllowed = false,
): Promise<void> {
  const type = response.headers.get("content-type") ?? "";
  const body = await response.text();
  const where = `${response.status} ${type} ${body.slice(0, 300)}`;
  expect(response.status, where).toBeLessThan(500);
  if (expectation === "refused") expect(response.status, where).toBeGreaterThanOrEqual(400);
  if (response.status < 400) return;
  if (htmlAllowed && type.startsWith("text/html")) {
    expect(body, where).toContain("<!doctype html>");
    return;
  }
  expect(type, where).toContain("application/problem+json");
  const problem = JSON.parse(body) as { status: number; title: unknown; type: unknown };
  expect(problem.status, where).toBe(response.status);
  expect(typeof problem.title, where).toBe("string");
  expect(typeof problem.type, where).toBe("string");
}

const json = (body: unknown) => ({
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

function multipart(fields: Record<string, string>, boundary = "----sigap-test-boundary") {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    body: `${parts.join("")}--${boundary}--\r\n`,
    headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
  };
}

describe("known bad input", () => {
  const bodyRoutes = () => [
    { method: "POST", path: "/v1/registrations", auth: false },
    { method: "POST", path: "/v1/cases", auth: false },
    { method: "POST", path: `/v1/staff/cases/${caseId}/notes`, auth: true },
    { method: "POST", path: `/v1/actions/${actionId}`, auth: false },
    { method: "PUT", path: "/v1/staff/directory/32.05", auth: true },
    { method: "POST", path: `/v1/staff/registrations/${registrationId}/training-completions`, auth: true },
  ];

  it("answers 400 to an unparsable body and 415 to an unsupported type or charset, on every body route", async () => {
    const cases: Array<{ status: number; body: RequestInit["body"]; contentType: string }> = [
      { status: 400, body: "garbage", contentType: "multipart/form-data; boundary=xyz" },
      { status: 400, body: "--xyz\r\nbroken", contentType: "multipart/form-data; boundary=xyz" },
      { status: 400, body: "a=1", contentType: "multipart/form-data" },
      { status: 400, body: "{not json", contentType: "application/json" },
      { status: 400, body: "[1,2]", contentType: "application/json" },
      { status: 400, ...fileUpload() },
      // Not UTF-8: a raw 0xFF byte, a percent-encoded one, an over-long NUL. Never stored as "�".
      {
        status: 400,
        body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
        contentType: "application/json",
      },
      { status: 400, body: "fullName=Eko%FFP", contentType: "application/x-www-form-urlencoded" },
      { status: 400, body: "fullName=Eko%C0%80P", contentType: "application/x-www-form-urlencoded" },
      { status: 415, body: "a=1", contentType: "application/x-www-form-urlencoded; charset=iso-2022-jp" },
      { status: 415, body: "{}", contentType: "application/json; charset=utf-16" },
      { status: 415, body: "<a/>", contentType: "application/xml" },
      { status: 415, body: "x", contentType: "" },
    ];
    for (const route of bodyRoutes()) {
      for (const { status, body, contentType } of cases) {
        const response = await stack.app.request(route.path, {
          method: route.method,
          body,
          headers: {
            ...(contentType ? { "Content-Type": contentType } : {}),
            ...(route.auth ? { Authorization: `Bearer ${districtToken}` } : {}),
          },
        });
        expect(response.status, `${route.method} ${route.path} ${contentType}`).toBe(status);
        await expectHandled(response, "refused");
      }
    }
  });

  it("answers a 3 KB id like an unknown one, without asking the database", async () => {
    const huge = "a".repeat(3000);
    const staff = { Authorization: `Bearer ${districtToken}` };
    const cases: Array<[string, RequestInit, number]> = [
      [`/v1/registrations/${huge}?receipt=${receiptCode}`, {}, 404],
      [`/v1/registrations/${registrationId}?receipt=${"A".repeat(3000)}`, {}, 404],
      [`/v1/staff/registrations/${huge}`, { headers: staff }, 404],
      [
        `/v1/staff/registrations/${huge}/training-completions`,
        { method: "POST", body: "{}", headers: { ...staff, "Content-Type": "application/json" } },
        404,
      ],
      [`/v1/staff/directory/${"3".repeat(3000)}`, { headers: staff }, 422],
      [`/v1/staff/registrations?region=${"3".repeat(3000)}`, { headers: staff }, 422],
      [`/v1/staff/registrations?status=${"x".repeat(3000)}`, { headers: staff }, 422],
      [`/v1/cases/${huge}?tracking=${trackingCode}`, {}, 404],
      [`/v1/cases/${caseId}?tracking=${"A".repeat(3000)}`, {}, 404],
      [`/v1/staff/cases/${huge}`, { headers: staff }, 404],
      [`/v1/staff/cases?cursor=${"a".repeat(3000)}`, { headers: staff }, 400],
      [`/v1/staff/cases?status=${"x".repeat(3000)}`, { headers: staff }, 422],
      [`/v1/staff/reports/cases?region=${"3".repeat(3000)}`, { headers: staff }, 422],
    ];
    for (const [path, init, status] of cases) {
      const response = await stack.app.request(path, init);
      expect(response.status, path.slice(0, 60)).toBe(status);
      await expectHandled(response, "refused");
    }
    // An unknown id and an impossible one get the same answer.
    const unknown = await stack.app.request(`/v1/registrations/zzzzzzzzzzzz?receipt=${receiptCode}`);
    const impossible = await stack.app.request(`/v1/registrations/${huge}?receipt=${receiptCode}`);
    expect(await impossible.text()).toBe(await unknown.text());
    for (const path of [`/v1/actions/${"A".repeat(3000)}`, "/v1/actions/short"]) {
      for (const method of ["GET", "POST"]) {
        const response = await stack.app.request(path, {
          method,
          ...(method === "POST" ? json({ decision: "recommend" }) : {}),
        });
        expect(response.status).toBe(404);
        expect(await response.text()).toContain("Tautan tidak dikenal");
      }
    }
  });

  it("refuses a name with CR LF, so it can never reach an email subject", async () => {
    for (const encoded of [
      json({ ...validRegistration, fullName: "Siti\r\nBcc: korban@example.com" }),
      multipart({ ...validRegistration, consent: "on", fullName: "Siti\r\nBcc: korban@example.com" }),
    ]) {
      const response = await stack.app.request("/v1/registrations", { method: "POST", ...encoded });
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({
        errors: [{ field: "fullName", message: "Nama lengkap harus ditulis dalam satu baris." }],
      });
    }
  });

  it("re-renders the decision page with the reason's problem, and decides nothing", async () => {
    const response = await stack.app.request(`/v1/actions/${actionId}`, {
      method: "POST",
      body: new URLSearchParams({ decision: "reject", reason: "Tidak memenuhi \u202Esyarat" }),
    });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain("Alasan mengandung karakter tak terlihat");
    expect(page).toContain('<form method="post">');
    const again = await stack.app.request(`/v1/actions/${actionId}`);
    expect(again.status).toBe(200);
  });

  it("refuses an approver whose name carries a line break or a direction override", async () => {
    for (const name of ["Kades\r\nBcc: x@example.com", "Kades \u202Eabc", "\u0301\u0301\u0301"]) {
      const response = await stack.app.request("/v1/staff/directory/32.05", {
        method: "PUT",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${districtToken}` },
        body: JSON.stringify({ approvers: [{ name, email: "kades@example.go.id" }] }),
      });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe(
        "approvers.0.name",
      );
    }
  });
});

/** A multipart form whose fields may repeat (checkboxes). */
function multipartRepeated(fields: Array<[string, string]>, boundary = "----sigap-test-boundary") {
  const parts = fields.map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    body: `${parts.join("")}--${boundary}--\r\n`,
    headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
  };
}

describe("known bad input: Bimtek", () => {
  it("refuses an enrolment at a session whose enrolment has closed, leaving no trace on the session", async () => {
    const before = await tableDigest();
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await stack.app.request(`/v1/bimtek/${endedSessionId}/enrollments`, {
        method: "POST",
        ...json(freePerson),
      });
      expect(response.status).toBe(409);
      await expectHandled(response, "refused");
    }
    expect(await tableDigest()).toBe(before);
  });

  it('refuses quotas sent as a list (once taken as a quota for kecamatan "0")', async () => {
    const before = await tableDigest();
    for (const quotas of [[1], [], [10, 20]]) {
      const response = await stack.app.request("/v1/staff/bimtek", {
        method: "POST",
        ...json({
          level: "dasar",
          title: "Bimtek Dasar PSM Garut",
          regionCode: "32.05",
          venue: "Aula Dinas Sosial Garut",
          startsAt: isoIn(40 * DAY),
          endsAt: isoIn(41 * DAY),
          capacity: 75,
          quotas,
        }),
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${districtToken}` },
      });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { errors: Array<{ field: string }> }).errors).toContainEqual(
        expect.objectContaining({ field: "quotas" }),
      );
    }
    expect(await tableDigest()).toBe(before);
  });

  it("answers a refused change on the participant's page as a problem document when JSON is asked for", async () => {
    const response = await stack.app.request(
      `/v1/bimtek/enrollments/${endedEnrolment.id}/cancellation?code=${endedEnrolment.code}`,
      { method: "POST", headers: { Accept: "application/json" } },
    );
    expect(response.status).toBe(409);
    await expectHandled(response, "refused");
    const offer = await stack.app.request(
      `/v1/bimtek/enrollments/${openEnrolment.id}/offer?code=${openEnrolment.code}`,
      {
        method: "POST",
        ...json({ decision: "accept" }),
        headers: { "Content-Type": "application/json", Accept: "application/json" },
      },
    );
    expect(offer.status).toBe(409);
    await expectHandled(offer, "refused");
    // A browser (Accept: text/html) still gets the page, with the reason.
    const page = await stack.app.request(
      `/v1/bimtek/enrollments/${endedEnrolment.id}/cancellation?code=${endedEnrolment.code}`,
      { method: "POST", headers: { Accept: "text/html" } },
    );
    expect(page.status).toBe(409);
    expect(await page.text()).toContain("Sesi ini sudah dimulai");
  });
});

function fileUpload(): { body: FormData; contentType: string } {
  const form = new FormData();
  form.append("fullName", new Blob(["Siti"], { type: "text/plain" }), "nama.txt");
  const request = new Request("http://x/", { method: "POST", body: form });
  return { body: form, contentType: request.headers.get("content-type") ?? "" };
}

// ---------------------------------------------------------------------------------------------
// The fuzz: every generated request is bad by construction, so none may write anything.

/** Characters no single-line field accepts, in any encoding (lone surrogates only survive JSON). */
const BAD_IN_A_LINE = [
  "\u0000",
  "\r\n",
  "\n",
  "\r",
  "\u0007",
  "\u001B[31m",
  "\u0085",
  "\u009B",
  "\u2028",
  "\u202E",
  "\u202A",
  "\u2066",
  "\u2069",
  "\u200E",
  "\u061C",
  "\u{E0041}",
  "\u0301\u0302\u0303\u0304\u0305",
];
/** Characters no multi-line field accepts either. */
const BAD_IN_LINES = [
  "\u0000",
  "\u0007",
  "\u001B[31m",
  "\u0085",
  "\u009B",
  "\u202E",
  "\u202D",
  "\u2067",
  "\u2068",
  "\u200F",
  "\u{E0041}",
  "\u0301\u0302\u0303\u0304\u0305",
];
const LONE_SURROGATES = ["\uD800", "\uDBFF", "\uDC00", "\uDFFF"];

type Encoding = "json" | "urlencoded" | "multipart";

/** Any UTF-16 code unit, lone surrogates included. */
const anyCodeUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
  maxLength: 40,
});
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  anyCodeUnits,
);

/** Text that a field of `lines` kind must refuse, whatever surrounds the bad part. */
const badText = (lines: "single" | "multi", encoding: Encoding) =>
  fc
    .tuple(
      anyText,
      fc.constantFrom(
        ...(lines === "single" ? BAD_IN_A_LINE : BAD_IN_LINES),
        ...(encoding === "json" ? LONE_SURROGATES : []),
      ),
      anyText,
    )
    // Letters around the bad part keep trimming and pairing surrogates from removing it.
    .map(([before, bad, after]) => `${before}x${bad}x${after}`);

/** Printable ASCII, the only thing a header value can carry here. */
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((u) => String.fromCharCode(u)),
  maxLength: 60,
});

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded; charset=utf-16",
  "multipart/form-data",
  "multipart/form-data; boundary=",
  "multipart/form-data; boundary=abc",
  'multipart/form-data; boundary="a b"',
  "text/plain",
  "text/html",
  "application/xml",
  "application/octet-stream",
  "application/merge-patch+json",
  "",
];
const contentType = fc.oneof(fc.constantFrom(...CONTENT_TYPES), headerValue);

/** Raw bytes or text of any shape, under any declared type. */
const rawBody = fc.record({
  contentType,
  body: fc.oneof(
    fc.string({ unit: "binary", maxLength: 300 }),
    anyCodeUnits,
    fc.uint8Array({ maxLength: 300 }),
    fc.json({ maxDepth: 3 }),
    fc.constantFrom(
      "--abc\r\nContent-Disposition: form-data\r\n\r\nx",
      "--abc--",
      "%",
      "a=%zz&b=%E0%A4%A",
      "\uFEFF{}",
      "null",
    ),
  ),
});

function encode(
  fields: Record<string, unknown>,
  encoding: Encoding,
): { body: RequestInit["body"]; headers: Record<string, string> } {
  if (encoding === "json") return json(fields);
  const strings = Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, typeof v === "string" ? v : (JSON.stringify(v) ?? "")]),
  );
  return encoding === "urlencoded"
    ? {
        body: new URLSearchParams(strings).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      }
    : multipart(strings, `b${Math.abs(Object.keys(strings).length * 7919)}x`);
}

const SINGLE_LINE_FIELDS = ["fullName", "birthPlace", "education", "occupation"] as const;
const MULTI_LINE_FIELDS = ["address", "motivation"] as const;
const encoding = fc.constantFrom<Encoding>("json", "urlencoded", "multipart");

/** A registration that would be accepted but for one field made bad. */
const badRegistration = encoding.chain((enc) =>
  fc
    .oneof(
      fc.tuple(fc.constantFrom(...SINGLE_LINE_FIELDS), badText("single", enc)),
      fc.tuple(fc.constantFrom(...MULTI_LINE_FIELDS), badText("multi", enc)),
      fc.tuple(
        fc.constantFrom("nik", "villageCode", "birthDate", "gender", "phone"),
        anyText.filter((s) => !/\d{5,}/.test(s)),
      ),
      fc.tuple(
        fc.constant("fullName"),
        fc.string({ minLength: 101, maxLength: 5000 }).filter((s) => s.trim().length > 100),
      ),
      fc.tuple(fc.constant("consent"), fc.constantFrom(false, "off", "tidak", "")),
      enc === "json"
        ? fc.tuple(
            fc.constantFrom(...SINGLE_LINE_FIELDS, ...MULTI_LINE_FIELDS, "nik"),
            fc.oneof(fc.integer(), fc.array(fc.string()), fc.object(), fc.constant(null)),
          )
        : fc.tuple(fc.constant("nik"), fc.constant("")),
    )
    .map(([field, value]) => ({ enc, field, value })),
);

/** How many fuzz properties the describe below runs; the 1,000 total is checked only when all ran. */
const FUZZ_PROPERTIES = 36;
let propertiesRun = 0;

/** Runs one property; returns how many generated requests it really sent. */
async function fuzz<T>(
  runs: number,
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
  options: { readsRecorded?: boolean } = {},
) {
  const digest = () => tableDigest(options.readsRecorded);
  const before = await digest();
  const mails = outbox().list().length;
  let sent = 0;
  const counted = async (value: T) => {
    sent += 1;
    await check(value);
  };
  await fc.assert(fc.asyncProperty(arbitrary, counted), { seed: SEED, numRuns: runs, endOnFailure: false });
  expect(await digest(), "the table (nothing put, changed or deleted)").toBe(before);
  expect(outbox().list().length, "mail sent").toBe(mails);
  propertiesRun += 1;
  return sent;
}

describe("fuzz: generated bad input at every public endpoint", () => {
  let total = 0;
  afterAll(() => {
    // The issue asks for at least 1,000 generated bad inputs in all (when no test was filtered out).
    if (propertiesRun === FUZZ_PROPERTIES) expect(total).toBeGreaterThanOrEqual(1000);
  });

  it("POST /v1/registrations: bad fields in every encoding, any body under any type", async () => {
    total += await fuzz(
      250,
      fc.record({ bad: badRegistration, idempotencyKey: fc.option(headerValue, { nil: undefined }) }),
      async ({ bad, idempotencyKey }) => {
        const fields = {
          ...validRegistration,
          consent: bad.enc === "json" ? true : "on",
          [bad.field]: bad.value,
        };
        const { body, headers } = encode(fields, bad.enc);
        const response = await stack.app.request("/v1/registrations", {
          method: "POST",
          body,
          headers: {
            ...headers,
            ...(idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey }),
          },
        });
        await expectHandled(response, "refused");
      },
    );
    total += await fuzz(150, rawBody, async ({ contentType, body }) => {
      const response = await stack.app.request("/v1/registrations", {
        method: "POST",
        body,
        headers: contentType ? { "Content-Type": contentType } : {},
      });
      await expectHandled(response, "refused");
    });
  });

  /** Ids of every shape but the one that exists: random, huge, lookalike, path tricks. */
  const badId = fc
    .oneof(
      anyText,
      // Over DynamoDB's 2 KB key limit.
      fc.string({ minLength: 2100, maxLength: 4000 }),
      fc.stringMatching(/^[a-z0-9]{12}$/),
      fc.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      fc.constantFrom("..", "%2e%2e", "%00", "%ZZ", "REG#x", "a'b", "x?y", "x#y"),
    )
    .filter((id) => id !== registrationId && id !== actionId && id !== "" && id !== "." && id !== "..");
  /** Percent-encoded; a lone surrogate goes as its (invalid) UTF-8 bytes, as a hostile client would send it. */
  const asPath = (id: string) =>
    id.startsWith("%")
      ? id
      : [...id]
          .map((ch) => {
            const unit = ch.charCodeAt(0);
            if (ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
              return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
                .map((b) => `%${b.toString(16).toUpperCase()}`)
                .join("");
            }
            return encodeURIComponent(ch);
          })
          .join("");

  it("GET /v1/registrations/{id}: any id, any receipt", async () => {
    total += await fuzz(
      150,
      fc.record({ id: badId, receipt: fc.option(anyText, { nil: undefined }) }),
      async ({ id, receipt }) => {
        const query = receipt === undefined ? "" : `?receipt=${asPath(receipt)}`;
        await expectHandled(await stack.app.request(`/v1/registrations/${asPath(id)}${query}`), "refused");
      },
    );
    // The real id with a wrong receipt is refused too (a receipt is 9 characters; these are not it).
    total += await fuzz(
      50,
      anyText.filter((r) => r.replace(/[^A-Za-z0-9]/g, "").toUpperCase() !== receiptCode.replace("-", "")),
      async (receipt) => {
        await expectHandled(
          await stack.app.request(`/v1/registrations/${registrationId}?receipt=${asPath(receipt)}`),
          "refused",
        );
      },
    );
  });

  it("GET|POST /v1/actions/{id}: unknown links, and bad decisions on a real one", async () => {
    total += await fuzz(
      100,
      fc.record({ id: badId, post: fc.boolean(), raw: rawBody }),
      async ({ id, post, raw }) => {
        const response = await stack.app.request(`/v1/actions/${asPath(id)}`, {
          method: post ? "POST" : "GET",
          ...(post
            ? { body: raw.body, headers: raw.contentType ? { "Content-Type": raw.contentType } : {} }
            : {}),
        });
        await expectHandled(response, "refused", true);
      },
    );
    const badDecision = encoding.chain((enc) =>
      fc.record({
        enc: fc.constant(enc),
        decision: fc.oneof(fc.constantFrom("recommend", "reject"), anyText),
        reason: fc.oneof(
          badText("multi", enc),
          fc.string({ minLength: 501, maxLength: 3000 }).filter((s) => s.trim().length > 500),
        ),
        note: fc.option(anyText, { nil: undefined }),
      }),
    );
    total += await fuzz(100, badDecision, async ({ enc, decision, reason, note }) => {
      const response = await stack.app.request(`/v1/actions/${actionId}`, {
        method: "POST",
        ...encode({ decision, reason, ...(note === undefined ? {} : { note }) }, enc),
      });
      await expectHandled(response, "refused", true);
    });
    const noDecision = rawBody.filter(({ body }) => {
      const text = typeof body === "string" ? body : Buffer.from(body).toString("latin1");
      let decoded = text;
      try {
        decoded = decodeURIComponent(text.replaceAll("+", " "));
      } catch {}
      return !/recommend|reject/i.test(text) && !/recommend|reject/i.test(decoded);
    });
    total += await fuzz(70, noDecision, async ({ contentType, body }) => {
      const response = await stack.app.request(`/v1/actions/${actionId}`, {
        method: "POST",
        body,
        headers: contentType ? { "Content-Type": contentType } : {},
      });
      await expectHandled(response, "refused", true);
    });
  });

  it("/v1/staff with a valid token: ids, codes, queries, directory and training bodies", async () => {
    const auth = () => ({ Authorization: `Bearer ${districtToken}` });
    total += await fuzz(80, badId, async (id) => {
      for (const path of [`/v1/staff/registrations/${asPath(id)}`, `/v1/staff/directory/${asPath(id)}`]) {
        await expectHandled(await stack.app.request(path, { headers: auth() }), "refused");
      }
    });
    total += await fuzz(
      80,
      fc.record({
        status: fc.option(anyText, { nil: undefined }),
        region: fc.option(fc.oneof(anyText, fc.stringMatching(/^[\d.]{0,30}$/)), { nil: undefined }),
      }),
      async ({ status, region }) => {
        const query = new URLSearchParams({
          ...(status === undefined ? {} : { status }),
          ...(region === undefined ? {} : { region }),
        });
        await expectHandled(
          await stack.app.request(`/v1/staff/registrations?${query}`, { headers: auth() }),
          "answered",
        );
      },
    );
    const badApprovers = encoding.chain((enc) =>
      fc
        .oneof(
          fc.record({
            name: badText("single", enc),
            title: fc.option(anyText, { nil: undefined }),
            email: fc.constant("kades@example.go.id"),
          }),
          fc.record({
            name: fc.constant("Kepala Desa"),
            title: badText("single", enc),
            email: fc.constant("kades@example.go.id"),
          }),
          fc.record({
            name: fc.constant("Kepala Desa"),
            email: anyText.filter((e) => !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(e.trim())),
          }),
        )
        .map((approver) => ({ enc, approver })),
    );
    total += await fuzz(
      100,
      fc.record({ code: fc.oneof(fc.constant("32.05"), badId.map(asPath)), bad: badApprovers }),
      async ({ code, bad }) => {
        const { body, headers } = encode(
          { approvers: bad.enc === "json" ? [bad.approver] : JSON.stringify([bad.approver]) },
          bad.enc,
        );
        const response = await stack.app.request(`/v1/staff/directory/${code}`, {
          method: "PUT",
          body,
          headers: { ...headers, ...auth() },
        });
        await expectHandled(response, "refused");
      },
    );
    total += await fuzz(
      60,
      rawBody.filter(({ body }) => !String(body).includes("approvers")),
      async ({ contentType, body }) => {
        const response = await stack.app.request("/v1/staff/directory/32.05", {
          method: "PUT",
          body,
          headers: { ...(contentType ? { "Content-Type": contentType } : {}), ...auth() },
        });
        await expectHandled(response, "refused");
      },
    );
    // The registration waits for the village head, not for training: even a valid body is refused (409).
    total += await fuzz(
      100,
      fc.record({
        id: fc.oneof(fc.constant(registrationId), badId.map(asPath)),
        enc: encoding,
        note: fc.option(anyText, { nil: undefined }),
        completedAt: fc.option(anyText, { nil: undefined }),
        raw: fc.option(rawBody, { nil: undefined }),
      }),
      async ({ id, enc, note, completedAt, raw }) => {
        const encoded = raw
          ? { body: raw.body, headers: raw.contentType ? { "Content-Type": raw.contentType } : {} }
          : encode(
              {
                ...(note === undefined ? {} : { note }),
                ...(completedAt === undefined ? {} : { completedAt }),
              },
              enc,
            );
        const response = await stack.app.request(`/v1/staff/registrations/${id}/training-completions`, {
          method: "POST",
          body: encoded.body,
          headers: { ...encoded.headers, ...auth() },
        });
        await expectHandled(response, "refused");
      },
    );
  });

  it("POST /v1/cases and GET /v1/cases/{id}: bad fields in every encoding, any id and code", async () => {
    const badCase = encoding.chain((enc) =>
      fc
        .oneof(
          fc.tuple(fc.constantFrom("location", "description"), badText("multi", enc)),
          fc.tuple(fc.constantFrom("subject.name", "reporter.name"), badText("single", enc)),
          fc.tuple(
            fc.constantFrom(
              "ppksType",
              "villageCode",
              "urgency",
              "conditions",
              "subject.nik",
              "reporter.kind",
            ),
            anyText.filter(
              (s) => s.trim() !== "" && !/^(normal|high|emergency|resident|psm|anonymous)$/.test(s.trim()),
            ),
          ),
          fc.tuple(
            fc.constantFrom("coordinates.lat", "coordinates.lng"),
            fc.oneof(
              anyText.filter((s) => s.trim() !== ""),
              fc.constantFrom("200", "-91", "95000", "1e5"),
            ),
          ),
        )
        .map(([field, value]) => ({ enc, field, value })),
    );
    total += await fuzz(
      120,
      fc.record({ bad: badCase, idempotencyKey: fc.option(headerValue, { nil: undefined }) }),
      async ({ bad, idempotencyKey }) => {
        const [group, name] = bad.field.split(".") as [string, string | undefined];
        const flat: Record<string, unknown> =
          bad.enc === "json"
            ? {
                ...validCaseReport,
                ...(name
                  ? { [group]: { ...(validCaseReport[group as "subject"] ?? {}), [name]: bad.value } }
                  : { [group]: bad.value }),
                ...(group === "coordinates"
                  ? { coordinates: { lat: -7.3, lng: 107.8, [name as string]: bad.value } }
                  : {}),
              }
            : {
                ppksType: validCaseReport.ppksType,
                villageCode: validCaseReport.villageCode,
                location: validCaseReport.location,
                description: validCaseReport.description,
                "subject.name": "Ahmad Sutisna",
                "reporter.kind": "resident",
                ...(group === "coordinates" ? { "coordinates.lat": "-7.3", "coordinates.lng": "107.8" } : {}),
                [bad.field]: bad.value,
              };
        const { body, headers } = encode(flat, bad.enc);
        const response = await stack.app.request("/v1/cases", {
          method: "POST",
          body,
          headers: {
            ...headers,
            ...(idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey }),
          },
        });
        await expectHandled(response, "refused");
      },
    );
    total += await fuzz(60, rawBody, async ({ contentType, body }) => {
      const response = await stack.app.request("/v1/cases", {
        method: "POST",
        body,
        headers: contentType ? { "Content-Type": contentType } : {},
      });
      await expectHandled(response, "refused");
    });
    total += await fuzz(
      80,
      fc.record({
        id: fc.oneof(fc.constant(caseId), badId),
        tracking: fc.option(anyText, { nil: undefined }),
      }),
      async ({ id, tracking }) => {
        const query = tracking === undefined ? "" : `?tracking=${asPath(tracking)}`;
        await expectHandled(await stack.app.request(`/v1/cases/${asPath(id)}${query}`), "refused");
      },
    );
  });

  it("/v1/staff cases: ids, queries, cursors and note bodies", async () => {
    const auth = () => ({ Authorization: `Bearer ${districtToken}` });
    total += await fuzz(
      80,
      fc.record({
        id: badId,
        query: fc.record({
          status: fc.option(anyText, { nil: undefined }),
          level: fc.option(anyText, { nil: undefined }),
          overdue: fc.option(anyText, { nil: undefined }),
          region: fc.option(fc.oneof(anyText, fc.stringMatching(/^[\d.]{0,30}$/)), { nil: undefined }),
          limit: fc.option(anyText, { nil: undefined }),
          cursor: fc.option(fc.oneof(anyText, fc.base64String({ maxLength: 300 })), { nil: undefined }),
        }),
        note: fc.oneof(badText("multi", "json"), fc.constant("")),
      }),
      async ({ id, query, note }) => {
        await expectHandled(
          await stack.app.request(`/v1/staff/cases/${asPath(id)}`, { headers: auth() }),
          "refused",
        );
        const params = new URLSearchParams(
          Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
        );
        await expectHandled(
          await stack.app.request(`/v1/staff/cases?${params}`, { headers: auth() }),
          "answered",
        );
        await expectHandled(
          await stack.app.request(`/v1/staff/reports/cases?${params}`, { headers: auth() }),
          "answered",
        );
        const noted = await stack.app.request(`/v1/staff/cases/${caseId}/notes`, {
          method: "POST",
          ...json({ note }),
          headers: { "Content-Type": "application/json", ...auth() },
        });
        await expectHandled(noted, "refused");
      },
    );
  });

  it("/health and unknown paths: any method, query and headers", async () => {
    total += await fuzz(30, fc.record({ query: anyText, accept: headerValue }), async ({ query, accept }) => {
      const response = await stack.app.request(`/health?${asPath(query)}`, {
        headers: { Accept: accept },
      });
      expect(response.status).toBe(200);
    });
    total += await fuzz(
      60,
      fc.record({
        method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"),
        path: fc.array(badId.map(asPath), { minLength: 1, maxLength: 4 }),
        raw: rawBody,
      }),
      async ({ method, path, raw }) => {
        const response = await stack.app.request(`/v1/${path.join("/")}`, {
          method,
          ...(method === "GET"
            ? {}
            : { body: raw.body, headers: raw.contentType ? { "Content-Type": raw.contentType } : {} }),
        });
        await expectHandled(response, "refused", true);
      },
    );
  });

  // ---- Bimtek ------------------------------------------------------------------------------

  const staffAuth = () => ({ Authorization: `Bearer ${districtToken}` });
  const withType = (raw: {
    contentType: string;
    body: RequestInit["body"];
  }): { body: RequestInit["body"]; headers: Record<string, string> } => ({
    body: raw.body,
    headers: raw.contentType ? { "Content-Type": raw.contentType } : {},
  });
  const mentions = (body: RequestInit["body"], word: RegExp) => {
    const text = typeof body === "string" ? body : Buffer.from(body as Uint8Array).toString("latin1");
    let decoded = text;
    try {
      decoded = decodeURIComponent(text.replaceAll("+", " "));
    } catch {}
    return word.test(text) || word.test(decoded);
  };
  /** Not a session or enrolment id of ours (nor a lookalike of one). */
  const badBimtekId = fc.oneof(
    badId,
    fc.stringMatching(/^[be][a-z0-9]{12}$/),
    fc.constantFrom("B0000000000000", "bimtek", "e", "b%20"),
  );
  /** A link code that is not the one: random, lookalike (22 base64url characters), huge. */
  const badCode = fc.oneof(
    anyText,
    fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    fc.string({ minLength: 129, maxLength: 3000 }),
  );

  it("GET /v1/bimtek and GET /v1/certificates/{code}: any query, any code", async () => {
    total += await fuzz(
      60,
      fc.record({
        regionCode: fc.option(fc.oneof(anyText, fc.stringMatching(/^[\d. ]{0,30}$/)), { nil: undefined }),
        level: fc.option(fc.oneof(anyText, fc.constantFrom("dasar", "lanjutan")), { nil: undefined }),
      }),
      async (query) => {
        const params = new URLSearchParams(
          Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined),
        );
        await expectHandled(await stack.app.request(`/v1/bimtek?${params}`), "answered");
      },
    );
    total += await fuzz(
      60,
      fc.record({ code: fc.oneof(badCode, badId), html: fc.boolean(), accept: headerValue }),
      async ({ code, html, accept }) => {
        const response = await stack.app.request(`/v1/certificates/${asPath(code)}`, {
          headers: { Accept: html ? "text/html" : accept },
        });
        await expectHandled(response, "refused", true);
      },
    );
  });

  it("POST /v1/bimtek/{id}/enrollments: bad fields, wrong people, odd types and Idempotency-Keys", async () => {
    const credentials = fc.oneof(
      // Not a registration id, or no receipt.
      fc.record({
        registrationId: fc.oneof(
          anyText.filter((s) => !/^[a-z0-9]{12}$/.test(s.trim().toLowerCase())),
          fc.integer(),
          fc.constant(null),
        ),
        receiptCode: fc.oneof(anyText, fc.string({ minLength: 33, maxLength: 200 })),
      }),
      // A real candidate with a receipt that is not theirs.
      fc.record({
        registrationId: fc.constant("free"),
        receiptCode: fc
          .oneof(anyText, fc.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/))
          .filter((r) => r.trim() !== ""),
      }),
      // Real credentials that may not enrol: not a candidate; enrolled in another session; a
      // candidate enrolled nowhere, at a session whose enrolment has closed.
      fc.constantFrom({ who: "applicant" }, { who: "enrolled-elsewhere" }, { who: "too-late" }),
    );
    total += await fuzz(
      120,
      fc.record({
        session: fc.oneof(fc.constantFrom("open", "ended"), badBimtekId.map(asPath)),
        credentials,
        enc: encoding,
        idempotencyKey: fc.option(
          fc.oneof(headerValue, fc.constantFrom("", "   ", "a".repeat(129), "kunci yang sama")),
          { nil: undefined },
        ),
        accept: fc.constantFrom(undefined, "application/json", "text/html"),
      }),
      async ({ session, credentials, enc, idempotencyKey, accept }) => {
        let sessionId = session === "open" ? openSessionId : session === "ended" ? endedSessionId : session;
        let fields: Record<string, unknown>;
        if (!("who" in credentials)) {
          fields = {
            ...credentials,
            ...(credentials.registrationId === "free" ? { registrationId: freePerson.registrationId } : {}),
          };
        } else if (credentials.who === "applicant") {
          fields = { registrationId, receiptCode };
        } else if (credentials.who === "too-late") {
          fields = { ...freePerson };
          sessionId = endedSessionId;
        } else {
          fields = sessionId === openSessionId ? { ...endedPerson } : { ...enrolledPerson };
        }
        const { body, headers } = encode(fields, enc);
        const response = await stack.app.request(`/v1/bimtek/${sessionId}/enrollments`, {
          method: "POST",
          body,
          headers: {
            ...headers,
            ...(accept ? { Accept: accept } : {}),
            ...(idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey }),
          },
        });
        // A browser's refusal is a page (the shell's problemPage), anyone else's a problem document.
        await expectHandled(response, "refused", accept === "text/html");
      },
    );
    total += await fuzz(
      60,
      fc.record({ raw: rawBody, session: fc.constantFrom("open", "ended") }),
      async ({ raw, session }) => {
        const response = await stack.app.request(
          `/v1/bimtek/${session === "open" ? openSessionId : endedSessionId}/enrollments`,
          { method: "POST", ...withType(raw) },
        );
        await expectHandled(response, "refused");
      },
    );
  });

  it("/v1/bimtek/enrollments/{id}: wrong links, bad decisions, a cancellation too late", async () => {
    total += await fuzz(
      80,
      fc.record({
        id: fc.oneof(fc.constant("real"), badBimtekId),
        code: fc.option(badCode, { nil: undefined }),
        route: fc.constantFrom("", "/cancellation", "/offer"),
        post: fc.boolean(),
        raw: rawBody,
      }),
      async ({ id, code, route, post, raw }) => {
        const path = `/v1/bimtek/enrollments/${id === "real" ? openEnrolment.id : asPath(id)}${route}`;
        const query = code === undefined ? "" : `?code=${asPath(code)}`;
        const response = await stack.app.request(`${path}${query}`, {
          method: post || route ? "POST" : "GET",
          ...(post || route ? withType(raw) : {}),
        });
        await expectHandled(response, "refused", true);
      },
    );
    // The real link: a decision that is no decision, any body, any Accept.
    const badDecision = encoding.chain((enc) =>
      fc.record({
        enc: fc.constant(enc),
        decision: fc.oneof(
          anyText.filter((d) => d !== "accept" && d !== "decline"),
          fc.constantFrom("Accept", " accept", "terima", "tolak", "accept,decline"),
        ),
        accept: fc.constantFrom(undefined, "application/json", "text/html"),
      }),
    );
    total += await fuzz(80, badDecision, async ({ enc, decision, accept }) => {
      const encoded = encode({ decision }, enc);
      const response = await stack.app.request(
        `/v1/bimtek/enrollments/${openEnrolment.id}/offer?code=${openEnrolment.code}`,
        {
          method: "POST",
          body: encoded.body,
          headers: { ...encoded.headers, ...(accept ? { Accept: accept } : {}) },
        },
      );
      await expectHandled(response, "refused", true);
    });
    total += await fuzz(
      40,
      rawBody.filter(({ body }) => !mentions(body, /accept|decline/i)),
      async (raw) => {
        const response = await stack.app.request(
          `/v1/bimtek/enrollments/${openEnrolment.id}/offer?code=${openEnrolment.code}`,
          { method: "POST", ...withType(raw) },
        );
        await expectHandled(response, "refused", true);
      },
    );
    // The session has started: cancelling is refused (409), whatever the body says.
    total += await fuzz(
      40,
      fc.record({ raw: rawBody, accept: fc.constantFrom(undefined, "application/json") }),
      async ({ raw, accept }) => {
        const encoded = withType(raw);
        const response = await stack.app.request(
          `/v1/bimtek/enrollments/${endedEnrolment.id}/cancellation?code=${endedEnrolment.code}`,
          {
            method: "POST",
            body: encoded.body,
            headers: { ...encoded.headers, ...(accept ? { Accept: accept } : {}) },
          },
        );
        await expectHandled(response, "refused", true);
        expect(response.status).toBe(409);
      },
    );
  });

  it("/v1/bimtek/attendance/{sessionId}: wrong links, and bad ticks on the real one", async () => {
    total += await fuzz(
      60,
      fc.record({
        id: fc.oneof(fc.constant("real"), badBimtekId),
        code: fc.option(badCode, { nil: undefined }),
        post: fc.boolean(),
        raw: rawBody,
      }),
      async ({ id, code, post, raw }) => {
        const query = code === undefined ? "" : `?code=${asPath(code)}`;
        const response = await stack.app.request(
          `/v1/bimtek/attendance/${id === "real" ? endedSessionId : asPath(id)}${query}`,
          { method: post ? "POST" : "GET", ...(post ? withType(raw) : {}) },
        );
        await expectHandled(response, "refused", true);
      },
    );
    // Every form names at least one thing that is wrong: someone not confirmed here, or a day
    // that is no day of the session. (The refusal re-renders the sheet: a recorded read.)
    const notHere = fc.oneof(badBimtekId, fc.constantFrom("open-enrolment", "[object Object]", ""));
    /** What the sheet reads as the day is the part before any colon; empty is no tick at all. */
    const badDay = fc
      .oneof(fc.constantFrom("0", "3", "99", "-1", "1.5", "1e0x", "NaN", "Infinity", " x"), anyText)
      .filter((d) => {
        const day = d.split(":")[0] ?? "";
        return day !== "" && Number(day) !== 1 && Number(day) !== 2;
      });
    const badSheet = encoding.chain((enc) =>
      fc
        .record({
          enc: fc.constant(enc),
          strangers: fc.array(notHere, { maxLength: 3 }),
          days: fc.array(badDay, { maxLength: 3 }),
          goodDay: fc.boolean(),
        })
        .filter(({ strangers, days }) => strangers.length + days.length > 0),
    );
    total += await fuzz(
      80,
      badSheet,
      async ({ enc, strangers, days, goodDay }) => {
        const ids = strangers.map((s) => (s === "open-enrolment" ? openEnrolment.id : s));
        const listed = [endedEnrolment.id, ...ids];
        const ticked = [
          ...(goodDay ? [`${endedEnrolment.id}:1`] : []),
          ...days.map((d) => `${endedEnrolment.id}:${d}`),
          ...ids.map((id) => `${id}:1`),
        ];
        let encoded: { body: RequestInit["body"]; headers: Record<string, string> };
        if (enc === "json") encoded = json({ participant: listed, attended: ticked });
        else {
          const form = new URLSearchParams();
          for (const id of listed) form.append("participant", id);
          for (const box of ticked) form.append("attended", box);
          encoded =
            enc === "urlencoded"
              ? { body: form.toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } }
              : multipartRepeated([...form]);
        }
        const response = await stack.app.request(
          `/v1/bimtek/attendance/${endedSessionId}?code=${attendanceCode}`,
          { method: "POST", ...encoded },
        );
        await expectHandled(response, "refused", true);
      },
      { readsRecorded: true },
    );
  });

  /** A session that would be accepted, with one field made bad (the forms carry no lists). */
  const validSessionFields = (enc: Encoding): Record<string, unknown> => ({
    level: "dasar",
    title: "Bimtek Dasar PSM Garut",
    regionCode: "32.05",
    venue: "Aula Dinas Sosial Garut",
    startsAt: isoIn(40 * DAY),
    endsAt: isoIn(41 * DAY),
    capacity: enc === "json" ? 75 : "75",
    ...(enc === "json" ? { speakers: [{ name: "Narasumber", email: "narasumber@example.go.id" }] } : {}),
  });
  const badTime = fc.oneof(
    anyText,
    fc.constantFrom(
      isoIn(-DAY),
      isoIn(3 * 366 * DAY),
      "2030-02-30T08:00:00+07:00",
      "2030-01-10T24:30:00+07:00",
      "2030-01-10T08:00:00",
      "2030-01-10T08:00:00+15:00",
      "2030-01-10",
      "1767225600000",
    ),
  );
  const badSessionField = (enc: Encoding) =>
    fc.oneof(
      fc.tuple(
        fc.constant("level"),
        anyText.filter((l) => l !== "dasar" && l !== "lanjutan"),
      ),
      fc.tuple(
        fc.constantFrom("title", "venue"),
        fc.oneof(badText("single", enc), fc.constantFrom("", "ab", "   ")),
      ),
      fc.tuple(
        fc.constant("regionCode"),
        fc.oneof(
          anyText.filter((r) => !/^\s*32\.?05\s*$/.test(r)),
          fc.constantFrom("32", "32.05.22", "99.99", "32.73", "3205x"),
        ),
      ),
      fc.tuple(fc.constantFrom("startsAt", "endsAt", "enrolmentClosesAt"), badTime),
      fc.tuple(fc.constant("endsAt"), fc.constantFrom(isoIn(39 * DAY), isoIn(40 * DAY), isoIn(60 * DAY))),
      fc.tuple(fc.constant("enrolmentClosesAt"), fc.constantFrom(isoIn(40 * DAY + HOUR), isoIn(-HOUR))),
      fc.tuple(
        fc.constant("capacity"),
        fc.constantFrom(0, -1, 501, 1.5, "abc", "", "1e3", " 75x", null, true, 1e9, "99999"),
      ),
      ...(enc === "json"
        ? [
            fc.tuple(
              fc.constant("quotas"),
              fc.constantFrom<unknown>(
                JSON.parse('{"__proto__": 1}'),
                { "32.05.22": 1000 },
                { "32.05.22": 0 },
                { "32.05.22": 80 },
                { "32.05.22": 1, "320522": 1 },
                { "32.73.01": 1 },
                { x: 1 },
                [1],
                "32.05.22",
                { "32.05.22": "5" },
              ),
            ),
            fc.tuple(
              fc.constant("speakers"),
              fc.oneof(
                fc.constantFrom<unknown>(
                  [{ name: "A", email: "a@example.go.id" }],
                  [{ name: "Narasumber", email: "bukan-email" }],
                  [{ name: "Narasumber" }],
                  [null],
                  "Narasumber",
                  [
                    { name: "Satu", email: "x@example.go.id" },
                    { name: "Dua", email: "X@example.go.id " },
                  ],
                  Array.from({ length: 21 }, (_, i) => ({
                    name: `Narasumber ${i}`,
                    email: `n${i}@example.go.id`,
                  })),
                ),
                badText("single", "json").map((name) => [{ name, email: "n@example.go.id" }]),
              ),
            ),
          ]
        : []),
    );

  it("/v1/staff/bimtek with a valid token: bad sessions, reschedules, cancellations, queries, ids", async () => {
    const badSession = encoding.chain((enc) =>
      badSessionField(enc).map(([field, value]) => ({ enc, field, value })),
    );
    total += await fuzz(120, badSession, async ({ enc, field, value }) => {
      const { body, headers } = encode({ ...validSessionFields(enc), [field]: value }, enc);
      const response = await stack.app.request("/v1/staff/bimtek", {
        method: "POST",
        body,
        headers: { ...headers, ...staffAuth() },
      });
      await expectHandled(response, "refused");
    });
    total += await fuzz(
      30,
      rawBody.filter(({ body }) => !mentions(body, /startsAt/)),
      async (raw) => {
        const encoded = withType(raw);
        const response = await stack.app.request("/v1/staff/bimtek", {
          method: "POST",
          body: encoded.body,
          headers: { ...encoded.headers, ...staffAuth() },
        });
        await expectHandled(response, "refused");
      },
    );
    // A reschedule of the open session, one field bad; or of the ended one (started: 409).
    const badReschedule = encoding.chain((enc) =>
      fc.record({
        enc: fc.constant(enc),
        session: fc.constantFrom("open", "ended"),
        bad: fc.oneof(
          fc.tuple(fc.constantFrom("startsAt", "endsAt", "enrolmentClosesAt"), badTime),
          fc.tuple(fc.constant("venue"), badText("single", enc)),
          fc.tuple(fc.constant("endsAt"), fc.constantFrom(isoIn(39 * DAY), isoIn(60 * DAY))),
        ),
      }),
    );
    total += await fuzz(80, badReschedule, async ({ enc, session, bad }) => {
      const [field, value] = bad as [string, string];
      const { body, headers } = encode(
        { startsAt: isoIn(40 * DAY), endsAt: isoIn(41 * DAY), [field]: value },
        enc,
      );
      const response = await stack.app.request(
        `/v1/staff/bimtek/${session === "open" ? openSessionId : endedSessionId}`,
        { method: "PATCH", body, headers: { ...headers, ...staffAuth() } },
      );
      await expectHandled(response, "refused");
    });
    // A cancellation of the open session without a usable reason.
    const badReason = encoding.chain((enc) =>
      fc.record({
        enc: fc.constant(enc),
        reason: fc.oneof(
          badText("multi", enc),
          fc.constantFrom("", "abc", "   x    ", "\n\n\n\n\n"),
          fc.string({ minLength: 501, maxLength: 3000 }).filter((r) => r.trim().length > 500),
          ...(enc === "json"
            ? [fc.constantFrom<unknown>(12345, null, ["Hujan deras"], { text: "Hujan deras" })]
            : []),
        ),
      }),
    );
    total += await fuzz(80, badReason, async ({ enc, reason }) => {
      const { body, headers } = encode({ reason }, enc);
      const response = await stack.app.request(`/v1/staff/bimtek/${openSessionId}/cancellation`, {
        method: "POST",
        body,
        headers: { ...headers, ...staffAuth() },
      });
      await expectHandled(response, "refused");
    });
    total += await fuzz(
      40,
      fc.record({
        raw: rawBody.filter(({ body }) => !mentions(body, /reason|startsAt/)),
        route: fc.constantFrom("PATCH", "cancellation"),
      }),
      async ({ raw, route }) => {
        const encoded = withType(raw);
        const response = await stack.app.request(
          `/v1/staff/bimtek/${openSessionId}${route === "PATCH" ? "" : "/cancellation"}`,
          {
            method: route === "PATCH" ? "PATCH" : "POST",
            body: encoded.body,
            headers: { ...encoded.headers, ...staffAuth() },
          },
        );
        await expectHandled(response, "refused");
      },
    );
    // Unknown ids on every session route, and any region on the lists.
    total += await fuzz(
      60,
      fc.record({
        id: badBimtekId.map(asPath),
        region: fc.oneof(anyText, fc.stringMatching(/^[\d. ]{0,30}$/)),
      }),
      async ({ id, region }) => {
        for (const [method, path] of [
          ["GET", `/v1/staff/bimtek/${id}`],
          ["PATCH", `/v1/staff/bimtek/${id}`],
          ["POST", `/v1/staff/bimtek/${id}/cancellation`],
          ["PUT", `/v1/staff/bimtek/${id}/attendance`],
        ] as const) {
          const response = await stack.app.request(path, {
            method,
            ...(method === "GET"
              ? { headers: staffAuth() }
              : {
                  ...json({
                    reason: "Hujan deras",
                    records: [],
                    startsAt: isoIn(40 * DAY),
                    endsAt: isoIn(41 * DAY),
                  }),
                  headers: { "Content-Type": "application/json", ...staffAuth() },
                }),
          });
          await expectHandled(response, "refused");
        }
        for (const path of ["/v1/staff/bimtek", "/v1/staff/reports/coverage"]) {
          const response = await stack.app.request(`${path}?${new URLSearchParams({ region })}`, {
            headers: staffAuth(),
          });
          await expectHandled(response, "answered");
        }
      },
    );
  });

  it("PUT /v1/staff/bimtek/{id}/attendance with a valid token: records that cannot be saved", async () => {
    const badRecords = fc.oneof(
      fc.constantFrom<unknown>("x", {}, null, 5, [null], [{}], [[]]),
      fc.array(
        fc.oneof(
          fc.record({ enrollmentId: fc.oneof(badBimtekId, fc.integer()), days: fc.constant([1]) }),
          fc.record({
            enrollmentId: fc.constant("ended"),
            days: fc.oneof(
              fc.constantFrom<unknown>([0], [3], [99], [-1], [1.5], ["1"], [null], "1", [1e300], {}),
              fc.array(fc.integer({ min: 3, max: 1000 }), { minLength: 1, maxLength: 40 }),
            ),
          }),
          fc.constant({ enrollmentId: "open", days: [1] }),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      fc.constant("duplicate"),
      fc.constant("too-many"),
    );
    total += await fuzz(
      80,
      fc.record({ records: badRecords, session: fc.constantFrom("ended", "open") }),
      async ({ records, session }) => {
        const real = (id: unknown) =>
          id === "ended" ? endedEnrolment.id : id === "open" ? openEnrolment.id : id;
        const body =
          records === "duplicate"
            ? [
                { enrollmentId: endedEnrolment.id, days: [1] },
                { enrollmentId: endedEnrolment.id, days: [2] },
              ]
            : records === "too-many"
              ? Array.from({ length: 501 }, () => ({ enrollmentId: endedEnrolment.id, days: [1] }))
              : Array.isArray(records)
                ? records.map((r) =>
                    r && typeof r === "object" && "enrollmentId" in r
                      ? { ...r, enrollmentId: real((r as { enrollmentId: unknown }).enrollmentId) }
                      : r,
                  )
                : records;
        const response = await stack.app.request(
          `/v1/staff/bimtek/${session === "open" ? openSessionId : endedSessionId}/attendance`,
          {
            method: "PUT",
            ...json({ records: body }),
            headers: { "Content-Type": "application/json", ...staffAuth() },
          },
        );
        await expectHandled(response, "refused");
      },
    );
    total += await fuzz(
      30,
      rawBody.filter(({ body }) => !mentions(body, /records/)),
      async (raw) => {
        const encoded = withType(raw);
        const response = await stack.app.request(`/v1/staff/bimtek/${endedSessionId}/attendance`, {
          method: "PUT",
          body: encoded.body,
          headers: { ...encoded.headers, ...staffAuth() },
        });
        await expectHandled(response, "refused");
      },
    );
  });
});
