/**
 * The people's forms over HTTP (`app.request`), against DynamoDB Local and the real workflows:
 * /daftar and /lapor with bad then good input, the village search without script, the form's own
 * idempotency key (double click, resubmitted page, reused key), the HTML status pages behind the
 * receipt and tracking links, and the /status and /lacak lookups.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { logger } from "@sigap/core/log";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { listRegistrations } from "@sigap/core/registration/repository";
import { tableName } from "@sigap/core/resources";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { countDynamoDbCalls } from "../packages/local/src/dynamodb-calls";
import { type AppStack, startAppStack } from "./support/app-stack";
import { keyRecord } from "./support/idempotency";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/** A different valid person for each submission: NIK serials 0600+ keep them apart. */
let serial = 600;
function applicant(overrides: Record<string, string> = {}): Record<string, string> {
  serial += 1;
  const { consent: _consent, ...fields } = validRegistration;
  return { ...fields, nik: `320501550795${String(serial).padStart(4, "0")}`, consent: "ya", ...overrides };
}

function postForm(path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return stack.app.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: BROWSER_ACCEPT },
    body: body.toString(),
  });
}

const getPage = (path: string) => stack.app.request(path, { headers: { Accept: BROWSER_ACCEPT } });

/** The form's own key, as a browser would send it back. */
async function blankFormKey(path: string): Promise<string> {
  const html = await (await getPage(path)).text();
  const key = /name="formKey" value="([^"]+)"/.exec(html)?.[1];
  expect(key).toBeDefined();
  return key ?? "";
}

/** The tag of the control with this id (input, select, textarea). */
function control(html: string, id: string): string {
  const escaped = id.replace(/[.]/g, "\\.");
  const tag = new RegExp(`<(input|select|textarea)[^>]*\\bid="${escaped}"[^>]*>`).exec(html)?.[0];
  expect(tag, `control #${id}`).toBeDefined();
  return tag ?? "";
}

const registrationsInGarut = async () => (await listRegistrations("32.05")).length;

/**
 * The idempotency records (each in its own partition, from a keyed hash of scope and key), and the
 * one a form key wrote. Content dedupe alone would give a replay the same answer too: the record
 * shows the form key is what answered it.
 */
async function idempotencyRecords() {
  const { Items } = await db().send(
    new ScanCommand({
      TableName: tableName(),
      FilterExpression: "entity = :entity",
      ExpressionAttributeValues: { ":entity": "idempotency-record" },
    }),
  );
  return Items ?? [];
}

describe("GET /", () => {
  it("links every form and status page, and the API reference", async () => {
    const response = await getPage("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    for (const path of ["/daftar", "/lapor", "/bimtek", "/status", "/lacak", "/sertifikat", "/docs"]) {
      expect(html).toContain(`href="${path}"`);
    }
    expect(html).toContain('<html lang="id">');
  });
});

describe("/daftar", () => {
  it("serves a blank form that works without script: posts to itself, carries its own key", async () => {
    const response = await getPage("/daftar");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<form method="post" action="\/daftar"/);
    expect(html).toMatch(/name="formKey" value="[0-9a-f-]{36}"/);
    expect(html).toContain('<label for="nik">NIK</label>');
    // The village is found by name without script; the selects wait for the script.
    expect(html).toContain('value="cari-desa"');
    expect(html).toMatch(/<select id="region-village"[^>]*name="villageCode"[^>]*disabled/);
    expect(await blankFormKey("/daftar")).not.toBe(/name="formKey" value="([^"]+)"/.exec(html)?.[1]);
    // A public form's headers: no inline script, no framing, no secret leaving in a Referer.
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("form-action 'self'");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)|\sstyle=/);
  });

  it("answers bad input with the same form: 422, every error beside its field, values kept, focus on the first", async () => {
    const formKey = await blankFormKey("/daftar");
    const before = await registrationsInGarut();
    const response = await postForm("/daftar", {
      ...applicant({ fullName: "Budi <b>Santoso</b>", nik: "32050155079", phone: "12345", villageCode: "" }),
      consent: [],
      formKey,
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("Ada 4 isian yang perlu diperbaiki");
    // Each error beside its field, tied to it; the first invalid field in form order has the focus.
    expect(control(html, "nik")).toContain('aria-describedby="nik-hint nik-error"');
    expect(control(html, "nik")).toContain('aria-invalid="true"');
    expect(control(html, "nik")).toContain("autofocus");
    expect(html).toContain(
      '<p class="field-error" id="nik-error">NIK harus terdiri dari 16 digit angka.</p>',
    );
    expect(control(html, "phone")).toContain('aria-describedby="phone-hint phone-error"');
    expect(control(html, "phone")).not.toContain("autofocus");
    expect(html).toContain('id="consent-error"');
    expect(html).toContain('<p class="field-error" id="villageCode-error">Pilih desa/kelurahan Anda');
    expect(html).toContain('<a href="#nik">NIK: ');
    // Values kept, escaped; the key kept so the corrected form is the same submission.
    expect(control(html, "fullName")).toContain('value="Budi &lt;b&gt;Santoso&lt;/b&gt;"');
    expect(control(html, "phone")).toContain('value="12345"');
    expect(html).toContain(`name="formKey" value="${formKey}"`);
    expect(await registrationsInGarut()).toBe(before);
  });

  it("finds a village by name without script: matches as radio choices, values kept, nothing saved", async () => {
    const formKey = await blankFormKey("/daftar");
    const before = await registrationsInGarut();
    const person = applicant({ villageCode: "" });
    const response = await postForm("/daftar", {
      ...person,
      villageQuery: "cikajang",
      intent: "cari-desa",
      formKey,
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(
      /<input type="radio" id="villageCode" name="villageCode" value="32\.05\.22\.2001"[^>]*autofocus/,
    );
    expect(html).toContain("Desa Cikajang, Kecamatan Cikajang, Kabupaten Garut, Jawa Barat");
    expect(html).not.toContain("isian yang perlu diperbaiki");
    expect(control(html, "nik")).toContain(`value="${person.nik}"`);
    expect(control(html, "villageQuery")).toContain('value="cikajang"');
    expect(html).toContain(`name="formKey" value="${formKey}"`);
    expect(await registrationsInGarut()).toBe(before);

    const nothing = await (
      await postForm("/daftar", { ...person, villageQuery: "zzzqqq", intent: "cari-desa", formKey })
    ).text();
    expect(nothing).toContain("Tidak ada desa/kelurahan &quot;zzzqqq&quot;");
  });

  it("accepts good input once: the receipt and status link; a resubmitted page or double click replays it", async () => {
    const formKey = await blankFormKey("/daftar");
    const person = applicant({ villageCode: "32.05.22.2001" });
    const before = await registrationsInGarut();
    const recordsBefore = (await idempotencyRecords()).length;
    // A double click without script: two posts of one page at once.
    const [first, second] = await Promise.all([
      postForm("/daftar", { ...person, formKey, villageQuery: "cikajang", intent: "kirim" }),
      postForm("/daftar", { ...person, formKey, villageQuery: "cikajang", intent: "kirim" }),
    ]);
    expect([first?.status, second?.status]).toEqual([200, 200]);
    const html = (await first?.text()) ?? "";
    expect(html).toContain("Pendaftaran diterima");
    const receipt = /Kode tanda terima<\/dt><dd class="code">([A-Z2-9]{4}-[A-Z2-9]{4})</.exec(html)?.[1];
    const id = /Nomor pendaftaran<\/dt><dd class="code">([a-z0-9]{12})</.exec(html)?.[1];
    expect(receipt).toBeDefined();
    expect(await second?.text()).toContain(receipt);
    // The page reloaded (posted again) later: the same receipt, from the form key's record.
    const calls = countDynamoDbCalls({ scoped: true });
    const again = await calls.within(async () =>
      postForm("/daftar", { ...person, formKey, villageQuery: "cikajang", intent: "kirim" }),
    );
    calls.stop();
    expect(await again.text()).toContain(receipt);
    // The key's record answered it, not the NIK claim's content dedupe (which would give the same page).
    const reads = calls.calls.filter((call) => call.command === "GetItem").flatMap((call) => call.entities);
    expect(reads, calls.describe()).toContain("IDEMPOTENCY");
    expect(reads, calls.describe()).not.toContain("NIK");
    expect(await registrationsInGarut()).toBe(before + 1);
    // Answered by the form key's own record (one for the three posts), not by content dedupe.
    const record = await keyRecord("registrations", formKey);
    expect(record?.bodyHash).toEqual(expect.any(String));
    expect(JSON.stringify(record)).toContain(id);
    expect((await idempotencyRecords()).length).toBe(recordsBefore + 1);

    const link = /<a class="button" href="([^"]+)">Lihat status pendaftaran/.exec(html)?.[1] ?? "";
    expect(link).toBe(`/v1/registrations/${id}?receipt=${receipt}`);
    const status = await getPage(link.replaceAll("&amp;", "&"));
    expect(status.status).toBe(200);
    expect(status.headers.get("content-type")).toContain("text/html");
    const page = await status.text();
    expect(page).toContain("Status pendaftaran PSM");
    expect(page).toContain("<dt>Status</dt><dd>Diajukan</dd>");
    expect(page).toContain("Desa Cikajang, Kecamatan Cikajang");
    expect(page).toMatch(/\d{1,2} \w+ \d{4} \d{2}\.\d{2} WIB<\/span> Pendaftaran diterima/);
    // The same link for a machine: the JSON contract, unchanged.
    const json = await stack.app.request(link);
    expect(json.headers.get("content-type")).toContain("application/json");
    expect(await json.json()).toMatchObject({ id, status: "submitted", statusLabel: "Diajukan" });
  });

  it("answers the same key with other content with a fresh form, values kept, that then goes through", async () => {
    const formKey = await blankFormKey("/daftar");
    expect((await postForm("/daftar", { ...applicant(), formKey })).status).toBe(200);
    const other = applicant({ fullName: "Dewi Lestari" });
    const reused = await postForm("/daftar", { ...other, formKey });
    expect(reused.status).toBe(409);
    const html = await reused.text();
    expect(html).toContain("Formulir ini sudah pernah dikirim");
    expect(control(html, "fullName")).toContain('value="Dewi Lestari"');
    const fresh = /name="formKey" value="([^"]+)"/.exec(html)?.[1] ?? "";
    expect(fresh).not.toBe(formKey);
    const sent = await postForm("/daftar", { ...other, formKey: fresh });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain("Pendaftaran diterima");
  });

  it("tells a NIK already registered beside the NIK field", async () => {
    const person = applicant();
    expect((await postForm("/daftar", { ...person, formKey: await blankFormKey("/daftar") })).status).toBe(
      200,
    );
    const response = await postForm("/daftar", {
      ...person,
      fullName: "Orang Lain",
      formKey: await blankFormKey("/daftar"),
    });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('<p class="field-error" id="nik-error">NIK ini sudah digunakan');
    expect(control(html, "nik")).toContain("autofocus");
  });
});

describe("/lapor", () => {
  const report = (overrides: Record<string, string | string[]> = {}) => ({
    ppksType: "lanjut-usia-terlantar",
    conditions: ["rtlh", "tanpa-jamban"],
    urgency: "high",
    villageCode: "32.05.22.2001",
    location: "Kampung Babakan RT 02/RW 03, dekat masjid",
    description: "Seorang nenek tinggal sendiri di rumah yang hampir roboh, jarang makan.",
    "subject.name": "Mak Onah",
    "subject.gender": "P",
    "subject.ageYears": "78",
    "reporter.kind": "resident",
    "reporter.name": "Asep Sunandar",
    "reporter.phone": "0812-1111-2222",
    ...overrides,
  });

  it("answers bad input with the same form, every error beside its field and every value kept", async () => {
    const formKey = await blankFormKey("/lapor");
    const response = await postForm("/lapor", {
      ...report({ ppksType: "", description: "pendek", "reporter.kind": "psm", "subject.ageYears": "tua" }),
      formKey,
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(control(html, "ppksType")).toContain("autofocus");
    expect(control(html, "ppksType")).toContain('aria-describedby="ppksType-hint ppksType-error"');
    for (const id of ["description", "subject.ageYears", "reporter.memberNumber"]) {
      expect(control(html, id)).toContain(`aria-describedby="${id}-hint ${id}-error"`);
      expect(control(html, id)).not.toContain("autofocus");
    }
    expect(html).toContain('<a href="#reporter.memberNumber">Nomor anggota PSM: ');
    expect(control(html, "subject.ageYears")).toContain('value="tua"');
    expect(html).toMatch(/value="rtlh" checked/);
    expect(html).toMatch(/value="tanpa-jamban" checked/);
    expect(html).toMatch(/value="high" checked/);
    expect(html).toContain(`name="formKey" value="${formKey}"`);
  });

  it("accepts a good report once, with the tracking code and a tracking page in local time", async () => {
    const formKey = await blankFormKey("/lapor");
    const first = await postForm("/lapor", { ...report(), formKey });
    expect(first.status).toBe(200);
    const html = await first.text();
    const tracking = /Kode pelacakan<\/dt><dd class="code">([A-Z2-9]{4}-[A-Z2-9]{4})</.exec(html)?.[1];
    const id = /Nomor laporan<\/dt><dd class="code">(c[a-z0-9]{12})</.exec(html)?.[1];
    expect(tracking).toBeDefined();
    const again = await postForm("/lapor", { ...report(), formKey });
    expect(await again.text()).toContain(`${id}</dd>`);
    const record = await keyRecord("cases", formKey);
    expect(record?.bodyHash).toEqual(expect.any(String));
    expect(JSON.stringify(record)).toContain(id);
    // Who handles it, as the saved case says: a village here.
    expect(html).toContain("diteruskan kepada petugas di desa/kelurahan lokasi");

    const link = /<a class="button" href="([^"]+)">Lacak laporan/.exec(html)?.[1] ?? "";
    expect(link).toBe(`/v1/cases/${id}?tracking=${tracking}`);
    const page = await (await getPage(link)).text();
    expect(page).toContain("<dt>Jenis</dt><dd>Lanjut Usia Terlantar</dd>");
    expect(page).toContain("<dt>Status</dt><dd>Dilaporkan</dd>");
    expect(page).toMatch(/WIB<\/span> Laporan diterima/);
    expect(page).not.toContain("Mak Onah");
    expect(((await (await stack.app.request(link)).json()) as { id: string }).id).toBe(id);
  });

  it("answers an unknown or wrong code with a 404 page for browsers and a problem for machines", async () => {
    for (const path of ["/v1/cases/cabcdefabcdef?tracking=ABCD-2345", "/v1/cases/bad!id?tracking=x"]) {
      const page = await getPage(path);
      expect(page.status).toBe(404);
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(await page.text()).toContain('href="/lacak"');
      const problem = await stack.app.request(path);
      expect(problem.status).toBe(404);
      expect(problem.headers.get("content-type")).toContain("application/problem+json");
    }
    const registration = await getPage("/v1/registrations/abcdefabcdef?receipt=ABCD-2345");
    expect(registration.status).toBe(404);
    expect(await registration.text()).toContain("Pendaftaran tidak ditemukan");
  });
});

describe("/status and /lacak", () => {
  it("serve a blank lookup form, check what was typed, and send a good lookup to the status page", async () => {
    const blank = await getPage("/status");
    expect(blank.status).toBe(200);
    // Posted, so the code never lands in the lookup page's own URL (history, logs).
    expect(await blank.text()).toMatch(/<form method="post" action="\/status"/);
    const bad = await postForm("/lacak", { id: "12", tracking: "" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(control(html, "id")).toContain("autofocus");
    expect(control(html, "id")).toContain('value="12"');
    expect(html).toContain('id="tracking-error"');
    const good = await postForm("/status", { id: " ABCDEFABCDEF ", receipt: "abcd-2345" });
    expect(good.status).toBe(303);
    expect(good.headers.get("location")).toBe("/v1/registrations/abcdefabcdef?receipt=abcd-2345");
  });
});

describe("the village search without script", () => {
  it("answers Enter in the search box with the matches, not with the whole form's errors", async () => {
    const formKey = await blankFormKey("/daftar");
    const html = await (
      await postForm("/daftar", { fullName: "Siti", villageQuery: "cikajang", intent: "enter", formKey })
    ).text();
    expect(html).not.toContain("isian yang perlu diperbaiki");
    expect(html).toMatch(
      /<input type="radio" id="villageCode" name="villageCode" value="32\.05\.22\.2001"[^>]*autofocus/,
    );
    expect(html).toContain('name="villageSearched" value="cikajang"');
    // Enter elsewhere once a village is chosen from this search: the form is sent.
    const sent = await postForm("/daftar", {
      ...applicant({ villageCode: "32.05.22.2001" }),
      villageQuery: "cikajang",
      villageSearched: "cikajang",
      intent: "enter",
      formKey,
    });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain("Pendaftaran diterima");
  });

  it("shows the matches beside the error when the form is sent with a name typed but no village chosen", async () => {
    const response = await postForm("/lapor", {
      ppksType: "lanjut-usia-terlantar",
      description: "Seorang nenek tinggal sendiri di rumah yang hampir roboh.",
      villageQuery: "cikajang",
      intent: "kirim",
      formKey: await blankFormKey("/lapor"),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('id="villageCode-error"');
    expect(html).toContain("Desa Cikajang, Kecamatan Cikajang, Kabupaten Garut, Jawa Barat");
    expect(html).toMatch(/<input type="radio" id="villageCode"[^>]*aria-invalid="true"/);
    // The script's selects say so too, and the hidden Enter button is hidden from screen readers.
    expect(control(html, "region-village")).toContain('aria-invalid="true"');
    expect(html).toMatch(
      /<div class="visually-hidden" aria-hidden="true"><button type="submit" name="intent" value="enter"/,
    );
    expect(html).toContain("tempat kejadian");
  });

  it("finds a village by code, narrows namesakes by kabupaten, and says when there are more", async () => {
    const search = async (villageQuery: string) =>
      (await postForm("/daftar", { villageQuery, intent: "cari-desa", formKey: "k" })).text();
    const many = await search("sukamaju");
    expect(many.match(/name="villageCode" value=/g)).toHaveLength(20);
    expect(many).toMatch(/Ada \d+ desa\/kelurahan yang cocok; 20 pertama ditampilkan/);
    const inGarut = await search("sukamaju garut");
    expect(inGarut).toContain("Desa Sukamaju, Kecamatan Cilawu, Kabupaten Garut, Jawa Barat");
    expect(inGarut).not.toContain("yang cocok;");
    expect(inGarut).not.toMatch(/Desa Sukamaju, Kecamatan [^,]+, (?!Kabupaten Garut)/);
    expect(await search("32.05.22.2001")).toContain("Desa Cikajang, Kecamatan Cikajang");
  });
});

describe("refused forms", () => {
  it("echo no more than a field takes: a 60 KB description makes no 60 KB page", async () => {
    const response = await postForm("/lapor", {
      ppksType: "lanjut-usia-terlantar",
      description: "x".repeat(60_000),
      villageQuery: "q".repeat(200),
      "reporter.phone": "9".repeat(500),
      formKey: await blankFormKey("/lapor"),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html.length).toBeLessThan(30_000);
    expect(html).toContain(`>${"x".repeat(2000)}</textarea>`);
    expect(control(html, "villageCode")).toContain(`value="${"q".repeat(60)}"`);
    expect(control(html, "reporter.phone")).toContain(`value="${"9".repeat(200)}"`);
  });

  it("list every mistake at once, in the order of the page, with messages that say what to do", async () => {
    const response = await postForm("/daftar", {
      ...applicant({ fullName: "", gender: "", email: "javascript:alert(1)", nik: "3205015507950002" }),
      birthDate: "1995-07-16", // the NIK says the 15th
      formKey: await blankFormKey("/daftar"),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    const summary = [...html.matchAll(/<li><a href="#([^"]+)">/g)].map((m) => m[1]);
    expect(summary).toEqual(["fullName", "nik", "gender", "email"]);
    expect(html).toContain("Jenis kelamin: Pilih jenis kelamin.");
    expect(html).toContain("Email: Alamat email tidak valid.");
    expect(html).toMatch(/<textarea id="address"[^>]*required/);
  });

  it("say who a violence report went to: the UPTD PPA, not the village", async () => {
    const response = await postForm("/lapor", {
      ppksType: "anak-korban-kekerasan",
      villageCode: "32.05.22.2001",
      description: "Seorang anak sering dipukuli, tetangga mendengar teriakan tiap malam.",
      "reporter.kind": "anonymous",
      "subject.peopleCount": "99999",
      formKey: await blankFormKey("/lapor"),
    });
    expect(await response.text()).toContain("Jumlah orang: Jumlah orang maksimal 1000.");
    const logged = vi.spyOn(logger, "info");
    const sent = await postForm("/lapor", {
      ppksType: "anak-korban-kekerasan",
      villageCode: "32.05.22.2001",
      description: "Seorang anak sering dipukuli, tetangga mendengar teriakan tiap malam.",
      location: "Gang Mawar, dekat pos ronda",
      "reporter.kind": "anonymous",
      formKey: await blankFormKey("/lapor"),
    });
    expect(sent.status).toBe(200);
    const html = await sent.text();
    expect(html).toContain("UPTD Perlindungan Perempuan dan Anak (PPA)");
    expect(html).not.toContain("desa/kelurahan lokasi");
    // The level reaches the log under a key Powertools keeps (it drops a key named `level`).
    const reported = logged.mock.calls.find(([message]) => message === "Case reported")?.[1];
    logged.mockRestore();
    expect(reported).toMatchObject({ caseLevel: "ppa" });
    expect(reported).not.toHaveProperty("level");
  });
});
