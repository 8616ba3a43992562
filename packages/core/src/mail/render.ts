import { emailHtml } from "./email-layout";
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

export function renderEmail(content: EmailContent): RenderedEmail {
  const footer = content.footer ?? DEFAULT_FOOTER;
  const textParts = [
    ...(content.greeting ? [content.greeting] : []),
    ...content.paragraphs,
    ...(content.facts?.length ? [content.facts.map((f) => `${f.label}: ${f.value}`).join("\n")] : []),
    ...(content.actions ?? []).map((a) => `${a.label}:\n${a.url}`),
    `--\n${footer}`,
  ];

  return {
    subject: headerText(content.subject),
    text: textParts.join("\n\n"),
    html: emailHtml(content, footer),
  };
}
