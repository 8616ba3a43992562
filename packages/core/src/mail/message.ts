import type { RenderedEmail } from "./render";

export interface OutgoingMail extends RenderedEmail {
  to: string[];
}

export interface SentMail extends OutgoingMail {
  id: string;
  links: string[];
  sentAt: string;
}

/** Every link in a message, in order of appearance, without duplicates. */
export function extractLinks(mail: Pick<OutgoingMail, "text" | "html">): string[] {
  const found = [
    ...[...mail.html.matchAll(/href="([^"]+)"/g)].map((m) => (m[1] ?? "").replaceAll("&amp;", "&")),
    ...(mail.text.match(/https?:\/\/[^\s<>"]+/g) ?? []),
  ];
  return [...new Set(found)];
}
