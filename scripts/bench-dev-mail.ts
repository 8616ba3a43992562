/**
 * `/_dev/mail` with a full outbox: time and bytes of the default answer (every message) against a
 * page (`?limit=50`, then the next page by `before`). Prints numbers; run with:
 *   MAIL_TRANSPORT=outbox node --import tsx scripts/bench-dev-mail.ts [messages=36720]
 */
import { outbox } from "@sigap/core/mail/outbox";
import { devMail } from "../packages/functions/src/api/dev-mail";

const total = Number(process.argv[2] ?? 36_720);
const paragraph = "Kepala desa diminta memeriksa pendaftaran calon PSM melalui tautan berikut. ".repeat(12);
for (let n = 0; n < total; n++) {
  await outbox().add({
    to: [`kades${n}@example.com`],
    subject: `Pendaftaran PSM ${n}`,
    text: `${paragraph} https://sigap.example/a/${n}`,
    html: `<p>${paragraph}</p><p><a href="https://sigap.example/a/${n}">Buka</a></p>`,
  });
}

async function timed(path: string): Promise<{ ms: number; bytes: number; next: string | null }> {
  const started = performance.now();
  const response = await devMail.request(path, { headers: { Accept: "application/json" } });
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, bytes: body.byteLength, next: response.headers.get("link") };
}

const all = await timed("/");
const page = await timed("/?limit=50");
const nextPath = page.next?.match(/<\/_dev\/mail([^>]+)>/)?.[1] ?? "/?limit=50";
const second = await timed(nextPath);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
console.log(`/_dev/mail with ${total} messages in the outbox:`);
console.log(`  every message (default): ${all.ms.toFixed(0)} ms, ${mb(all.bytes)} MB`);
console.log(`  ?limit=50:               ${page.ms.toFixed(1)} ms, ${(page.bytes / 1024).toFixed(0)} KB`);
console.log(`  next page (before=…):    ${second.ms.toFixed(1)} ms, ${(second.bytes / 1024).toFixed(0)} KB`);
