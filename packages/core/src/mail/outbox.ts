import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { appendFile, mkdir } from "node:fs/promises";
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
 * Appends never block the event loop: messages queue and are written in order, in batches; `add`
 * resolves once its message is in the file, so a message confirmed as sent survives a crash.
 */
export class Outbox {
  /** Oldest first. */
  private readonly messages: SentMail[] = [];
  /** Position of each message in `messages`, for lookups by id without a scan. */
  private readonly positions = new Map<string, number>();
  /** Addresses a test made bounce (beside the SES simulator's own). */
  private readonly failing = new Map<string, SuppressionKind>();
  /** Lines waiting for the next write, and the callers waiting on them. */
  private queued: { lines: string[]; settle: Array<(error?: unknown) => void> } = { lines: [], settle: [] };
  /** The write in progress; the next batch starts after it, so lines stay in order. */
  private writing: Promise<void> | undefined;

  constructor(private readonly file?: string) {
    // Read once at start-up, before anything is served.
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (line.trim()) this.remember(JSON.parse(line) as SentMail);
      }
    }
  }

  private remember(sent: SentMail): void {
    this.positions.set(sent.id, this.messages.length);
    this.messages.push(sent);
  }

  /** Keeps the message (listed at once) and resolves once it is written to the outbox file. */
  async add(mail: OutgoingMail): Promise<SentMail> {
    const sent: SentMail = { id: randomUUID(), ...mail, links: extractLinks(mail), sentAt: nowIso() };
    this.remember(sent);
    if (this.file) await this.append(`${JSON.stringify(sent)}\n`);
    return sent;
  }

  private append(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.lines.push(line);
      this.queued.settle.push((error) => (error === undefined ? resolve() : reject(error)));
      this.writing ??= this.writeQueued();
    });
  }

  /** Writes queued lines batch by batch until none are left. */
  private async writeQueued(): Promise<void> {
    const file = this.file as string;
    while (this.queued.lines.length > 0) {
      const batch = this.queued;
      this.queued = { lines: [], settle: [] };
      let failure: unknown;
      try {
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, batch.lines.join(""));
      } catch (error) {
        failure = error ?? new Error("Outbox write failed");
      }
      for (const settle of batch.settle) settle(failure);
    }
    this.writing = undefined;
  }

  /** Resolves once every message added so far is in the outbox file (before a clean stop). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
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

  get size(): number {
    return this.messages.length;
  }

  /** Newest first. */
  list(): SentMail[] {
    return [...this.messages].reverse();
  }

  /**
   * Newest first: at most `limit` messages (all when unset), starting after the message `before`
   * (its id, from the previous page). Undefined when `before` is not a message of this outbox.
   */
  page(options: { limit?: number; before?: string } = {}): SentMail[] | undefined {
    let end = this.messages.length;
    if (options.before !== undefined) {
      const position = this.positions.get(options.before);
      if (position === undefined) return undefined;
      end = position;
    }
    const start = options.limit === undefined ? 0 : Math.max(0, end - options.limit);
    return this.messages.slice(start, end).reverse();
  }

  find(id: string): SentMail | undefined {
    const position = this.positions.get(id);
    return position === undefined ? undefined : this.messages[position];
  }
}

let instance: Outbox | undefined;

export function outbox(): Outbox {
  instance ??= new Outbox(settings().mailOutboxFile);
  return instance;
}
