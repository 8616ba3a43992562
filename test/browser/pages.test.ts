/**
 * The pages people open from an email, in a real headless Chromium at 360 px, with JavaScript on
 * and off: the village head's decision page (from the link in the real email: a refused answer,
 * then a good one), the certificate verification page and the unknown-link page. Each must be
 * accessible (axe, WCAG 2.1 AA), light (< 50 KB), local (no other host), fit the screen, and is
 * photographed for the README (`npm run screenshots`).
 */

import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { getAction } from "@sigap/core/action/repository";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import { certificateCode, certificateCodeHash } from "@sigap/core/bimtek/links";
import type { Certificate } from "@sigap/core/bimtek/model";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { getRegistration } from "@sigap/core/registration/repository";
import { tableName } from "@sigap/core/resources";
import { describe, expect, it } from "vitest";
import {
  checkPage,
  documentStatus,
  expectAccessible,
  expectLight,
  expectLocalOnly,
  expectNoErrors,
  expectNoHorizontalScroll,
  focusedElement,
  openTrackedPage,
  requestsOf,
  transferredBytes,
  useBrowser,
} from "../support/browser";
import { registerThroughApi } from "../support/registrations";

const browser = useBrowser();

let serial = 600;
/** Registers a candidate through the JSON API and returns the village head's decision link (a path). */
async function decisionLink(): Promise<{ id: string; name: string; link: string }> {
  serial += 1;
  const name = `Calon Peramban ${serial}`;
  const { id } = await registerThroughApi((path, init) => fetch(`${browser.origin}${path}`, init), serial, {
    fullName: name,
    email: `peramban${serial}@example.com`,
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const link = outbox()
      .list()
      .find((m) => m.subject.includes(name))
      ?.links.find((l) => l.includes("/v1/actions/"));
    if (link) {
      // The email's link points at this very server (the harness sets the public base URL).
      expect(new URL(link).origin).toBe(browser.origin);
      return { id, name, link: browser.local(link) };
    }
    if (Date.now() > deadline) throw new Error(`No decision request was mailed for ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the village head's decision page, from the email link", () => {
  for (const js of [false, true]) {
    it(`refuses a rejection without a reason, then records a recommendation (JavaScript ${js ? "on" : "off"})`, async () => {
      const { id, name, link } = await decisionLink();
      const page = await browser.openPage(link, { js });
      expect(await page.locator("h1").innerText()).toContain(name);
      await checkPage(page, "keputusan-desa");

      // A rejection needs a reason: the same page again, 422, the error beside the reason field (and
      // in the summary), the focus there, every value kept; nothing recorded.
      await page.getByRole("radio", { name: /Tolak/ }).check();
      await page.getByLabel(/Catatan internal/).fill("Dikenal baik oleh warga.");
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.getByRole("button", { name: "Kirim keputusan" }).click(),
      ]);
      expect(refused.status()).toBe(422);
      await page.waitForLoadState("load");
      expect(await page.getByRole("alert").innerText()).toContain("Tuliskan alasan");
      expect(await focusedElement(page)).toMatchObject({
        tag: "textarea",
        name: "reason",
        description: expect.stringContaining("Tuliskan alasan"),
      });
      expect(await page.getByRole("radio", { name: /Tolak/ }).isChecked()).toBe(true);
      expect(await page.getByLabel(/Catatan internal/).inputValue()).toBe("Dikenal baik oleh warga.");
      expect((await getRegistration(id))?.stage).toBe("village-recommendation");
      await checkPage(page, "keputusan-desa-perlu-diperbaiki");

      // A recommendation: recorded, once, and said so.
      await page.getByRole("radio", { name: "Rekomendasikan" }).check();
      await Promise.all([page.waitForURL(browser.origin + link), page.getByRole("button").click()]);
      expect(await page.locator("h1").innerText()).toBe("Terima kasih, keputusan Anda tercatat");
      await checkPage(page, "keputusan-desa-tercatat");
      // One POST for each click: the refused one and this one.
      expect(requestsOf(page).filter((r) => r.method === "POST")).toHaveLength(2);
      const action = await getAction(link.split("/").at(-1) ?? "");
      expect(action).toMatchObject({ status: "used", decision: "recommend" });

      // The same link again: no second decision, the reason why.
      const again = await browser.openPage(link, { js });
      expect(await again.locator("h1").innerText()).toBe("Tautan tidak berlaku lagi");
      await checkPage(again, "keputusan-desa-terpakai");
    });
  }
});

describe("the certificate verification page", () => {
  it("shows a certificate from its code, masked, and an unknown code as not found", async () => {
    // A certificate as the session's certificates step stores it (issuance is tested in
    // test/bimtek-attendance.test.ts; this is about the page).
    const enrollmentId = "01JBROWSERCERTIFICATE0001";
    const certificate: Certificate = {
      number: "BIMTEK-DASAR/3205/2026/0007",
      enrollmentId,
      sessionId: "01JBROWSERSESSION00000001",
      level: "dasar",
      nameMasked: "S**i R****h",
      sessionTitle: "Bimtek Dasar PSM Kabupaten Garut",
      regionCode: "32.05",
      startsAt: "2026-12-07T08:00:00+07:00",
      endsAt: "2026-12-08T16:00:00+07:00",
      issuedAt: "2026-12-09T09:00:00+07:00",
    };
    const code = certificateCode(enrollmentId);
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...bimtekKeys.certificate(certificateCodeHash(code)), ...certificate },
      }),
    );
    for (const js of [false, true]) {
      const page = await browser.openPage(`/v1/certificates/${code}`, { js });
      expect(await page.locator("h1").innerText()).toContain("sah");
      expect(await page.locator("main").innerText()).toContain(certificate.number);
      expect(await page.locator("main").innerText()).toContain(certificate.nameMasked);
      await checkPage(page, "sertifikat-sah");
    }
    const unknown = await browser.openPage(`/v1/certificates/${"B".repeat(22)}`, { js: false });
    expect(await unknown.locator("h1").innerText()).toBe("Sertifikat tidak ditemukan");
    await checkPage(unknown, "sertifikat-tidak-ditemukan");
  });
});

describe("the unknown-link page", () => {
  it("answers a link that cannot exist, accessible and light", async () => {
    for (const js of [false, true]) {
      const page = await browser.openPage("/v1/actions/AAAAAAAAAAAAAAAAAAAAAAAA", { js });
      expect(await page.locator("h1").innerText()).toBe("Tautan tidak dikenal");
      expect(await focusedElement(page)).toBeUndefined();
      await checkPage(page, "tautan-tidak-dikenal");
    }
  });
});

describe("the problem page", () => {
  it("answers a mistyped address with a page, accessible and light, that leads home", async () => {
    for (const js of [false, true]) {
      const page = await browser.openPage("/dafter", { js });
      expect(await page.locator("h1").innerText()).toBe("Alamat tidak ditemukan");
      await checkPage(page, "alamat-tidak-ditemukan");
      await page.getByRole("link", { name: "halaman utama" }).click();
      await page.waitForURL(`${browser.origin}/`);
    }
  });
});

describe("the landing page", () => {
  /** Every distinct link on `/`, fragments aside. */
  async function landingLinks(): Promise<string[]> {
    const page = await browser.openPage("/", { js: false });
    const hrefs = await page
      .locator("a[href]")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    const urls = hrefs
      .filter((h): h is string => !!h && !h.startsWith("#"))
      .map((h) => new URL(h, page.url()));
    // Everything it links is on this site: following a link never asks another host.
    expect(urls.filter((u) => u.origin !== browser.origin).map(String)).toEqual([]);
    return [...new Set(urls.map((u) => `${u.pathname}${u.search}`))];
  }

  for (const js of [false, true]) {
    it(`links only pages that pass every check (JavaScript ${js ? "on" : "off"})`, async () => {
      const home = await browser.openPage("/", { js });
      const homeBytes = await checkPage(home, "beranda");
      if (process.env.SCREENSHOTS === "1")
        console.info(`/ (JavaScript ${js ? "on" : "off"}): ${homeBytes} bytes`);
      const links = await landingLinks();
      // The forms, the lookups, Bimtek, the certificate check and the API reference at least.
      for (const path of ["/daftar", "/lapor", "/bimtek", "/status", "/lacak", "/sertifikat", "/docs"]) {
        expect(links).toContain(path);
      }
      for (const path of links) {
        const page = await browser.openPage(path, { js });
        expect(documentStatus(page), path).toBe(200);
        const type = (await page.evaluate("document.contentType")) as string;
        expect(`${path} ${type}`).toMatch(/ (text\/html|application\/json)$/);
        if (type !== "text/html") {
          // The machine-readable document (openapi.json) is for programs, not a page to check.
          continue;
        }
        expect(await page.locator("h1").count(), `${path} has one heading`).toBe(1);
        const bytes = await checkPage(page, path.slice(1).replace(/[^a-z0-9]+/g, "-") || "beranda");
        // The screenshot run (npm run screenshots) also lists what each page weighs.
        if (process.env.SCREENSHOTS === "1")
          console.info(`${path} (JavaScript ${js ? "on" : "off"}): ${bytes} bytes`);
      }
    });
  }
});

describe("the checks themselves", () => {
  for (const js of [false, true]) {
    it(`fail on a page that breaks the rules (JavaScript ${js ? "on" : "off"})`, async () => {
      // A page of its own context, closed here: its foreign request is expected, not a failure.
      const { context, page, record } = await openTrackedPage(browser.browser, browser.origin, { js });
      try {
        // An address of the app answered with a page that breaks each rule once (never served by it).
        await page.route(`${browser.origin}/broken`, (route) =>
          route.fulfill({
            contentType: "text/html; charset=utf-8",
            headers: { "Content-Security-Policy": "script-src 'self'" },
            body: `<!doctype html><html><head><title>x</title></head><body><main>
              <p style="color:#bbb;background:#fff">pucat</p><input id="x"><div style="width:900px">lebar</div>
              <img alt="" src="http://example.invalid/pixel.png"><script>document.title = "y"</script>
              <p>${"berat ".repeat(10_000)}</p></main></body></html>`,
          }),
        );
        await page.goto(`${browser.origin}/broken`);
        expect(await transferredBytes(page)).toBeGreaterThan(50 * 1024);
        await expect(expectLight(page)).rejects.toThrow(/bytes transferred for/);
        const violations = await expectAccessible(page).then(
          () => "",
          (error: Error) => error.message,
        );
        for (const rule of ["color-contrast", "html-has-lang", "label"]) expect(violations).toContain(rule);
        await expect(expectNoHorizontalScroll(page)).rejects.toThrow(/scrolls sideways at 360 px/);
        // Refused, and reported.
        expect(record.foreign).toEqual(["GET http://example.invalid/pixel.png"]);
        expect(() => expectLocalOnly(page)).toThrow(/another host/);
        if (js) expect(() => expectNoErrors(page)).toThrow(/violates the following Content Security Policy/);
        await expect(checkPage(page, "never")).rejects.toThrow();

        await page.focus("#x");
        expect(await focusedElement(page)).toMatchObject({ tag: "input", id: "x", label: "" });
      } finally {
        await context.close();
      }
    });
  }
});
