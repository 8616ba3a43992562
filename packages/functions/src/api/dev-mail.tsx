import { outbox } from "@sigap/core/mail/outbox";
import { formatLocalTime } from "@sigap/core/time";
import { Hono } from "hono";
import { Page } from "../web/layout";
import { wantsPage } from "./pages";
import { devMailMessageHeaders } from "./secure-headers";

/**
 * `/_dev/mail`: the local outbox. Mounted only when MAIL_TRANSPORT=outbox, never in production.
 * A page for a browser, JSON otherwise (scripts and tests read the links from it).
 */
export const devMail = new Hono()
  .get("/", (c) => {
    const messages = outbox().list();
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
        <p>{messages.length} pesan. Email tidak benar-benar dikirim di lingkungan lokal.</p>
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
      </Page>,
    );
  })
  .get("/:id", devMailMessageHeaders, (c) => {
    const message = outbox()
      .list()
      .find((m) => m.id === c.req.param("id"));
    if (!message) return c.notFound();
    if (!wantsPage(c)) return c.json(message);
    // The email's own HTML exactly as it was sent (built by the mail renderer, which escaped every
    // value): shown as the mail client would show it, inline styles included.
    return c.html(message.html);
  });
