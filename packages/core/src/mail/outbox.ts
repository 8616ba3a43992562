import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { nowIso } from "../clock";
import { settings } from "../config/settings";
import { extractLinks, type OutgoingMail, type SentMail } from "./message";

/**
 * The local stand-in for SES: keeps every message (in memory, and appended to a JSON-lines file when
 * MAIL_OUTBOX_FILE is set so restarts keep it) for `/_dev/mail`.
 */
export class Outbox {
  private readonly messages: SentMail[] = [];

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (line.trim()) this.messages.push(JSON.parse(line) as SentMail);
      }
    }
  }

  add(mail: OutgoingMail): SentMail {
    const sent: SentMail = { id: randomUUID(), ...mail, links: extractLinks(mail), sentAt: nowIso() };
    this.messages.push(sent);
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${JSON.stringify(sent)}\n`);
    }
    return sent;
  }

  /** Newest first. */
  list(): SentMail[] {
    return [...this.messages].reverse();
  }
}

let instance: Outbox | undefined;

export function outbox(): Outbox {
  instance ??= new Outbox(settings().mailOutboxFile);
  return instance;
}
