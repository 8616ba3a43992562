/**
 * The Bimtek pages over HTTP (no browser): the session list by province and organiser, a session's
 * enrolment form (bad then good input, the form's own key replaying a double submission, the same
 * key with other data, a closed session), the participant's page behind the success page's link,
 * and the certificate verification form. Against DynamoDB Local, through the real app.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { closeEnrolment, enrol, getEnrolment, listEnrolments } from "@sigap/core/bimtek/enrolment";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import { certificateCode, certificateCodeHash, enrolmentUrl } from "@sigap/core/bimtek/links";
import type { BimtekSession } from "@sigap/core/bimtek/model";
import { createSession } from "@sigap/core/bimtek/sessions";
import { db } from "@sigap/core/db/client";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { createRegistration, recordTransition } from "@sigap/core/registration/repository";
import { validateRegistration } from "@sigap/core/registration/schema";
import { tableName } from "@sigap/core/resources";
import type { Staff } from "@sigap/core/staff/auth";
import { createApp } from "@sigap/functions/api/app";
import { beforeAll, describe, expect, it } from "vitest";
import { GARUT_OFFICER } from "./support/bimtek";

const app = createApp();
/** What a browser sends when it opens a link or posts a form. */
const PAGE = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const DAY = 24 * 3600 * 1000;
const JABAR_OFFICER = {
  sub: "province-32",
  email: "bimtek@dinsos.jabarprov.example.go.id",
  role: "province",
  region: "32",
} as Staff;
const BANDUNG_OFFICER = { ...GARUT_OFFICER, sub: "district-32.04", region: "32.04" } as Staff;

let serial = 2000;
interface Person {
  id: string;
  receiptCode: string;
}
/** A registration made directly (recruitment has its own tests), moved to `status`. */
async function person(status: "candidate" | "submitted" = "candidate"): Promise<Person> {
  serial += 1;
  const input = validateRegistration(
    {
      ...validRegistration,
      nik: `320501550795${String(serial).padStart(4, "0")}`,
      fullName: `Peserta Halaman ${serial}`,
      email: `halaman${serial}@example.com`,
      villageCode: "32.05.01.1002",
    },
    new Date(),
  );
  const { registration, receiptCode } = await createRegistration(input);
  if (status === "candidate") {
    await recordTransition(registration.id, {
      event: "recommended",
      actor: { kind: "system" },
      status: "candidate",
      stage: "basic-training",
    });
  }
  return { id: registration.id, receiptCode };
}

let sessions = 0;
function session(
  officer: Staff,
  fields: { level?: "dasar" | "lanjutan"; regionCode?: string; capacity?: number; title?: string } = {},
): Promise<BimtekSession> {
  sessions += 1;
  return createSession(officer, {
    level: "dasar",
    regionCode: "32.05",
    title: `Bimtek Dasar PSM Garut Angkatan ${sessions}`,
    venue: "Aula Dinas Sosial Kabupaten Garut",
    // 08.00 WIB, twenty days from now.
    startsAt: `${new Date(Date.now() + 20 * DAY).toISOString().slice(0, 10)}T08:00:00+07:00`,
    endsAt: `${new Date(Date.now() + 21 * DAY).toISOString().slice(0, 10)}T16:00:00+07:00`,
    capacity: 75,
    speakers: [{ name: "Narasumber Kemensos", email: "narasumber@kemensos.example.go.id" }],
    ...fields,
  });
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

/** The attributes of the element with `id` (an input, select or message), as written in the page. */
function element(html: string, id: string): string {
  const match = new RegExp(`<[a-z]+[^>]*\\sid="${id}"[^>]*>`).exec(html);
  if (!match) throw new Error(`no element #${id} in the page`);
  return match[0];
}
const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const formKeyOf = (html: string) => /name="formKey" value="([^"]+)"/.exec(html)?.[1];

describe("GET /bimtek: open sessions by province and organiser", () => {
  let garut: BimtekSession;
  let jabar: BimtekSession;
  let bandung: BimtekSession;
  beforeAll(async () => {
    garut = await session(GARUT_OFFICER, { title: "Bimtek Dasar PSM Garut <Angkatan> & Co" });
    bandung = await session(BANDUNG_OFFICER, { regionCode: "32.04", title: "Bimtek Dasar PSM Bandung" });
    jabar = await session(JABAR_OFFICER, {
      level: "lanjutan",
      regionCode: "32",
      title: "Bimtek Lanjutan Jawa Barat",
    });
  });

  it("starts with the provinces, then the province's organisers, with no script needed", async () => {
    const start = await app.request("/bimtek");
    expect(start.status).toBe(200);
    expect(start.headers.get("Content-Type")).toContain("text/html");
    const html = await start.text();
    expect(html).toContain('<html lang="id">');
    expect(html).toContain('<form method="get" action="/bimtek">');
    expect(html).toContain('<option value="32">Jawa Barat</option>');
    expect(html).toContain('<option value="11">Aceh</option>');
    expect(html).not.toContain('name="wilayah"');

    const province = await (await app.request("/bimtek?provinsi=32")).text();
    expect(province).toContain('<option value="32.05">Kabupaten Garut: Bimtek dasar</option>');
    expect(province).toContain('<option value="32">Jawa Barat (provinsi): Bimtek lanjutan</option>');
    expect(province).toContain('<option value="32" selected="">Jawa Barat</option>');
    expect(province).not.toContain("Kabupaten Aceh Besar");
  });

  it("lists a kabupaten's dasar sessions in local time with seats and waiting list, escaped", async () => {
    const response = await app.request("/bimtek?provinsi=32&wilayah=32.05");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Bimtek Dasar PSM Garut &lt;Angkatan&gt; &amp; Co");
    expect(html).not.toContain("<Angkatan>");
    expect(html).toContain(`href="/bimtek/${garut.id}"`);
    expect(html).not.toContain(bandung.id);
    expect(html).not.toContain(jabar.id);
    // 08.00 WIB as written by the organiser, not the stored UTC.
    expect(html).toMatch(/\d{1,2} \w+ 20\d\d 08\.00 WIB/);
    expect(html).toContain("75 dari 75 kursi tersisa");
    expect(html).toContain("Belum ada daftar tunggu");
    expect(html).toContain('<option value="32.05" selected="">Kabupaten Garut: Bimtek dasar</option>');
  });

  it("lists the province's lanjutan sessions for the province (its province chosen from the code)", async () => {
    const html = await (await app.request("/bimtek?wilayah=32")).text();
    expect(html).toContain(jabar.id);
    expect(html).not.toContain(garut.id);
    expect(html).toContain("Bimtek lanjutan oleh Jawa Barat");
  });

  it("sends a browser opening the JSON list (an email's link) to the page; JSON clients get JSON", async () => {
    const browser = await app.request("/v1/bimtek?regionCode=3205&level=dasar", {
      headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    expect(browser.status).toBe(303);
    expect(browser.headers.get("Location")).toBe("/bimtek?wilayah=3205");
    const page = await (await app.request("/bimtek?wilayah=3205")).text();
    expect(page).toContain(garut.id);
    const json = await app.request("/v1/bimtek?regionCode=3205&level=dasar");
    expect(((await json.json()) as { items: Array<{ id: string }> }).items.map((s) => s.id)).toContain(
      garut.id,
    );
  });

  it("says so when an organiser has no open session", async () => {
    const html = await (await app.request("/bimtek?wilayah=32.71")).text();
    expect(html).toContain("Belum ada sesi yang dibuka");
  });

  it("answers a code that is no organiser with 422 and the message beside its field", async () => {
    const response = await app.request("/bimtek?provinsi=32&wilayah=32.05.01");
    expect(response.status).toBe(422);
    const html = await response.text();
    const select = element(html, "wilayah");
    expect(attribute(select, "aria-invalid")).toBe("true");
    expect(attribute(select, "aria-describedby")).toContain("wilayah-error");
    expect(attribute(select, "autofocus")).toBeDefined();
    expect(element(html, "wilayah-error")).toBeDefined();
    expect(html).toContain('role="alert"');

    // Without a province the organiser select is not shown: the province select carries the error.
    const bare = await app.request("/bimtek?wilayah=99.99");
    expect(bare.status).toBe(422);
    const bareHtml = await bare.text();
    expect(attribute(element(bareHtml, "provinsi"), "aria-describedby")).toContain("provinsi-error");
    expect(bareHtml).toContain('href="#provinsi"');
  });

  it("refuses an organiser outside the chosen province beside the organiser select, not an empty list", async () => {
    const response = await app.request("/bimtek?provinsi=32&wilayah=33.01");
    expect(response.status).toBe(422);
    const html = await response.text();
    const select = element(html, "wilayah");
    expect(attribute(select, "aria-invalid")).toBe("true");
    expect(attribute(select, "autofocus")).toBeDefined();
    expect(html).toMatch(/id="wilayah-error">Penyelenggara ini tidak berada di provinsi yang dipilih/);
    // The province's own organisers to choose from, and no list of sessions.
    expect(html).toContain('<option value="32.05">Kabupaten Garut: Bimtek dasar</option>');
    expect(html).not.toContain("sessions-title");
    expect(html).not.toContain("Belum ada sesi yang dibuka");
  });
});

describe("GET/POST /bimtek/:id: the enrolment form", () => {
  let open: BimtekSession;
  beforeAll(async () => {
    open = await session(GARUT_OFFICER, { capacity: 1, title: "Bimtek Dasar Kelas Satu Kursi" });
  });

  it("shows the session and a form with its own key, labelled fields and hints", async () => {
    const response = await app.request(`/bimtek/${open.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Bimtek Dasar Kelas Satu Kursi");
    expect(html).toContain("Narasumber Kemensos");
    expect(html).toContain(`<form method="post" action="/bimtek/${open.id}"`);
    expect(formKeyOf(html)).toMatch(/^[0-9a-f-]{36}$/);
    expect(html).toContain('<label for="registrationId">');
    expect(html).toContain('<label for="receiptCode">');
    expect(attribute(element(html, "registrationId"), "aria-describedby")).toBe("registrationId-hint");
    // A fresh key for each blank form.
    expect(formKeyOf(await (await app.request(`/bimtek/${open.id}`)).text())).not.toBe(formKeyOf(html));
  });

  it("answers an unknown or malformed session with a 404 page", async () => {
    for (const path of ["/bimtek/bzzzzzzzzzzzz", "/bimtek/%3Cscript%3E"]) {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("Sesi Bimtek tidak ditemukan");
    }
    const post = await app.request("/bimtek/bzzzzzzzzzzzz", form({ registrationId: "x", receiptCode: "y" }));
    expect(post.status).toBe(404);
  });

  it("re-renders bad input with 422, every error beside its field, values and key kept, focus on the first", async () => {
    const key = formKeyOf(await (await app.request(`/bimtek/${open.id}`)).text()) as string;
    const response = await app.request(
      `/bimtek/${open.id}`,
      form({ formKey: key, registrationId: "bukan<nomor>", receiptCode: "" }),
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    const id = element(html, "registrationId");
    expect(attribute(id, "value")).toBe("bukan&lt;nomor&gt;");
    expect(attribute(id, "aria-invalid")).toBe("true");
    expect(attribute(id, "aria-describedby")).toBe("registrationId-hint registrationId-error");
    expect(attribute(id, "autofocus")).toBeDefined();
    expect(attribute(element(html, "receiptCode"), "autofocus")).toBeUndefined();
    expect(html).toMatch(/id="registrationId-error">Nomor pendaftaran terdiri dari 12 huruf\/angka\.</);
    expect(html).toMatch(/id="receiptCode-error">Kode tanda terima wajib diisi\.</);
    expect(html).toContain("Ada 2 isian yang perlu diperbaiki");
    expect(formKeyOf(html)).toBe(key);
    expect(await listEnrolments(open.id)).toHaveLength(0);
  });

  it("echoes an over-long value only up to its field's length: 60 KB of values are no 60 KB page", async () => {
    const response = await app.request(
      `/bimtek/${open.id}`,
      form({
        formKey: crypto.randomUUID(),
        registrationId: "x".repeat(40_000),
        receiptCode: "y".repeat(20_000),
      }),
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html.length).toBeLessThan(20_000);
    expect(attribute(element(html, "registrationId"), "value")).toBe("x".repeat(12));
    expect(attribute(element(html, "receiptCode"), "value")).toBe("y".repeat(32));
  });

  it("puts a wrong receipt code beside its field and an ineligible registration beside the number", async () => {
    const someone = await person();
    const wrong = await app.request(
      `/bimtek/${open.id}`,
      form({ formKey: crypto.randomUUID(), registrationId: someone.id, receiptCode: "SALAH-0000" }),
    );
    expect(wrong.status).toBe(422);
    const html = await wrong.text();
    expect(html).toMatch(/id="receiptCode-error">Nomor pendaftaran atau kode tanda terima tidak cocok\.</);
    expect(attribute(element(html, "receiptCode"), "autofocus")).toBeDefined();
    expect(attribute(element(html, "registrationId"), "value")).toBe(someone.id);

    const notYet = await person("submitted");
    const ineligible = await app.request(
      `/bimtek/${open.id}`,
      form({ formKey: crypto.randomUUID(), registrationId: notYet.id, receiptCode: notYet.receiptCode }),
    );
    expect(ineligible.status).toBe(422);
    expect(await ineligible.text()).toMatch(/id="registrationId-error">Bimtek dasar hanya untuk calon PSM/);
    expect(await listEnrolments(open.id)).toHaveLength(0);
  });

  it("enrols on good input: success page with status and a same-site link to the participant's page", async () => {
    const someone = await person();
    const key = formKeyOf(await (await app.request(`/bimtek/${open.id}`)).text()) as string;
    const fields = {
      formKey: key,
      registrationId: someone.id.toUpperCase(),
      receiptCode: someone.receiptCode,
    };
    const response = await app.request(`/bimtek/${open.id}`, form(fields));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Pendaftaran Bimtek diterima");
    expect(html).toContain("Anda mendapat kursi pada sesi ini.");
    const link = /href="(\/v1\/bimtek\/enrollments\/[^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
    expect(link).toMatch(/^\/v1\/bimtek\/enrollments\/e[a-z0-9]+\?code=[A-Za-z0-9_-]{22}$/);
    const enrolments = await listEnrolments(open.id);
    expect(enrolments).toHaveLength(1);
    expect(html).toContain(enrolments[0]?.id);

    // Following the link in a browser opens the participant's page, whose links stay on this site.
    const participant = await app.request(link as string, { headers: { Accept: PAGE } });
    expect(participant.status).toBe(200);
    const page = await participant.text();
    expect(page).toContain("Terdaftar (kursi terkonfirmasi)");
    expect(page).toContain(`href="${link?.replaceAll("&", "&amp;")}&amp;batal=ya"`);

    // A double click or a resubmitted page: the first answer again, no second record.
    const again = await app.request(`/bimtek/${open.id}`, form(fields));
    expect(again.status).toBe(200);
    expect(await again.text()).toContain(enrolments[0]?.id);
    expect(await listEnrolments(open.id)).toHaveLength(1);
  });

  it("the same key with other data: a friendly page with a new key, then the next person waits", async () => {
    const first = await person();
    const second = await person();
    const key = crypto.randomUUID();
    const seated = await app.request(
      `/bimtek/${open.id}`,
      form({ formKey: key, registrationId: first.id, receiptCode: first.receiptCode }),
    );
    expect(seated.status).toBe(200);
    const reused = await app.request(
      `/bimtek/${open.id}`,
      form({ formKey: key, registrationId: second.id, receiptCode: second.receiptCode }),
    );
    expect(reused.status).toBe(409);
    const html = await reused.text();
    expect(html).toContain("Formulir ini sudah pernah dikirim");
    expect(html).not.toContain("Idempotency");
    const fresh = formKeyOf(html) as string;
    expect(fresh).not.toBe(key);
    expect(attribute(element(html, "registrationId"), "value")).toBe(second.id);

    const waits = await app.request(
      `/bimtek/${open.id}`,
      form({ formKey: fresh, registrationId: second.id, receiptCode: second.receiptCode }),
    );
    expect(waits.status).toBe(200);
    // The session's one seat went to the first enrolment of this describe; both here wait.
    expect(await waits.text()).toMatch(/masuk daftar tunggu nomor \d/);
    expect(await (await app.request(`/bimtek/${open.id}`)).text()).toMatch(/\d orang dalam daftar tunggu/);
  });

  it("a closed session shows no form, and a late submission is told so with its values kept", async () => {
    const closing = await session(GARUT_OFFICER, { title: "Bimtek Dasar Sudah Ditutup" });
    const key = formKeyOf(await (await app.request(`/bimtek/${closing.id}`)).text()) as string;
    await closeEnrolment(closing.id);
    const page = await (await app.request(`/bimtek/${closing.id}`)).text();
    expect(page).toContain("Pendaftaran untuk sesi ini sudah ditutup.");
    expect(page).not.toContain('name="registrationId"');
    const someone = await person();
    const late = await app.request(
      `/bimtek/${closing.id}`,
      form({ formKey: key, registrationId: someone.id, receiptCode: someone.receiptCode }),
    );
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("Pendaftaran untuk sesi ini sudah ditutup.");
    expect(await listEnrolments(closing.id)).toHaveLength(0);
  });

  it("without a form key (a plain client) still enrols once per person", async () => {
    const someone = await person();
    const plain = await session(GARUT_OFFICER, { title: "Bimtek Dasar Tanpa Kunci" });
    for (let i = 0; i < 2; i++) {
      const response = await app.request(
        `/bimtek/${plain.id}`,
        form({ registrationId: someone.id, receiptCode: someone.receiptCode }),
      );
      expect(response.status).toBe(200);
    }
    expect(await listEnrolments(plain.id)).toHaveLength(1);
  });
});

describe("the participant's page behind the link: negotiated, cancelled after a confirmation", () => {
  /** The participant's link as a path on this site, and its action paths. */
  const linkOf = (enrollmentId: string) => {
    const url = new URL(enrolmentUrl(enrollmentId));
    const page = `${url.pathname}${url.search}`;
    return {
      page,
      cancel: `${url.pathname}/cancellation${url.search}`,
      offer: `${url.pathname}/offer${url.search}`,
    };
  };
  const enrolled = async (s: BimtekSession) => {
    const p = await person();
    return (await enrol({ sessionId: s.id, registrationId: p.id, receiptCode: p.receiptCode })).enrolment;
  };
  const post = (path: string, accept?: string, fields: Record<string, string> = {}) =>
    app.request(path, {
      ...form(fields),
      headers: { ...form(fields).headers, ...(accept ? { Accept: accept } : {}) },
    });

  it("answers JSON to API clients (any Accept but HTML), the page to a browser", async () => {
    const s = await session(GARUT_OFFICER, { title: "Bimtek Dasar Tautan Peserta" });
    const e = await enrolled(s);
    const { page } = linkOf(e.id);
    for (const accept of [undefined, "application/json", "*/*"]) {
      const response = await app.request(page, accept ? { headers: { Accept: accept } } : {});
      expect(response.status, String(accept)).toBe(200);
      expect(response.headers.get("Content-Type")).toContain("application/json");
      expect(await response.json()).toMatchObject({ enrollmentId: e.id, status: "confirmed" });
      // One URL, two answers: a cache must key them by Accept.
      expect(response.headers.get("Vary")).toContain("Accept");
    }
    const html = await app.request(page, { headers: { Accept: PAGE } });
    expect(html.headers.get("Content-Type")).toContain("text/html");
    expect(html.headers.get("Vary")).toContain("Accept");
    expect(await html.text()).toContain("Pendaftaran Bimtek Anda");

    // An unknown or wrong link: a problem document for API clients, the page for a browser.
    const wrong = page.replace(/code=[^&]+/, `code=${"A".repeat(22)}`);
    for (const path of [wrong, `/v1/bimtek/enrollments/ezzzzzzzzzzzz?code=${"A".repeat(22)}`, `${page}x`]) {
      for (const accept of [undefined, "application/json", "*/*"]) {
        const response = await app.request(path, accept ? { headers: { Accept: accept } } : {});
        expect(response.status, `${path} ${accept}`).toBe(404);
        expect(response.headers.get("Content-Type")).toContain("application/problem+json");
        expect(await response.json()).toMatchObject({ status: 404, title: "Tautan tidak dikenal" });
        expect(response.headers.get("Vary")).toContain("Accept");
      }
      const browser = await app.request(path, { headers: { Accept: PAGE } });
      expect(browser.status).toBe(404);
      expect(await browser.text()).toContain("<h1>Tautan tidak dikenal</h1>");
    }
  });

  it("asks before cancelling: the link changes nothing, the confirmation's button cancels", async () => {
    const s = await session(GARUT_OFFICER, { title: "Bimtek Dasar Batal Dengan Konfirmasi" });
    const e = await enrolled(s);
    const { page, cancel } = linkOf(e.id);
    const start = await (await app.request(page, { headers: { Accept: PAGE } })).text();
    expect(start).not.toContain('method="post" action="/v1/bimtek/enrollments');
    const ask = /href="([^"]*batal=ya)"/.exec(start)?.[1]?.replaceAll("&amp;", "&") as string;
    expect(ask).toBe(`${page}&batal=ya`);

    const confirm = await app.request(ask, { headers: { Accept: PAGE } });
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain("Yakin membatalkan pendaftaran ini?");
    expect(html).toContain(`<form method="post" action="${cancel.replaceAll("&", "&amp;")}">`);
    expect(html).toContain('<button type="submit">Ya, batalkan pendaftaran</button>');
    expect(html).toContain(`href="${page.replaceAll("&", "&amp;")}">Tidak, kembali`);
    expect((await getEnrolment(e.id))?.status).toBe("confirmed");

    const cancelled = await post(cancel, PAGE);
    expect(cancelled.status).toBe(200);
    const after = await cancelled.text();
    expect(after).toContain("Pendaftaran Anda sudah dibatalkan.");
    expect(after).not.toContain("batal=ya");
    expect((await getEnrolment(e.id))?.status).toBe("cancelled");
    // The confirmation of an enrolment that can no longer be cancelled offers no button.
    const late = await (await app.request(ask, { headers: { Accept: PAGE } })).text();
    expect(late).not.toContain("Ya, batalkan pendaftaran");
  });

  it("a double click or a resubmitted cancellation answers as the first: 200, cancelled", async () => {
    const s = await session(GARUT_OFFICER, { title: "Bimtek Dasar Batal Berulang" });
    const e = await enrolled(s);
    const { cancel } = linkOf(e.id);
    const parallel = await Promise.all(Array.from({ length: 5 }, () => post(cancel, PAGE)));
    for (const response of parallel) {
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("Pendaftaran Anda sudah dibatalkan.");
    }
    const again = await post(cancel, PAGE);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Pendaftaran Anda sudah dibatalkan.");
    const json = await app.request(cancel, { method: "POST", headers: { Accept: "application/json" } });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({
      status: "cancelled",
      notice: "Pendaftaran Anda sudah dibatalkan.",
    });
    expect((await listEnrolments(s.id)).map((x) => x.status)).toEqual(["cancelled"]);
  });

  it("an offer answered without a choice: the page again with the message beside it (422)", async () => {
    const s = await session(GARUT_OFFICER, { title: "Bimtek Dasar Tawaran Kosong", capacity: 1 });
    const seated = await enrolled(s);
    const waiting = await enrolled(s);
    expect(waiting.status).toBe("waitlisted");
    expect((await post(linkOf(seated.id).cancel, "application/json")).status).toBe(200);
    expect((await getEnrolment(waiting.id))?.status).toBe("offered");
    const { offer } = linkOf(waiting.id);

    const page = await post(offer, PAGE);
    expect(page.status).toBe(422);
    const html = await page.text();
    const radio = element(html, "decision");
    expect(attribute(radio, "autofocus")).toBeDefined();
    expect(html).toMatch(/<fieldset class="field" aria-invalid="true" aria-describedby="decision-error">/);
    expect(html).toMatch(/id="decision-error">Pilih terima \(accept\) atau tolak \(decline\)\.</);
    expect(html).toContain('href="#decision"');

    const problem = await post(offer, "application/json", { decision: "terima" });
    expect(problem.status).toBe(422);
    expect(problem.headers.get("Content-Type")).toContain("application/problem+json");
    expect(await problem.json()).toMatchObject({
      title: "Jawaban belum dipilih",
      errors: [{ field: "decision", message: "Pilih terima (accept) atau tolak (decline)." }],
    });
    expect((await getEnrolment(waiting.id))?.status).toBe("offered");

    const accepted = await post(offer, PAGE, { decision: "accept" });
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain("Anda menerima kursi ini");
    expect((await getEnrolment(waiting.id))?.status).toBe("confirmed");
  });
});

describe("GET /sertifikat: verification code → the certificate's page", () => {
  const enrollmentId = "e0certificate1";
  const code = certificateCode(enrollmentId);
  beforeAll(async () => {
    // Stored as issuance stores it (issuance itself is tested in bimtek-attendance.test.ts).
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...bimtekKeys.certificate(certificateCodeHash(code)),
          number: "BIMTEK-DASAR/32.05/2026/0001",
          enrollmentId,
          sessionId: "b0session0001",
          level: "dasar",
          nameMasked: "P****** H******",
          sessionTitle: "Bimtek Dasar PSM Garut",
          regionCode: "32.05",
          startsAt: "2026-11-20T01:00:00.000Z",
          endsAt: "2026-11-21T09:00:00.000Z",
          issuedAt: "2026-11-21T10:00:00.000Z",
        },
      }),
    );
  });

  it("shows the form, refuses a malformed code beside the field, then sends a good one to its page", async () => {
    const blank = await app.request("/sertifikat");
    expect(blank.status).toBe(200);
    expect(await blank.text()).toContain('<form method="get" action="/sertifikat"');

    const bad = await app.request("/sertifikat?kode=%3Cb%3Eabc");
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(attribute(element(html, "kode"), "aria-describedby")).toBe("kode-hint kode-error");
    expect(attribute(element(html, "kode"), "value")).toBe("&lt;b&gt;abc");
    expect(attribute(element(html, "kode"), "autofocus")).toBeDefined();

    const unknown = await app.request(`/sertifikat?kode=${"A".repeat(22)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/id="kode-error">Kode verifikasi ini tidak dikenal/);

    const good = await app.request(`/sertifikat?kode=${code}`);
    expect(good.status).toBe(303);
    expect(good.headers.get("Location")).toBe(`/v1/certificates/${code}`);
    const certificate = await app.request(`/v1/certificates/${code}`, { headers: { Accept: "text/html" } });
    expect(await certificate.text()).toContain("BIMTEK-DASAR/32.05/2026/0001");
  });

  it("accepts the whole verification link pasted into the field", async () => {
    const link = encodeURIComponent(`https://sigap.example.go.id/v1/certificates/${code}`);
    const response = await app.request(`/sertifikat?kode=${link}`);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/v1/certificates/${code}`);
  });
});
