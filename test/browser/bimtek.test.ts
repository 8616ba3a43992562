/**
 * The Bimtek pages in a real headless Chromium at 360 px, JavaScript on and off: find a session by
 * province and organiser, enrol with bad then good input (errors beside the fields, focus on the
 * first), follow the success page's link to the participant's own page (cancelling after a
 * confirmation), a double click enrolling once, and the certificate check. Every page: accessible (WCAG 2.1 AA), under 50 KB, no other host.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { enrol, getEnrolment, listEnrolments } from "@sigap/core/bimtek/enrolment";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import { certificateCode, certificateCodeHash, enrolmentUrl } from "@sigap/core/bimtek/links";
import type { BimtekSession, Enrolment } from "@sigap/core/bimtek/model";
import { createSession } from "@sigap/core/bimtek/sessions";
import { db } from "@sigap/core/db/client";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { createRegistration, recordTransition } from "@sigap/core/registration/repository";
import { validateRegistration } from "@sigap/core/registration/schema";
import { tableName } from "@sigap/core/resources";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { GARUT_OFFICER } from "../support/bimtek";
import { checkPage, focusedElement, useBrowser } from "../support/browser";

const browser = useBrowser();
const DAY = 24 * 3600 * 1000;

let serial = 3000;
interface Person {
  id: string;
  receiptCode: string;
}
/** A candidate of Garut recommended for Bimtek dasar (recruitment has its own tests). */
async function candidate(): Promise<Person> {
  serial += 1;
  const input = validateRegistration(
    {
      ...validRegistration,
      nik: `320501550795${String(serial).padStart(4, "0")}`,
      fullName: `Peserta Peramban ${serial}`,
      email: `peramban${serial}@example.com`,
      villageCode: "32.05.01.1002",
    },
    new Date(),
  );
  const { registration, receiptCode } = await createRegistration(input);
  await recordTransition(registration.id, {
    event: "recommended",
    actor: { kind: "system" },
    status: "candidate",
    stage: "basic-training",
  });
  return { id: registration.id, receiptCode };
}

let session: BimtekSession;
const enrolmentsOf = async (person: Person) =>
  (await listEnrolments(session.id)).filter((e) => e.registrationId === person.id);

beforeAll(async () => {
  const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
  session = await createSession(GARUT_OFFICER, {
    level: "dasar",
    regionCode: "32.05",
    title: "Bimtek Dasar PSM Kabupaten Garut Angkatan I",
    venue: "Aula Dinas Sosial Kabupaten Garut, Jl. Pembangunan No. 181",
    startsAt: `${day(20)}T08:00:00+07:00`,
    endsAt: `${day(21)}T16:00:00+07:00`,
    capacity: 75,
    speakers: [{ name: "Narasumber Kemensos", email: "narasumber@kemensos.example.go.id" }],
  });
});

/** Clicks a button or link and waits for the page it brings (past redirects); answers its status. */
async function follow(page: Page, target: Locator): Promise<number> {
  const landed = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && ![301, 302, 303].includes(r.status()),
  );
  await target.click();
  const response = await landed;
  await page.waitForLoadState("load");
  return response.status();
}
const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
const link = (page: Page, name: string) => page.getByRole("link", { name, exact: true });

// Both runs photograph a page under one name: these pages look the same with and without script.
describe.each([
  { js: false, name: "off" },
  { js: true, name: "on" },
])("Bimtek pages with JavaScript $name", ({ js }) => {
  it("finds the session: province, then organiser, then the list in local time", async () => {
    const page = await browser.openPage("/bimtek", { js });
    await checkPage(page, "bimtek");
    await page.getByLabel("Provinsi").selectOption("32");
    await follow(page, button(page, "Pilih provinsi"));
    await page.getByLabel("Penyelenggara").selectOption("32.05");
    await follow(page, button(page, "Lihat sesi"));
    expect(new URL(page.url()).search).toBe("?provinsi=32&wilayah=32.05");
    await expect(page.getByRole("heading", { name: session.title }).isVisible()).resolves.toBe(true);
    await expect(
      page
        .getByText(/08\.00 WIB/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByText(/\d+ dari 75 kursi tersisa/).isVisible()).resolves.toBe(true);
    await checkPage(page, "bimtek-daftar-sesi");
    expect(await follow(page, link(page, "Lihat sesi dan daftar"))).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/bimtek/${session.id}`);
  });

  it("enrols: bad input answered beside the fields with focus on the first, then good input", async () => {
    const person = await candidate();
    const page = await browser.openPage(`/bimtek/${session.id}`, { js });
    await checkPage(page, "bimtek-sesi");

    await page.getByLabel("Nomor pendaftaran").fill("nomor-salah");
    expect(await follow(page, button(page, "Daftar"))).toBe(422);
    await expect
      .poll(() => focusedElement(page))
      .toMatchObject({ id: "registrationId", label: "Nomor pendaftaran" });
    await expect(page.locator("#registrationId-error").textContent()).resolves.toBe(
      "Nomor pendaftaran terdiri dari 12 huruf/angka.",
    );
    await expect(page.locator("#receiptCode-error").textContent()).resolves.toBe(
      "Kode tanda terima wajib diisi.",
    );
    await expect(page.getByRole("alert").first().isVisible()).resolves.toBe(true);
    await expect(page.getByLabel("Nomor pendaftaran").inputValue()).resolves.toBe("nomor-salah");
    await checkPage(page, "bimtek-sesi-kesalahan");

    // The right number, a wrong code: the error moves to the code, and so does the focus.
    await page.getByLabel("Nomor pendaftaran").fill(person.id);
    await page.getByLabel("Kode tanda terima").fill("SALAH-0000");
    expect(await follow(page, button(page, "Daftar"))).toBe(422);
    await expect.poll(() => focusedElement(page)).toMatchObject({ id: "receiptCode" });
    await expect(page.locator("#receiptCode-error").textContent()).resolves.toContain("tidak cocok");
    expect(await enrolmentsOf(person)).toHaveLength(0);

    await page.getByLabel("Kode tanda terima").fill(person.receiptCode);
    expect(await follow(page, button(page, "Daftar"))).toBe(200);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      "Pendaftaran Bimtek diterima",
    );
    await expect(page.getByText("Anda mendapat kursi pada sesi ini.").isVisible()).resolves.toBe(true);
    const [enrolment] = await enrolmentsOf(person);
    expect(enrolment?.status).toBe("confirmed");
    await expect(
      page
        .getByText(enrolment?.id as string)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await checkPage(page, "bimtek-diterima");

    // The status link: the participant's own page, on this site, with its cancel form.
    expect(await follow(page, link(page, "Buka halaman pendaftaran Bimtek Anda"))).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/v1/bimtek/enrollments/${enrolment?.id}`);
    await expect(page.getByText("Terdaftar (kursi terkonfirmasi)").isVisible()).resolves.toBe(true);
    await expect(link(page, "Batalkan pendaftaran").isVisible()).resolves.toBe(true);
    await checkPage(page, "bimtek-peserta");
  });

  it("checks a certificate: a malformed code beside the field, then the certificate's page", async () => {
    const enrollmentId = js ? "e0browsercert" : "e0browsercer2";
    const code = certificateCode(enrollmentId);
    // Stored as issuance stores it (issuance itself is tested in bimtek-attendance.test.ts).
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...bimtekKeys.certificate(certificateCodeHash(code)),
          number: `BIMTEK-DASAR/32.05/2026/000${js ? 1 : 2}`,
          enrollmentId,
          sessionId: session.id,
          level: "dasar",
          nameMasked: "P****** P*******",
          sessionTitle: session.title,
          regionCode: "32.05",
          startsAt: session.startsAt,
          endsAt: session.endsAt,
          issuedAt: session.endsAt,
        },
      }),
    );
    const page = await browser.openPage("/sertifikat", { js });
    await checkPage(page, "sertifikat");
    await page.getByLabel("Kode verifikasi").fill("bukan kode");
    expect(await follow(page, button(page, "Periksa"))).toBe(422);
    await expect.poll(() => focusedElement(page)).toMatchObject({ id: "kode" });
    await expect(page.locator("#kode-error").isVisible()).resolves.toBe(true);
    await checkPage(page, "sertifikat-kesalahan");
    await page.getByLabel("Kode verifikasi").fill(code);
    expect(await follow(page, button(page, "Periksa"))).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/v1/certificates/${code}`);
    await expect(
      page
        .getByText(`BIMTEK-DASAR/32.05/2026/000${js ? 1 : 2}`)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
  });
});

describe("a double click on Daftar with JavaScript on", () => {
  it("sends the form once: one POST, one enrolment, the success page", async () => {
    const person = await candidate();
    const page = await browser.openPage(`/bimtek/${session.id}`, { js: true });
    await page.getByLabel("Nomor pendaftaran").fill(person.id);
    await page.getByLabel("Kode tanda terima").fill(person.receiptCode);
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    const answered = page.waitForResponse((r) => r.request().isNavigationRequest());
    await button(page, "Daftar").dblclick();
    expect((await answered).status()).toBe(200);
    await page.waitForLoadState("load");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(
      "Pendaftaran Bimtek diterima",
    );
    expect(await enrolmentsOf(person)).toHaveLength(1);
    // The forms script sent it once (without script the form key replays the first answer instead).
    expect(posts).toHaveLength(1);
  });
});

describe("the participant's page (from the emails' link) with JavaScript off", () => {
  it("cancels a seat, and the first on the waiting list accepts the seat offered", async () => {
    const small = await createSession(GARUT_OFFICER, {
      level: "dasar",
      regionCode: "32.05",
      title: "Bimtek Dasar PSM Garut Kelas Kecil",
      venue: "Aula Kecamatan Garut Kota",
      startsAt: new Date(Date.now() + 30 * DAY).toISOString(),
      endsAt: new Date(Date.now() + 31 * DAY).toISOString(),
      capacity: 1,
    });
    const [seated, waiting] = [await candidate(), await candidate()];
    const enrolled = [];
    for (const p of [seated, waiting]) {
      enrolled.push(
        (await enrol({ sessionId: small.id, registrationId: p.id, receiptCode: p.receiptCode })).enrolment,
      );
    }
    const [first, second] = enrolled as [Enrolment, Enrolment];
    expect([first.status, second.status]).toEqual(["confirmed", "waitlisted"]);

    const page = await browser.openPage(browser.local(enrolmentUrl(first.id)), { js: false });
    // The cancel link asks first, and changes nothing.
    expect(await follow(page, link(page, "Batalkan pendaftaran"))).toBe(200);
    await expect(
      page.getByRole("heading", { name: "Yakin membatalkan pendaftaran ini?" }).isVisible(),
    ).resolves.toBe(true);
    expect((await getEnrolment(first.id))?.status).toBe("confirmed");
    await checkPage(page, "bimtek-batal");
    expect(await follow(page, button(page, "Ya, batalkan pendaftaran"))).toBe(200);
    await expect(page.getByText("Pendaftaran Anda sudah dibatalkan.").isVisible()).resolves.toBe(true);
    await expect(page.getByText("Dibatalkan oleh peserta").isVisible()).resolves.toBe(true);
    expect((await getEnrolment(first.id))?.status).toBe("cancelled");
    await expect.poll(async () => (await getEnrolment(second.id))?.status).toBe("offered");

    const offer = await browser.openPage(browser.local(enrolmentUrl(second.id)), { js: false });
    await checkPage(offer, "bimtek-tawaran");
    await offer.getByLabel("Terima kursi").check();
    expect(await follow(offer, button(offer, "Kirim jawaban"))).toBe(200);
    await expect(offer.getByText("Anda menerima kursi ini").isVisible()).resolves.toBe(true);
    await expect.poll(async () => (await getEnrolment(second.id))?.status).toBe("confirmed");
  });
});
