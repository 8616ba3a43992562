import { randomUUID } from "node:crypto";
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { appendFile, mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { nowIso } from "../clock";
import { settings } from "../config/settings";
import { logger } from "../log";
import { extractLinks, type OutgoingMail, type SentMail } from "./message";
import type { SuppressionKind } from "./suppression";

/** SES's mailbox simulator: mail to these is accepted, then bounces or draws a complaint. */
const SIMULATOR: Record<string, SuppressionKind> = {
  "bounce@simulator.amazonses.com": "bounce",
  "complaint@simulator.amazonses.com": "complaint",
};

/** Where a message written to the outbox file is: its line's byte offset and length. */
interface Line {
  offset: number;
  length: number;
}

/** Bytes read from the outbox file at a time while indexing it at start-up. */
const INDEX_CHUNK = 1 << 20;

/**
 * The local stand-in for SES: keeps every message for `/_dev/mail` — in memory when there is no
 * file (tests), otherwise appended to a JSON-lines file (MAIL_OUTBOX_FILE) so restarts keep it.
 * With a file, memory holds only an index (each message's id and the place of its line) and the
 * messages not yet written: bodies are read back from the file when asked for, so memory stays
 * flat however much mail the stack sends (about 2 KB a message otherwise).
 * Appends never block the event loop: messages queue and are written in order, in batches; `add`
 * resolves once its message is in the file, so a message confirmed as sent survives a crash.
 * One writer per file: the index holds byte offsets this outbox worked out itself, so a second
 * process appending to the same file would shift lines under it (`npm start` runs one stack per
 * data folder).
 */
export class Outbox {
  /**
   * Oldest first: where each message is — its line in the file, or the message itself while its
   * line waits to be written (or could not be, and then for good).
   */
  private readonly entries: Array<Line | SentMail> = [];
  /** Position of each message in `entries`, for lookups by id without a scan. */
  private readonly positions = new Map<string, number>();
  /** Addresses a test made bounce (beside the SES simulator's own). */
  private readonly failing = new Map<string, SuppressionKind>();
  /** Lines waiting for the next write (with their positions), and the callers waiting on them. */
  private queued: { lines: string[]; positions: number[]; settle: Array<(error?: unknown) => void> } = {
    lines: [],
    positions: [],
    settle: [],
  };
  /** The write in progress; the next batch starts after it, so lines stay in order. */
  private writing: Promise<void> | undefined;
  /** The file's length in bytes as this outbox left it: where the next line starts. */
  private fileEnd = 0;
  /**
   * The file may end inside a line (cut short by a crash, or by a failed write of ours): the next
   * write starts with a newline so that the line after it stays whole.
   */
  private endsMidLine = false;
  /** A write failed part-way, maybe: the file's real end is read again before the next one. */
  private endUnknown = false;
  /** Lines of the file that were not a message (cut short, say) and were left out at start-up. */
  readonly skippedLines: number = 0;

  constructor(private readonly file?: string) {
    // Indexed once at start-up, before anything is served, a chunk at a time: only ids are kept.
    if (file && existsSync(file)) this.skippedLines = this.index(file);
    if (this.skippedLines > 0) {
      logger.warn("Outbox lines skipped: not a message", { file, skippedLines: this.skippedLines });
    }
  }

  /** Indexes every line that is a message; answers how many lines were not (and were skipped). */
  private index(file: string): number {
    let skipped = 0;
    const take = (text: string, line: Line) => {
      if (!text.trim()) return;
      const id = messageId(text);
      if (id === undefined) skipped++;
      else this.remember(id, line);
    };
    const descriptor = openSync(file, "r");
    try {
      const chunk = Buffer.alloc(INDEX_CHUNK);
      let carried = Buffer.alloc(0);
      let fileOffset = 0;
      for (;;) {
        const read = readSync(descriptor, chunk, 0, chunk.length, fileOffset);
        if (read === 0) break;
        let pending = Buffer.concat([carried, chunk.subarray(0, read)]);
        let lineStart = fileOffset - carried.length;
        fileOffset += read;
        for (let newline = pending.indexOf(10); newline !== -1; newline = pending.indexOf(10)) {
          take(pending.toString("utf8", 0, newline), { offset: lineStart, length: newline });
          lineStart += newline + 1;
          pending = pending.subarray(newline + 1);
        }
        carried = Buffer.from(pending);
      }
      // A last line without its newline: written by an older version, or cut short by a crash.
      // Kept if it is a whole message; either way the next append starts on a line of its own.
      take(carried.toString("utf8"), { offset: fileOffset - carried.length, length: carried.length });
      this.fileEnd = fileOffset;
      this.endsMidLine = carried.length > 0;
    } finally {
      closeSync(descriptor);
    }
    return skipped;
  }

  private remember(id: string, entry: Line | SentMail): number {
    const position = this.entries.length;
    this.positions.set(id, position);
    this.entries.push(entry);
    return position;
  }

  /** Keeps the message (listed at once) and resolves once it is written to the outbox file. */
  async add(mail: OutgoingMail): Promise<SentMail> {
    const sent: SentMail = { id: randomUUID(), ...mail, links: extractLinks(mail), sentAt: nowIso() };
    const position = this.remember(sent.id, sent);
    if (this.file) await this.append(`${JSON.stringify(sent)}\n`, position);
    return sent;
  }

  private append(line: string, position: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.lines.push(line);
      this.queued.positions.push(position);
      this.queued.settle.push((error) => (error === undefined ? resolve() : reject(error)));
      this.writing ??= this.writeQueued();
    });
  }

  /** Writes queued lines batch by batch until none are left. */
  private async writeQueued(): Promise<void> {
    const file = this.file as string;
    while (this.queued.lines.length > 0) {
      const batch = this.queued;
      this.queued = { lines: [], positions: [], settle: [] };
      let failure: unknown;
      try {
        await mkdir(dirname(file), { recursive: true });
        if (this.endUnknown) await this.findEnd(file);
        const separator = this.endsMidLine ? "\n" : "";
        const bytes = Buffer.from(separator + batch.lines.join(""));
        // Should the append fail part-way, the file's end is no longer known.
        this.endUnknown = true;
        await appendFile(file, bytes);
        this.endUnknown = false;
        this.endsMidLine = false;
        // Only now are the lines in the file: their messages are read from there from now on.
        let offset = this.fileEnd + separator.length;
        this.fileEnd += bytes.length;
        batch.lines.forEach((line, i) => {
          const length = Buffer.byteLength(line) - 1; // without the newline
          this.entries[batch.positions[i] as number] = { offset, length };
          offset += length + 1;
        });
      } catch (error) {
        failure = error ?? new Error("Outbox write failed");
      }
      for (const settle of batch.settle) settle(failure);
    }
    this.writing = undefined;
  }

  /** After a failed write: where the file ends now, and whether that is inside a line. */
  private async findEnd(file: string): Promise<void> {
    this.fileEnd = existsSync(file) ? (await stat(file)).size : 0;
    const last = Buffer.alloc(1);
    if (this.fileEnd > 0) {
      const descriptor = openSync(file, "r");
      try {
        readSync(descriptor, last, 0, 1, this.fileEnd - 1);
      } finally {
        closeSync(descriptor);
      }
    }
    this.endsMidLine = this.fileEnd > 0 && last[0] !== 10;
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
    return this.entries.length;
  }

  /** Newest first. */
  list(): SentMail[] {
    return this.read(0, this.entries.length);
  }

  /**
   * Newest first: at most `limit` messages (all when unset), starting after the message `before`
   * (its id, from the previous page). Undefined when `before` is not a message of this outbox.
   */
  page(options: { limit?: number; before?: string } = {}): SentMail[] | undefined {
    let end = this.entries.length;
    if (options.before !== undefined) {
      const position = this.positions.get(options.before);
      if (position === undefined) return undefined;
      end = position;
    }
    const start = options.limit === undefined ? 0 : Math.max(0, end - options.limit);
    return this.read(start, end);
  }

  find(id: string): SentMail | undefined {
    const position = this.positions.get(id);
    return position === undefined ? undefined : this.read(position, position + 1)[0];
  }

  /**
   * The messages at positions [start, end), newest first. Lines written to the file are read with
   * one synchronous read of the span they cover: `/_dev/mail` is a local tool, a page is small,
   * and callers (tests among them) expect the answer at once.
   */
  private read(start: number, end: number): SentMail[] {
    const slice = this.entries.slice(start, end);
    const lines = slice.filter((entry): entry is Line => !isMessage(entry));
    const first = lines[0];
    const last = lines.at(-1);
    let span = Buffer.alloc(0);
    if (this.file && first && last) {
      span = Buffer.alloc(last.offset + last.length - first.offset);
      const descriptor = openSync(this.file, "r");
      try {
        readSync(descriptor, span, 0, span.length, first.offset);
      } finally {
        closeSync(descriptor);
      }
    }
    const base = first?.offset ?? 0;
    return slice
      .map((entry) =>
        isMessage(entry)
          ? entry
          : (JSON.parse(
              span.toString("utf8", entry.offset - base, entry.offset - base + entry.length),
            ) as SentMail),
      )
      .reverse();
  }
}

/** The id of the message a line holds; undefined for a line that is not one (cut short, say). */
function messageId(line: string): string | undefined {
  try {
    const { id } = JSON.parse(line) as Partial<Pick<SentMail, "id">>;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

function isMessage(entry: Line | SentMail): entry is SentMail {
  return "id" in entry;
}

let instance: Outbox | undefined;

export function outbox(): Outbox {
  instance ??= new Outbox(settings().mailOutboxFile);
  return instance;
}
