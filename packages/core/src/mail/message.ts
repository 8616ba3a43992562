import type { RenderedEmail } from "./render";

export interface OutgoingMail extends RenderedEmail {
  to: string[];
}

export interface SentMail extends OutgoingMail {
  id: string;
  links: string[];
  sentAt: string;
}

/**
 * A header value on one line, whatever a caller passes: every run of control characters (CR, LF,
 * NUL, tab, C1), line or paragraph separators and invisible format characters (direction overrides)
 * becomes one space (the joiners some scripts need are kept), so a name like "Siti\r\nBcc: …" can never start a header of its own.
 */
export function headerText(value: string): string {
  return value
    .replace(/(?:[\p{Cc}\p{Zl}\p{Zp}\p{Cs}]|[^\P{Cf}\u200C\u200D])+/gu, " ")
    .replace(/ {2,}/g, " ")
    .trim();
}

/**
 * One bare address (`local@domain`) and nothing else: no display name, no list separators, no
 * whitespace or control characters that could add a recipient or a header.
 */
export function isDeliverableAddress(address: string): boolean {
  return (
    address.length <= 254 && /^[^\s@<>,;:"()[\]\\\p{C}\p{Z}]+@[^\s@<>,;:"()[\]\\\p{C}\p{Z}]+$/u.test(address)
  );
}

/** Every link in a message, in order of appearance, without duplicates. */
export function extractLinks(mail: Pick<OutgoingMail, "text" | "html">): string[] {
  const found = [
    ...[...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] ?? "").replaceAll("&amp;", "&")),
    ...(mail.text.match(/https?:\/\/[^\s<>"]+/g) ?? []),
  ];
  return [...new Set(found)];
}
