import { describe, expect, it } from "vitest";
import { extractLinks } from "./message";
import { renderEmail } from "./render";

describe("renderEmail", () => {
  const email = renderEmail({
    subject: "Permohonan rekomendasi",
    greeting: "Yth. Kepala Desa Sukamaju,",
    paragraphs: ['Warga <Budi> & "keluarga" mendaftar sebagai PSM.'],
    facts: [{ label: "NIK", value: "3202********0001" }],
    actions: [{ label: "Buka permohonan", url: "http://localhost:3000/v1/actions/abc?x=1&y=2" }],
  });

  it("builds a text part with every paragraph, fact and link", () => {
    expect(email.text).toContain("Yth. Kepala Desa Sukamaju,");
    expect(email.text).toContain('Warga <Budi> & "keluarga" mendaftar sebagai PSM.');
    expect(email.text).toContain("NIK: 3202********0001");
    expect(email.text).toContain("Buka permohonan:\nhttp://localhost:3000/v1/actions/abc?x=1&y=2");
  });

  it("escapes text in the HTML part", () => {
    expect(email.html).toContain("Warga &lt;Budi&gt; &amp; &quot;keluarga&quot;");
    expect(email.html).not.toContain("<Budi>");
    expect(email.html).toContain('lang="id"');
  });

  it("escapes every value it places, in facts, link labels, attributes and the title too", () => {
    const hostile = renderEmail({
      subject: "Subjek <b>tebal</b>",
      paragraphs: [],
      facts: [{ label: "Nama <i>", value: "Siti & </td><script>" }],
      actions: [{ label: "<img src=x>", url: 'http://localhost:3000/v1/actions/abc?x="><script>' }],
      footer: "</div>",
    });
    expect(hostile.html.startsWith("<!doctype html>")).toBe(true);
    expect(hostile.html).toContain("<title>Subjek &lt;b&gt;tebal&lt;/b&gt;</title>");
    expect(hostile.html).toContain("Nama &lt;i&gt;");
    expect(hostile.html).toContain("<strong>Siti &amp; &lt;/td&gt;&lt;script&gt;</strong>");
    expect(hostile.html).toContain('href="http://localhost:3000/v1/actions/abc?x=&quot;&gt;&lt;script&gt;"');
    expect(hostile.html).toContain("&lt;img src=x&gt;");
    expect(hostile.html).toContain("&lt;/div&gt;");
    for (const tag of ["<script", "<img", "<b>", "<i>"]) expect(hostile.html).not.toContain(tag);
  });

  it("yields the same links from both parts, unescaped, once each", () => {
    expect(extractLinks(email)).toEqual(["http://localhost:3000/v1/actions/abc?x=1&y=2"]);
  });
});
