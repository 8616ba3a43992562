/**
 * The pages behind email links, rendered by hono/jsx: what people typed reaches a page and an
 * email escaped, a refused decision comes back with every value kept and every error beside its
 * field, and a form post beyond the body limit gets a page (an API client a problem document).
 */
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

const request = (path: string, init: RequestInit = {}) => stack.app.request(path, init);

/** A name with markup and quotes in it: allowed as a person's text, so it must be escaped everywhere. */
const HOSTILE_NAME = `Siti <b>"Ani"</b> & 'Rahma'`;
const ESCAPED_NAME = "Siti &lt;b&gt;&quot;Ani&quot;&lt;/b&gt; &amp; &#39;Rahma&#39;";

let nikSerial = 500;
/** Registers someone and returns the path of the village head's decision link from the email. */
async function decisionLink(fullName: string): Promise<string> {
  nikSerial += 1;
  const response = await request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...validRegistration, nik: `3205015507950${nikSerial}`, fullName }),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const link = outbox()
      .list()
      .find((m) => m.subject.includes(fullName))
      ?.links.find((l) => l.includes("/v1/actions/"));
    if (link) return new URL(link).pathname;
    if (Date.now() > deadline) throw new Error(`No decision request was mailed for ${fullName}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  request(path, { method: "POST", headers, body: new URLSearchParams(fields) });

/** The opening tag of the element with this id. */
function tagWithId(html: string, id: string): string {
  const tag = new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`).exec(html)?.[0];
  expect(tag, `an element with id="${id}"`).toBeDefined();
  return tag ?? "";
}

/** A page of the shared layout: the site stylesheet, nothing inline the policy would refuse. */
function expectLayoutPage(html: string) {
  expect(html.startsWith("<!doctype html>")).toBe(true);
  expect(html).toContain('<html lang="id">');
  expect(html).toMatch(/<link rel="stylesheet" href="\/assets\/site\.[\w-]+\.css"\/>/);
  expect(html).not.toContain("<style");
  expect(html).not.toMatch(/\sstyle=/);
  expect(html).not.toContain("<script");
}

describe("pages and emails on hono/jsx", () => {
  it("escape a name with markup in the email and on the decision page; the dev outbox lists it escaped", async () => {
    const link = await decisionLink(HOSTILE_NAME);
    const mail = outbox()
      .list()
      .find((m) => m.subject.includes(HOSTILE_NAME));
    expect(mail?.html).toContain(ESCAPED_NAME);
    expect(mail?.html).not.toContain("<b>");

    const page = await request(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expectLayoutPage(html);
    expect(html).toContain(ESCAPED_NAME);
    expect(html).not.toContain("<b>");
    // The form: one labelled radio group, labelled text areas, posting to itself.
    expect(html).toContain('<form method="post">');
    expect(html).toContain('<label for="reason">Alasan</label>');
    expect(html).toContain('<label for="note">Catatan internal</label>');
    expect(tagWithId(html, "decision")).toContain('name="decision"');
    expect(html).not.toContain("autofocus");

    const list = await (await request("/_dev/mail", { headers: { Accept: "text/html" } })).text();
    expectLayoutPage(list);
    expect(list).toContain(ESCAPED_NAME);
    expect(list).not.toContain("<b>");
  });

  it("bring a refused decision back with every value kept and every error beside its field, then record a good one", async () => {
    const link = await decisionLink("Pendaftar Formulir");

    // A rejection needs a reason: the short one is refused, the note and the choice are kept.
    const short = await post(link, { decision: "reject", reason: "abc", note: "Catatan <i>internal</i>" });
    expect(short.status).toBe(422);
    const shortHtml = await short.text();
    expectLayoutPage(shortHtml);
    expect(shortHtml).toContain('role="alert"');
    expect(shortHtml).toContain("Ada 1 isian yang perlu diperbaiki");
    expect(shortHtml).toContain('<a href="#reason">Alasan: Tuliskan alasan untuk pilihan ini');
    const reason = tagWithId(shortHtml, "reason");
    expect(reason).toContain('aria-invalid="true"');
    expect(reason).toContain('aria-describedby="reason-hint reason-error"');
    expect(reason).toContain("autofocus");
    expect(shortHtml).toMatch(/<p class="field-error" id="reason-error">Tuliskan alasan/);
    expect(shortHtml).toMatch(/id="reason"[^>]*>abc<\/textarea>/);
    expect(shortHtml).toMatch(/id="note"[^>]*>Catatan &lt;i&gt;internal&lt;\/i&gt;<\/textarea>/);
    expect(tagWithId(shortHtml, "decision-1")).toMatch(/value="reject"[^>]*checked/);
    expect(tagWithId(shortHtml, "decision")).not.toContain("checked");
    expect(tagWithId(shortHtml, "note")).not.toContain("aria-invalid");

    // No choice and an invisible character in the reason: both at once, focus on the choice first.
    const both = await post(link, { reason: "Tidak memenuhi \u202Esyarat" });
    expect(both.status).toBe(422);
    const bothHtml = await both.text();
    expect(bothHtml).toContain("Ada 2 isian yang perlu diperbaiki");
    expect(bothHtml).toContain('<a href="#decision">Keputusan: Pilih salah satu keputusan.</a>');
    expect(bothHtml).toContain("Alasan mengandung karakter tak terlihat");
    expect(tagWithId(bothHtml, "decision")).toContain("autofocus");
    expect(tagWithId(bothHtml, "reason")).not.toContain("autofocus");
    expect(bothHtml).toMatch(/<fieldset [^>]*aria-describedby="decision-error"/);

    // Nothing was decided: the link still asks.
    expect((await request(link)).status).toBe(200);
    const done = await post(link, { decision: "reject", reason: "Belum berdomisili di desa ini" });
    expect(done.status).toBe(200);
    const doneHtml = await done.text();
    expectLayoutPage(doneHtml);
    expect(doneHtml).toContain("Terima kasih, keputusan Anda tercatat");
    expect(doneHtml).toContain("<dd>Tolak</dd>");
    // Single use: the link now explains itself.
    const gone = await request(link);
    expect(gone.status).toBe(410);
    const goneHtml = await gone.text();
    expectLayoutPage(goneHtml);
    expect(goneHtml).toContain("Tautan hanya dapat dipakai sekali");
  });

  it("answer an unknown link with the shared layout", async () => {
    const missing = await request("/v1/actions/AAAAAAAAAAAAAAAAAAAAAAAA");
    expect(missing.status).toBe(404);
    const html = await missing.text();
    expectLayoutPage(html);
    expect(html).toContain("<h1>Tautan tidak dikenal</h1>");
  });

  it("refuse a form post beyond 64 KB on pages too: a page for a browser, a problem for an API client", async () => {
    const link = await decisionLink("Pendaftar Besar");
    const huge = { decision: "recommend", note: "x".repeat(70 * 1024) };
    for (const path of [link, "/daftar"]) {
      const browser = await post(path, huge, { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" });
      expect(browser.status, path).toBe(413);
      expect(browser.headers.get("content-type"), path).toContain("text/html");
      const html = await browser.text();
      expectLayoutPage(html);
      expect(html).toContain("Data terlalu besar");

      const client = await post(path, huge);
      expect(client.status, path).toBe(413);
      expect(client.headers.get("content-type"), path).toContain("application/problem+json");
    }
    // The oversized post decided nothing.
    expect((await request(link)).status).toBe(200);
  });

  it("negotiate in one way: a page for Accept text/html, JSON otherwise, and always Vary: Accept", async () => {
    const browser = { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
    const cases: Array<[string, number]> = [
      ["/v1/certificates/TIDAKADA", 404],
      ["/_dev/mail", 200],
    ];
    for (const [path, status] of cases) {
      const page = await request(path, { headers: browser });
      expect(page.status, path).toBe(status);
      expect(page.headers.get("content-type"), path).toContain("text/html");
      expect(page.headers.get("vary"), path).toBe("Accept");
      expectLayoutPage(await page.text());
      for (const accept of [undefined, "*/*", "application/json"]) {
        const machine = await request(path, accept ? { headers: { Accept: accept } } : {});
        expect(machine.status, `${path} ${accept}`).toBe(status);
        expect(machine.headers.get("content-type"), `${path} ${accept}`).toMatch(
          /^application\/(problem\+)?json/,
        );
        expect(machine.headers.get("vary"), `${path} ${accept}`).toBe("Accept");
      }
    }
  });

  it("answer a browser with a page whatever goes wrong, and an API client with the same problem as JSON", async () => {
    const browser = "text/html,application/xhtml+xml,*/*;q=0.8";
    for (const path of [
      "/dafter",
      "/DAFTAR",
      "/daftar/",
      "/docs/tidak-ada",
      "/favicon.ico",
      "/v1/tidak-ada",
    ]) {
      const page = await request(path, { headers: { Accept: browser } });
      expect(page.status, path).toBe(404);
      expect(page.headers.get("content-type"), path).toContain("text/html");
      // (The reference's pages also vary by Accept-Encoding: they are compressed.)
      expect(page.headers.get("vary"), path).toMatch(/^Accept(, Accept-Encoding)?$/);
      const html = await page.text();
      expectLayoutPage(html);
      expect(html, path).toMatch(/<h1>(Alamat|Endpoint) tidak ditemukan<\/h1>/);
      expect(html, path).toContain('<a href="/">halaman utama</a>');

      const client = await request(path);
      expect(client.status, path).toBe(404);
      expect(client.headers.get("content-type"), path).toContain("application/problem+json");
      expect(((await client.json()) as { type: string }).type, path).toBe(
        "https://sigap.kemensos.go.id/problems/not-found",
      );
    }

    // Form posts the body reader refuses, as a page: what was wrong and the way back to the form.
    const refused: Array<[string, string | Uint8Array | FormData, Record<string, string>, number, string]> = [
      [
        "malformed %",
        "fullName=%E0%A4%A",
        { "Content-Type": "application/x-www-form-urlencoded" },
        400,
        "bukan teks UTF-8",
      ],
      [
        "non-UTF-8 bytes",
        new Uint8Array([0x66, 0x3d, 0xff, 0xfe]),
        { "Content-Type": "application/x-www-form-urlencoded" },
        400,
        "bukan teks UTF-8",
      ],
      [
        "ISO-8859-1",
        "fullName=Ani",
        { "Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1" },
        415,
        "UTF-8",
      ],
      ["text/plain", "fullName=Ani", { "Content-Type": "text/plain" }, 415, "Format data tidak didukung"],
      ["no Content-Type", new Uint8Array([0x61]), {}, 415, "Format data tidak didukung"],
      [
        "broken multipart",
        "--x\r\nbroken",
        { "Content-Type": "multipart/form-data" },
        400,
        "tidak dapat dibaca",
      ],
    ];
    const file = new FormData();
    file.append("fullName", "Ani");
    file.append("ktp", new Blob(["x"], { type: "image/png" }), "ktp.png");
    refused.push(["a file field", file, {}, 400, "tidak menerima berkas"]);
    for (const [label, body, headers, status, text] of refused) {
      const page = await request("/daftar", {
        method: "POST",
        headers: { ...headers, Accept: browser },
        body,
      });
      expect(page.status, label).toBe(status);
      expect(page.headers.get("content-type"), label).toContain("text/html");
      const html = await page.text();
      expectLayoutPage(html);
      expect(html, label).toContain(text);
      expect(html, label).toContain("Kembali ke formulir dengan tombol Kembali");

      const client = await request("/daftar", { method: "POST", headers, body });
      expect(client.status, label).toBe(status);
      expect(client.headers.get("content-type"), label).toContain("application/problem+json");
    }
  });
});
