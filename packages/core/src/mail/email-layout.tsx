import { raw } from "hono/html";
import type { FC } from "hono/jsx";
import { renderToString } from "../html/render";
import type { EmailContent } from "./render";

/**
 * The HTML part of every email: one column readable on a phone, large action buttons, no images.
 * Email clients drop stylesheets, so styles are inline here (and only here); hono/jsx escapes
 * every value, the doctype being the one constant written raw.
 */
const EmailLayout: FC<{ content: EmailContent; footer: string }> = ({ content, footer }) => (
  <>
    {raw("<!doctype html>")}
    <html lang="id">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{content.subject}</title>
      </head>
      <body style="margin:0;padding:0;background:#f4f4f4">
        <div style="max-width:560px;margin:0 auto;padding:24px 16px;font:16px/1.5 Arial,Helvetica,sans-serif;color:#222;background:#fff">
          {content.greeting ? <Paragraph text={content.greeting} /> : null}
          {content.paragraphs.map((text) => (
            <Paragraph text={text} />
          ))}
          {content.facts?.length ? (
            <table role="presentation" style="border-collapse:collapse;margin:0 0 16px">
              {content.facts.map((f) => (
                <tr>
                  <td style="padding:4px 12px 4px 0;color:#555">{f.label}</td>
                  <td style="padding:4px 0">
                    <strong>{f.value}</strong>
                  </td>
                </tr>
              ))}
            </table>
          ) : null}
          {(content.actions ?? []).map((a) => (
            <p style="margin:0 0 12px">
              <a
                href={a.url}
                style="display:inline-block;padding:12px 20px;background:#0b6e4f;color:#fff;text-decoration:none;border-radius:6px;font-weight:bold"
              >
                {a.label}
              </a>
            </p>
          ))}
          <hr style="border:0;border-top:1px solid #ddd;margin:24px 0 12px" />
          <p style="margin:0;font-size:13px;color:#555">{footer}</p>
        </div>
      </body>
    </html>
  </>
);

const Paragraph: FC<{ text: string }> = ({ text }) => <p style="margin:0 0 16px">{text}</p>;

/** The HTML part of `content`, as the one email renderer (./render) sends it. */
export function emailHtml(content: EmailContent, footer: string): string {
  return renderToString(<EmailLayout content={content} footer={footer} />);
}
