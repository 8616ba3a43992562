import { randomUUID } from "node:crypto";
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where a spilled text lies in the spill file. */
export interface SpillRef {
  readonly offset: number;
  readonly length: number;
}

/**
 * An append-only file holding texts out of the heap: what a parked execution keeps (its history and
 * input) while it waits, often for days, for a person. Opened on the first write and truncated then
 * (the engine keeps nothing across restarts), unlinked at once where the platform allows it (the
 * open descriptor keeps it readable and nothing is left behind), else deleted on close. Reads and
 * writes are synchronous: a few kilobytes, from the page cache, once per park, resume or history read.
 */
export class SpillFile {
  private fd: number | undefined;
  private path: string | undefined;
  private size = 0;

  constructor(private readonly directory: string = tmpdir()) {}

  write(text: string): SpillRef {
    const bytes = Buffer.from(text, "utf8");
    const fd = this.open();
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(fd, bytes, written, bytes.length - written, this.size + written);
    }
    const ref = { offset: this.size, length: bytes.length };
    this.size += bytes.length;
    return ref;
  }

  read(ref: SpillRef): string {
    if (this.fd === undefined) throw new Error("Spill file read before any write");
    const bytes = Buffer.allocUnsafe(ref.length);
    let read = 0;
    while (read < ref.length) {
      const n = readSync(this.fd, bytes, read, ref.length - read, ref.offset + read);
      if (n === 0) throw new Error(`Spill file ended at ${ref.offset + read}`);
      read += n;
    }
    return bytes.toString("utf8");
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.size = 0;
    this.removeFile();
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    this.path = join(this.directory, `sigap-sfn-parked-${process.pid}-${randomUUID()}.spill`);
    this.fd = openSync(this.path, "w+", 0o600);
    this.removeFile();
    return this.fd;
  }

  /** On POSIX the open descriptor keeps an unlinked file readable; Windows refuses (then: on close). */
  private removeFile(): void {
    if (this.path === undefined) return;
    try {
      unlinkSync(this.path);
      this.path = undefined;
    } catch {
      // Still open on Windows: removed by close().
    }
  }
}
