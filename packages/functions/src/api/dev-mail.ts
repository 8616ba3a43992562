import { outbox } from "@sigap/core/mail/outbox";
import { escapeHtml } from "@sigap/core/mail/render";
import { formatLocalTime } from "@sigap/core/time";
import { Hono } from "hono";

/** `/_dev/mail`: the local outbox. Mounted only when MAIL_TRANSPORT=outbox, never in production. */
export const devMail = new Hono()
  .get("/", (c) => {
    const messages = outbox().list();
    if (c.req.header("Accept")?.includes("application/json")) {
      return c.json(
        messages.map(({ id, to, subject, text, html, links, sentAt }) => ({
          id,
          to,
          subject,
          text,
          html,
          links,
          sentAt,
        })),
      );
    }
    const rows = messages
      .map(
        (m) =>
          `<tr><td>${escapeHtml(formatLocalTime(m.sentAt, "32"))}</td><td>${escapeHtml(m.to.join(", "))}</td><td><a href="/_dev/mail/${m.id}">${escapeHtml(m.subject)}</a></td></tr>`,
      )
      .join("");
    return c.html(
      `<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Kotak keluar (lokal)</title><style>body{font:15px/1.5 Arial,sans-serif;margin:16px}td,th{padding:6px 10px;border-bottom:1px solid #ddd;text-align:left}</style></head><body><h1>Kotak keluar lokal</h1><p>${messages.length} pesan. Email tidak benar-benar dikirim di lingkungan lokal.</p><table><thead><tr><th>Waktu (WIB)</th><th>Kepada</th><th>Subjek</th></tr></thead><tbody>${rows}</tbody></table></body></html>`,
    );
  })
  .get("/:id", (c) => {
    const message = outbox()
      .list()
      .find((m) => m.id === c.req.param("id"));
    if (!message) return c.notFound();
    if (c.req.header("Accept")?.includes("application/json")) return c.json(message);
    return c.html(message.html);
  });
