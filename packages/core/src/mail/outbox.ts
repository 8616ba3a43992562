import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { nowIso } from "../clock";
import { settings } from "../config/settings";
import { extractLinks, type OutgoingMail, type SentMail } from "./message";
import type { SuppressionKind } from "./suppression";

/** SES's mailbox simulator: mail to these is accepted, then bounces or draws a complaint. */
const SIMULATOR: Record<string, SuppressionKind> = {
  "bounce@simulator.amazonses.com": "bounce",
  "complaint@simulator.amazonses.com": "complaint",
};

/**
 * The local stand-in for SES: keeps every message (in memory, and appended to a JSON-lines file when
 * MAIL_OUTBOX_FILE is set so restarts keep it) for `/_dev/mail`.
 */
export class Outbox {
  private readonly messages: SentMail[] = [];
  /** Addresses a test made bounce (beside the SES simulator's own). */
  private readonly failing = new Map<string, SuppressionKind>();

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

  /** From now on, mail to `address` bounces (or draws a complaint), as SES would report it. */
  simulateFeedback(address: string, kind: SuppressionKind = "bounce"): void {
    this.failing.set(address.trim().toLowerCase(), kind);
  }

  /** What SES would report after delivering to `address`; undefined for a mailbox that takes it. */
  feedbackFor(address: string): SuppressionKind | undefined {
    const normalized = address.trim().toLowerCase();
    return SIMULATOR[normalized] ?? this.failing.get(normalized);
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
