/**
 * One secure-headers middleware for the whole app: every route family, pages and JSON, success
 * and problem answers alike, carries the same protections (the forms, the Bimtek pages, their
 * assets and the API reference included).
 */
import { createSession } from "@sigap/core/bimtek/sessions";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { GARUT_OFFICER } from "./support/bimtek";
import { staffToken } from "./support/staff-token";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

const request = (path: string, init: RequestInit = {}) => stack.app.request(path, init);

/** Protections every answer carries, whatever its kind. */
function expectBaseline(response: Response, label: string) {
  const h = response.headers;
  expect(h.get("x-content-type-options"), label).toBe("nosniff");
  expect(h.get("x-frame-options"), label).toBe("DENY");
  expect(h.get("referrer-policy"), label).toBe("no-referrer");
  // The whole policy, exactly: pages load their stylesheet and script from this API only.
  expect(h.get("content-security-policy"), label).toBe(PAGE_POLICY);
  expect(h.get("cache-control"), label).toBe("no-store");
}

const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** An HTML page carries nothing inline that the policy would refuse: no inline script or style. */
function expectNothingInline(html: string, label: string) {
  expect(html, label).not.toMatch(/<script(?![^>]*\ssrc=)/);
  expect(html, label).not.toContain("<style");
  expect(html, label).not.toMatch(/\sstyle=/);
}

async function pendingActionLink(): Promise<string> {
  const response = await request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...validRegistration, nik: "3205015507950401", fullName: "Pendaftar Header" }),
  });
  expect(response.status).toBe(202);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const link = outbox()
      .list()
      .find((m) => m.subject.includes("Pendaftar Header"))
      ?.links.find((l) => l.includes("/v1/actions/"));
    if (link) return new URL(link).pathname;
    if (Date.now() > deadline) throw new Error("No decision request was mailed");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("security headers", () => {
  it("protect the confirmation page (GET and a refused POST) and the unknown-link page", async () => {
    const link = await pendingActionLink();
    const page = await request(link);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expectBaseline(page, "action page");
    // Nothing inline that the policy would refuse: no inline script or style, no style attribute.
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(html).not.toContain("<style");
    expect(html).not.toMatch(/\sstyle=/);
    // Its stylesheet comes from this API, served with the same protections.
    const css = /<link rel="stylesheet" href="(\/assets\/site\.[\w-]+\.css)"/.exec(html)?.[1];
    expect(css).toBeDefined();
    const stylesheet = await request(css ?? "");
    expect(stylesheet.status).toBe(200);
    expect(stylesheet.headers.get("content-security-policy")).toBe(PAGE_POLICY);

    const refused = await request(link, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "decision=",
    });
    expect(refused.status).toBe(422);
    expectBaseline(refused, "action form error");

    const missing = await request("/v1/actions/AAAAAAAAAAAAAAAAAAAAAAAA");
    expect(missing.status).toBe(404);
    expectBaseline(missing, "unknown action");
  });

  it("protect public JSON answers and their problems", async () => {
    const health = await request("/health");
    expectBaseline(health, "health");

    const accepted = await request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...validRegistration, nik: "3205015507950402" }),
    });
    expect(accepted.status).toBe(202);
    expectBaseline(accepted, "202 registration");
    const { statusUrl } = (await accepted.json()) as { statusUrl: string };
    const status = await request(new URL(statusUrl).pathname + new URL(statusUrl).search);
    expect(status.status).toBe(200);
    expectBaseline(status, "registration status");

    const invalid = await request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get("content-type")).toContain("application/problem+json");
    expectBaseline(invalid, "422 problem");

    const tooLarge = await request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ padding: "x".repeat(70 * 1024) }),
    });
    expect(tooLarge.status).toBe(413);
    expectBaseline(tooLarge, "413 problem");

    const unknownRegistration = await request("/v1/registrations/tidakada?receipt=ABCD-EFGH");
    expect(unknownRegistration.status).toBe(404);
    expectBaseline(unknownRegistration, "404 registration");

    const unknownPath = await request("/v1/tidak-ada");
    expect(unknownPath.status).toBe(404);
    expectBaseline(unknownPath, "404 path");
  });

  it("protect staff answers, the directory included, and their 401", async () => {
    const bearer = { Authorization: `Bearer ${await staffToken("district", "32.05")}` };
    const directory = await request("/v1/staff/directory/32.05.22.2001", { headers: bearer });
    expect(directory.status).toBe(200);
    expectBaseline(directory, "GET directory");

    const put = await request("/v1/staff/directory/32.05.22.2009", {
      method: "PUT",
      headers: { ...bearer, "Content-Type": "application/json" },
      body: JSON.stringify({ approvers: [{ name: "Kepala Desa Uji", email: "kades.uji@example.go.id" }] }),
    });
    expect(put.status).toBe(200);
    expectBaseline(put, "PUT directory");

    const list = await request("/v1/staff/registrations", { headers: bearer });
    expect(list.status).toBe(200);
    expectBaseline(list, "staff list");

    const unauthorized = await request("/v1/staff/registrations");
    expect(unauthorized.status).toBe(401);
    expectBaseline(unauthorized, "401 problem");
  });

  it("protect the local outbox; only a shown email may use its own inline styles, and still no script", async () => {
    const html = await request("/_dev/mail", { headers: { Accept: "text/html" } });
    expect(html.status).toBe(200);
    expectBaseline(html, "/_dev/mail");
    const json = await request("/_dev/mail", { headers: { Accept: "application/json" } });
    expectBaseline(json, "/_dev/mail json");

    const sent = outbox().list()[0];
    expect(sent, "an email was sent by the earlier tests").toBeDefined();
    const shown = await request(`/_dev/mail/${sent?.id}`, { headers: { Accept: "text/html" } });
    expect(shown.status).toBe(200);
    expect(await shown.text()).toBe(sent?.html);
    expect(shown.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(shown.headers.get("x-frame-options")).toBe("DENY");
    expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
    expect(shown.headers.get("cache-control")).toBe("no-store");

    const missing = await request("/_dev/mail/tidak-ada");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(missing.headers.get("content-security-policy")).not.toContain("script-src");
  });

  it("protect every page people open, its assets and the API reference", async () => {
    const session = await createSession(GARUT_OFFICER, {
      level: "dasar",
      regionCode: "32.05",
      title: "Bimtek Dasar PSM Garut (header)",
      venue: "Aula Dinas Sosial Kabupaten Garut",
      startsAt: `${new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10)}T08:00:00+07:00`,
      endsAt: `${new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10)}T16:00:00+07:00`,
      capacity: 30,
      speakers: [{ name: "Narasumber Kemensos", email: "narasumber@kemensos.example.go.id" }],
    });
    const browser = { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
    const pages = [
      "/",
      "/daftar",
      "/lapor",
      "/status",
      "/lacak",
      "/bimtek",
      "/bimtek?provinsi=32&wilayah=32.05",
    ];
    pages.push(`/bimtek/${session.id}`, "/sertifikat", "/daftar/tidak-ada");
    for (const path of pages) {
      const page = await request(path, { headers: browser });
      expect(page.status, path).toBe(path.endsWith("tidak-ada") ? 404 : 200);
      expect(page.headers.get("content-type"), path).toContain("text/html");
      expectBaseline(page, path);
      expectNothingInline(await page.text(), path);
    }

    const refused = await request("/daftar", {
      method: "POST",
      headers: { ...browser, "Content-Type": "application/x-www-form-urlencoded" },
      body: "fullName=",
    });
    expect(refused.status).toBe(422);
    expectBaseline(refused, "refused /daftar");
    expectNothingInline(await refused.text(), "refused /daftar");

    const html = await (await request("/daftar", { headers: browser })).text();
    const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? "");
    expect(assets, "the stylesheet and the script").toHaveLength(2);
    for (const asset of assets) {
      const response = await request(asset);
      expect(response.status, asset).toBe(200);
      const h = response.headers;
      expect(h.get("content-security-policy"), asset).toBe(PAGE_POLICY);
      expect(h.get("x-content-type-options"), asset).toBe("nosniff");
      expect(h.get("cross-origin-resource-policy"), asset).toBe("same-origin");
      // Fingerprinted: the one answer that may be cached, for good.
      expect(h.get("cache-control"), asset).toContain("immutable");
    }

    // The reference is public and the same for everyone: cacheable, and otherwise protected alike.
    const operation = /href="(\/docs\/[\w-]+)"/.exec(await (await request("/docs")).text())?.[1];
    expect(operation).toBeDefined();
    for (const path of ["/docs", operation ?? "", "/openapi.json"]) {
      const response = await request(path, { headers: path.startsWith("/docs") ? browser : {} });
      expect(response.status, path).toBe(200);
      const h = response.headers;
      expect(h.get("content-security-policy"), path).toBe(PAGE_POLICY);
      expect(h.get("x-frame-options"), path).toBe("DENY");
      expect(h.get("x-content-type-options"), path).toBe("nosniff");
      expect(h.get("referrer-policy"), path).toBe("no-referrer");
      expect(h.get("cache-control"), path).toBe("public, max-age=300");
      if (path.startsWith("/docs")) expectNothingInline(await response.text(), path);
    }
  });
});
