import { headerText } from "./message";

/**
 * The one email renderer: every message has a plain-text and an HTML part built from the same
 * content, readable on a phone (single column, large action buttons, no images).
 */
export interface EmailContent {
  subject: string;
  greeting?: string;
  paragraphs: string[];
  /** Key facts shown as a small table ("Nomor registrasi: …"). */
  facts?: Array<{ label: string; value: string }>;
  actions?: Array<{ label: string; url: string }>;
  footer?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const DEFAULT_FOOTER = "Pesan ini dikirim otomatis oleh SIGAP. Mohon tidak membalas email ini.";

export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

export function renderEmail(content: EmailContent): RenderedEmail {
  const footer = content.footer ?? DEFAULT_FOOTER;
  const textParts = [
    ...(content.greeting ? [content.greeting] : []),
    ...content.paragraphs,
    ...(content.facts?.length ? [content.facts.map((f) => `${f.label}: ${f.value}`).join("\n")] : []),
    ...(content.actions ?? []).map((a) => `${a.label}:\n${a.url}`),
    `--\n${footer}`,
  ];

  const p = (text: string) => `<p style="margin:0 0 16px">${escapeHtml(text)}</p>`;
  const facts = content.facts?.length
    ? `<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${content.facts
        .map(
          (f) =>
            `<tr><td style="padding:4px 12px 4px 0;color:#555">${escapeHtml(f.label)}</td><td style="padding:4px 0"><strong>${escapeHtml(f.value)}</strong></td></tr>`,
        )
        .join("")}</table>`
    : "";
  const actions = (content.actions ?? [])
    .map(
      (a) =>
        `<p style="margin:0 0 12px"><a href="${escapeHtml(a.url)}" style="display:inline-block;padding:12px 20px;background:#0b6e4f;color:#fff;text-decoration:none;border-radius:6px;font-weight:bold">${escapeHtml(a.label)}</a></p>`,
    )
    .join("");
  const html = `<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(content.subject)}</title></head><body style="margin:0;padding:0;background:#f4f4f4"><div style="max-width:560px;margin:0 auto;padding:24px 16px;font:16px/1.5 Arial,Helvetica,sans-serif;color:#222;background:#fff">${
    content.greeting ? p(content.greeting) : ""
  }${content.paragraphs.map(p).join("")}${facts}${actions}<hr style="border:0;border-top:1px solid #ddd;margin:24px 0 12px"><p style="margin:0;font-size:13px;color:#777">${escapeHtml(footer)}</p></div></body></html>`;

  return { subject: headerText(content.subject), text: textParts.join("\n\n"), html };
}
