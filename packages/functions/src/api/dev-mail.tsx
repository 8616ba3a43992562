import { AppError } from "@sigap/core/error";
import { outbox } from "@sigap/core/mail/outbox";
import { formatLocalTime } from "@sigap/core/time";
import type { Context } from "hono";
import { Hono } from "hono";
import { Page } from "../web/layout";
import { wantsPage } from "./pages";
import { devMailMessageHeaders } from "./secure-headers";

/** The most messages one answer may hold when a limit is given. */
const MAX_MAIL_PAGE = 1000;

/**
 * The messages a list request asks for, newest first: all of them by default (scripts and tests
 * read every link), or `limit` (1–1000) of them after the message `before` (an id from the
 * previous answer). A bad limit or an unknown `before` is a 422.
 */
function requestedMessages(c: Context) {
  const limit = c.req.query("limit");
  const before = c.req.query("before");
  const size = limit !== undefined && /^\d{1,4}$/.test(limit) ? Number(limit) : undefined;
  if (limit !== undefined && (size === undefined || size < 1 || size > MAX_MAIL_PAGE)) {
    throw new AppError("validation", "Batas pesan tidak valid", `Gunakan limit 1–${MAX_MAIL_PAGE}.`, [
      { field: "limit", message: `Limit harus bilangan 1–${MAX_MAIL_PAGE}.` },
    ]);
  }
  const messages = outbox().page({
    ...(size !== undefined ? { limit: size } : {}),
    ...(before !== undefined ? { before } : {}),
  });
  if (!messages) {
    throw new AppError(
      "validation",
      "Pesan acuan tidak ditemukan",
      "Gunakan id pesan dari jawaban sebelumnya.",
      [{ field: "before", message: "Tidak ada pesan dengan id ini di kotak keluar." }],
    );
  }
  // A next page exists when this one is full and older messages remain.
  const last = messages.at(-1);
  const olderRemain =
    size !== undefined &&
    last !== undefined &&
    messages.length === size &&
    outbox().page({ limit: 1, before: last.id })?.length === 1;
  return { messages, next: olderRemain ? `/_dev/mail?limit=${size}&before=${last.id}` : undefined };
}

/**
 * `/_dev/mail`: the local outbox. Mounted only when MAIL_TRANSPORT=outbox, never in production.
 * A page for a browser, JSON otherwise (scripts and tests read the links from it); a `Link` header
 * with rel="next" points at the older messages when a limited answer left some out.
 */
export const devMail = new Hono()
  .get("/", (c) => {
    const { messages, next } = requestedMessages(c);
    if (next) c.header("Link", `<${next}>; rel="next"`);
    if (!wantsPage(c)) {
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
    return c.html(
      <Page title="Kotak keluar lokal">
        <h1>Kotak keluar lokal</h1>
        <p>
          {outbox().size} pesan{messages.length < outbox().size ? `, ${messages.length} ditampilkan` : ""}.
          Email tidak benar-benar dikirim di lingkungan lokal.
        </p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Waktu (WIB)</th>
                <th scope="col">Kepada</th>
                <th scope="col">Subjek</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr>
                  <td>{formatLocalTime(m.sentAt, "32")}</td>
                  <td>{m.to.join(", ")}</td>
                  <td>
                    <a href={`/_dev/mail/${m.id}`}>{m.subject}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {next ? (
          <p>
            <a href={next}>Pesan yang lebih lama</a>
          </p>
        ) : null}
      </Page>,
    );
  })
  .get("/:id", devMailMessageHeaders, (c) => {
    const message = outbox().find(c.req.param("id"));
    if (!message) return c.notFound();
    if (!wantsPage(c)) return c.json(message);
    // The email's own HTML exactly as it was sent (built by the mail renderer, which escaped every
    // value): shown as the mail client would show it, inline styles included.
    return c.html(message.html);
  });
