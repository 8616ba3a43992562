import { validRegistration } from "@sigap/core/registration/fixtures";
import { listRegistrations } from "@sigap/core/registration/repository";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  checkPage,
  expectAccessible,
  expectLight,
  expectLocalOnly,
  expectNoErrors,
  expectNoHorizontalScroll,
  focusedElement,
  useBrowser,
} from "../support/browser";
import { keyRecord } from "../support/idempotency";

const browser = useBrowser();

/** NIK serials 0800+ keep these applicants apart from other files' (each file has its own table). */
let serial = 800;
const nextNik = () => {
  serial += 1;
  return `320501550795${String(serial).padStart(4, "0")}`;
};

/** Clicks a submit button and waits for the page it brings; answers that page's status. */
async function submit(page: Page, button: Locator): Promise<number> {
  const answered = page.waitForResponse(
    (r) => r.request().isNavigationRequest() && r.request().method() === "POST",
  );
  await button.click();
  const response = await answered;
  await page.waitForLoadState("load");
  return response.status();
}

/** Clicks a link or GET form's button and answers the status of the page it lands on. */
async function navigate(page: Page, target: Locator): Promise<number> {
  const landed = page.waitForResponse(
    (r) =>
      r.request().isNavigationRequest() && r.status() !== 301 && r.status() !== 302 && r.status() !== 303,
  );
  await target.click();
  const response = await landed;
  await page.waitForLoadState("load");
  return response.status();
}

/**
 * Every check of `checkPage` but the screenshot: for a page already photographed in the other run
 * (a success or status page has no script, so JavaScript on or off it is the same picture).
 */
async function checkSamePage(page: Page): Promise<void> {
  await expectLight(page);
  expectLocalOnly(page);
  expectNoErrors(page);
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
}

const sendButton = (page: Page, name: string) => page.getByRole("button", { name }).last();

/** The applicant's details but the village and consent (each test chooses those its own way). */
async function fillApplicant(page: Page, nik: string, phone: string) {
  await page.getByLabel("Nama lengkap").fill(validRegistration.fullName);
  await page.getByLabel("NIK", { exact: true }).fill(nik);
  await page.getByLabel("Perempuan").check();
  await page.getByLabel("Tempat lahir").fill(validRegistration.birthPlace);
  await page.getByLabel("Tanggal lahir").fill(validRegistration.birthDate);
  await page.getByLabel("Nomor HP/WhatsApp").fill(phone);
  await page.getByLabel("Alamat").fill(validRegistration.address);
  await page.getByLabel("Pendidikan terakhir").fill(validRegistration.education);
  await page.getByLabel("Pekerjaan").fill(validRegistration.occupation);
  await page.getByLabel("Motivasi menjadi PSM").fill(validRegistration.motivation);
}

/** Province → kabupaten → kecamatan → desa, each select waiting for its list. */
async function chooseVillageBySelects(page: Page) {
  for (const [label, code] of [
    ["Provinsi", "32"],
    ["Kabupaten/kota", "32.05"],
    ["Kecamatan", "32.05.22"],
    ["Desa/kelurahan", "32.05.22.2001"],
  ] as const) {
    const select = page.getByLabel(label, { exact: true });
    await expect.poll(() => select.locator(`option[value="${code}"]`).count()).toBe(1);
    await select.selectOption(code);
  }
}

/** Follows the success page's status link and checks the status page (photographed when named). */
async function followStatusLink(page: Page, linkName: string, heading: string, screenshotName?: string) {
  await page.getByRole("link", { name: linkName }).click();
  await page.waitForLoadState("load");
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(heading);
  if (screenshotName) await checkPage(page, screenshotName);
  else await checkSamePage(page);
}

describe("/daftar in a browser", { timeout: 180_000 }, () => {
  it("without JavaScript: bad input, then the village by name, then the receipt and its status page", async () => {
    const page = await browser.openPage("/daftar", { js: false });
    await checkPage(page, "daftar");
    const nik = nextNik();
    await fillApplicant(page, nik.slice(0, 10), "12345");
    expect(await submit(page, sendButton(page, "Kirim pendaftaran"))).toBe(422);
    // The first invalid field has the focus, its message beside it; the summary lists them all.
    await expect.poll(() => focusedElement(page)).toMatchObject({ id: "nik", label: "NIK" });
    await expect
      .poll(() => page.locator("#nik-error").textContent())
      .toBe("NIK harus terdiri dari 16 digit angka.");
    expect(await page.locator(".error-summary li").count()).toBe(4);
    expect(await page.getByLabel("Nama lengkap").inputValue()).toBe(validRegistration.fullName);
    await checkPage(page, "daftar-kesalahan");

    await page.getByLabel("NIK", { exact: true }).fill(nik);
    await page.getByLabel("Nomor HP/WhatsApp").fill(validRegistration.phone);
    // Enter in the search box searches (without script it cannot press "Cari desa" itself).
    await page.getByLabel("Cari nama desa/kelurahan").fill("cikajang");
    const searched = page.waitForResponse((r) => r.request().isNavigationRequest());
    await page.getByLabel("Cari nama desa/kelurahan").press("Enter");
    expect((await searched).status()).toBe(200);
    await page.waitForLoadState("load");
    expect(await page.locator(".error-summary").count()).toBe(0);
    const village = page.getByLabel(/Desa Cikajang, Kecamatan Cikajang/);
    await expect.poll(() => focusedElement(page)).toMatchObject({ id: "villageCode", type: "radio" });
    await village.check();
    await page.getByLabel(/Saya setuju/).check();
    const before = (await listRegistrations("32.05")).length;
    expect(await submit(page, sendButton(page, "Kirim pendaftaran"))).toBe(200);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Pendaftaran diterima");
    const receipt = await page.locator("dd.code").nth(1).textContent();
    expect(receipt).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await checkPage(page, "daftar-diterima");
    // Sent again (a reload that re-posts): the same receipt, no second registration.
    expect(await page.reload().then((r) => r?.status())).toBe(200);
    expect(await page.locator("dd.code").nth(1).textContent()).toBe(receipt);
    expect((await listRegistrations("32.05")).length).toBe(before + 1);
    await followStatusLink(page, "Lihat status pendaftaran", "Status pendaftaran PSM", "status-pendaftaran");
    expect(await page.locator("main").textContent()).toContain("Diajukan");
  });

  it("with JavaScript: the region selects, focus on the first error, the village kept, one registration", async () => {
    const page = await browser.openPage("/daftar", { js: true });
    // The script swapped the village search for the selects.
    await expect.poll(() => page.getByLabel("Provinsi", { exact: true }).isEnabled()).toBe(true);
    expect(await page.getByLabel("Cari nama desa/kelurahan").isVisible()).toBe(false);
    await checkPage(page, "daftar-js");
    const nik = nextNik();
    await fillApplicant(page, nik, validRegistration.phone);
    await chooseVillageBySelects(page);
    // Consent left out: the one error, focused; the village comes back chosen in its selects.
    expect(await submit(page, sendButton(page, "Kirim pendaftaran"))).toBe(422);
    await expect.poll(() => focusedElement(page)).toMatchObject({ id: "consent", type: "checkbox" });
    await expect.poll(() => page.locator("select#villageCode").inputValue()).toBe("32.05.22.2001");
    expect(await page.getByLabel("Kecamatan", { exact: true }).inputValue()).toBe("32.05.22");
    await page.getByLabel(/Saya setuju/).check();
    const before = (await listRegistrations("32.05")).length;
    const formKey = await page.locator('input[name="formKey"]').inputValue();
    // A double click sends once.
    const answered = page.waitForResponse((r) => r.request().method() === "POST");
    await sendButton(page, "Kirim pendaftaran").dblclick();
    expect((await answered).status()).toBe(200);
    await page.waitForLoadState("load");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Pendaftaran diterima");
    expect((await listRegistrations("32.05")).length).toBe(before + 1);
    // Kept once by the form's own key (content dedupe alone would also show one registration).
    expect((await keyRecord("registrations", formKey))?.bodyHash).toEqual(expect.any(String));
    await followStatusLink(page, "Lihat status pendaftaran", "Status pendaftaran PSM");
  });
});

describe("/lapor in a browser", { timeout: 180_000 }, () => {
  async function fillReport(page: Page, description: string) {
    await page.getByLabel("Jenis masalah sosial (PPKS)").selectOption("lanjut-usia-terlantar");
    await page.getByLabel("Rumah tidak layak huni").check();
    await page.getByLabel(/^Tinggi/).check();
    await page.getByLabel("Lokasi", { exact: true }).fill("Kampung Babakan RT 02/RW 03, dekat masjid");
    await page.getByLabel("Uraian").fill(description);
    await page.getByLabel("Warga", { exact: true }).check();
    await page.getByLabel("Nama Anda").fill("Asep Sunandar");
    await page.getByLabel("Nomor HP/WhatsApp Anda").fill("0812-1111-2222");
  }

  for (const js of [false, true]) {
    it(`${js ? "with" : "without"} JavaScript: bad input, then good, then the tracking page`, async () => {
      const page = await browser.openPage("/lapor", { js });
      await checkPage(page, js ? "lapor-js" : "lapor");
      await fillReport(page, "pendek");
      expect(await submit(page, sendButton(page, "Kirim laporan"))).toBe(422);
      await expect
        .poll(() => focusedElement(page))
        .toMatchObject(js ? { id: "region-province", tag: "select" } : { id: "villageCode", type: "search" });
      expect(await page.locator('[id="description-error"]').textContent()).toMatch(/Uraian/);
      expect(await page.getByLabel("Rumah tidak layak huni").isChecked()).toBe(true);
      await checkPage(page, js ? "lapor-kesalahan-js" : "lapor-kesalahan");

      await page.getByLabel("Uraian").fill("Seorang nenek tinggal sendiri di rumah yang hampir roboh.");
      if (js) {
        await chooseVillageBySelects(page);
      } else {
        await page.getByLabel("Cari nama desa/kelurahan").fill("cikajang");
        expect(await submit(page, page.getByRole("button", { name: "Cari desa" }))).toBe(200);
        await page.getByLabel(/Desa Cikajang, Kecamatan Cikajang/).check();
      }
      if (js) {
        expect(await submit(page, sendButton(page, "Kirim laporan"))).toBe(200);
      } else {
        // Enter in a field sends the report (the form's first submit button), not a village search.
        const answered = page.waitForResponse((r) => r.request().isNavigationRequest());
        await page.getByLabel("Nama Anda").press("Enter");
        expect((await answered).status()).toBe(200);
        await page.waitForLoadState("load");
      }
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Laporan diterima");
      if (js) await checkSamePage(page);
      else await checkPage(page, "lapor-diterima");
      await followStatusLink(page, "Lacak laporan", "Lacak laporan", js ? undefined : "lacak-laporan");
      expect(await page.locator("main").textContent()).toContain("Lanjut Usia Terlantar");
    });
  }
});

describe("the region picker", { timeout: 180_000 }, () => {
  it("keeps the village search when the region list cannot be fetched, even with JavaScript", async () => {
    const page = await browser.openPage("/lapor", { js: true });
    await page.route("**/v1/regions**", (route) => route.abort("failed"));
    await page.reload();
    await page.getByLabel("Cari nama desa/kelurahan").fill("cikajang");
    expect(await submit(page, page.getByRole("button", { name: "Cari desa" }))).toBe(200);
    await expect.poll(() => focusedElement(page)).toMatchObject({ id: "villageCode", type: "radio" });
    expect(await page.getByLabel("Provinsi", { exact: true }).isVisible()).toBe(false);
  });
});

describe("/status in a browser", { timeout: 180_000 }, () => {
  it("is reached from the landing page, which links every form", async () => {
    const page = await browser.openPage("/", { js: false });
    await checkPage(page, "beranda");
    expect(await navigate(page, page.getByRole("link", { name: "Cek status pendaftaran" }))).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/status");
  });

  it("without JavaScript: a mistyped number beside its field, then the lookup reaches the status link", async () => {
    // The blank form is checked and photographed ("status") with every page the landing links.
    const page = await browser.openPage("/status", { js: false });
    await page.getByLabel("Nomor pendaftaran").fill("123");
    expect(await navigate(page, page.getByRole("button", { name: "Lihat" }))).toBe(422);
    await expect.poll(() => focusedElement(page)).toMatchObject({ id: "id" });
    expect(await page.locator("#receipt-error").textContent()).toBe("Kode tanda terima wajib diisi.");
    await checkPage(page, "cek-status-kesalahan");
    await page.getByLabel("Nomor pendaftaran").fill("abcdefabcdef");
    await page.getByLabel("Kode tanda terima").fill("ABCD-2345");
    // A well-formed number and code that match nothing: the same page as a wrong link.
    expect(await navigate(page, page.getByRole("button", { name: "Lihat" }))).toBe(404);
    expect(new URL(page.url()).pathname).toBe("/v1/registrations/abcdefabcdef");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Pendaftaran tidak ditemukan");
    await checkPage(page, "status-tidak-ditemukan");
  });
});
