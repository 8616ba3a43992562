import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SentMail } from "./message";
import { Outbox } from "./outbox";

/** Lets a test make the next append fail part-way, as a full disk or a crash would. */
const appendFault = vi.hoisted(() => ({ writeBeforeFailing: undefined as number | undefined }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...actual,
    appendFile: async (...args: Parameters<typeof actual.appendFile>) => {
      const cut = appendFault.writeBeforeFailing;
      if (cut === undefined) return actual.appendFile(...args);
      appendFault.writeBeforeFailing = undefined;
      const [file, data] = args;
      await actual.appendFile(file, Buffer.from(data as Uint8Array).subarray(0, cut));
      throw new Error("ENOSPC: no space left on device, write");
    },
  };
});

const mail = (n: number) => ({
  to: [`orang${n}@example.com`],
  subject: `Pesan ${n}`,
  text: `Isi ${n} https://example.com/${n}`,
  html: `<p>Isi ${n}</p>`,
});
/** A message of about 2 KB, with characters of several bytes (offsets are in bytes, not characters). */
const longMail = (n: number) => ({
  to: [`orang${n}@example.com`],
  subject: `Pesan ${n} — pendaftaran “Siti” ✓`,
  text: `Isi ${n} https://example.com/${n} ${"é".repeat(400)}`,
  html: `<p>Isi ${n} ${"ñ".repeat(600)}</p>`,
});
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;
const folders: string[] = [];
const folder = () => {
  const path = mkdtempSync(join(tmpdir(), "outbox-"));
  folders.push(path);
  return path;
};
afterEach(() => {
  for (const path of folders.splice(0)) rmSync(path, { recursive: true, force: true });
});
const linesOf = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { id: string }).id);

describe("the local outbox", () => {
  it("appends without blocking, in order, and has every confirmed message in its file", async () => {
    const file = join(folder(), "mail", "outbox.jsonl");
    const box = new Outbox(file);
    const sending = Array.from({ length: 300 }, (_, n) => box.add(mail(n)));
    // Listed at once, written later: the file does not exist until the event loop runs.
    expect(box.size).toBe(300);
    expect(() => readFileSync(file)).toThrow();
    const sent = await Promise.all(sending);
    expect(linesOf(file)).toEqual(sent.map((m) => m.id));

    // Added without waiting, then flushed (what the stack does before it stops).
    const more = [box.add(mail(300)), box.add(mail(301))];
    await box.flushed();
    const [a, b] = await Promise.all(more);
    expect(linesOf(file).slice(-2)).toEqual([a?.id, b?.id]);

    // A restart reads them back, newest first.
    const restarted = new Outbox(file);
    expect(restarted.size).toBe(302);
    expect(restarted.page({ limit: 1 })?.[0]?.id).toBe(b?.id);
    expect(restarted.find(sent[7]?.id as string)?.subject).toBe("Pesan 7");
  });

  it("refuses a message it could not write, and keeps writing the ones after it", async () => {
    const root = folder();
    writeFileSync(join(root, "not-a-folder"), "");
    const broken = new Outbox(join(root, "not-a-folder", "outbox.jsonl"));
    await expect(broken.add(mail(1))).rejects.toThrow();
    const file = join(root, "outbox.jsonl");
    const box = new Outbox(file);
    const sent = await box.add(mail(2));
    expect(linesOf(file)).toEqual([sent.id]);
  });

  it("starts despite a last line cut short, skipping it, and appends after it on a line of its own", async () => {
    const file = join(folder(), "outbox.jsonl");
    const first = new Outbox(file);
    const kept = [await first.add(mail(1)), await first.add(mail(2))];
    // A crash during the append: the last line stops half-way, with no newline.
    appendFileSync(file, JSON.stringify({ id: "terpotong", ...mail(3) }).slice(0, 40));

    const restarted = new Outbox(file);
    expect(restarted.skippedLines).toBe(1);
    expect(restarted.list().map((m) => m.id)).toEqual(kept.map((m) => m.id).reverse());
    const after = await restarted.add(mail(4));
    expect(restarted.find(after.id)?.subject).toBe("Pesan 4");
    expect(restarted.page({ limit: 1 })?.[0]?.id).toBe(after.id);

    const again = new Outbox(file);
    expect(again.skippedLines).toBe(1);
    expect(again.list().map((m) => m.id)).toEqual([after.id, ...kept.map((m) => m.id).reverse()]);
    expect(again.find(after.id)).toEqual(after);
  });

  it("keeps a whole last line written without its newline, and a line that is not a message is skipped", async () => {
    const file = join(folder(), "outbox.jsonl");
    const older = { id: "lama", ...mail(1), links: [], sentAt: "2025-01-01T00:00:00.000Z" };
    writeFileSync(file, `bukan json\n{"tanpa":"id"}\n${JSON.stringify(older)}`);
    const box = new Outbox(file);
    expect(box.skippedLines).toBe(2);
    expect(box.find("lama")).toEqual(older);
    const sent = await box.add(mail(2));
    const restarted = new Outbox(file);
    expect(restarted.list()).toEqual([sent, older]);
  });

  it("after a write that failed part-way, the next message still lands on a whole line", async () => {
    const file = join(folder(), "outbox.jsonl");
    const box = new Outbox(file);
    const before = await box.add(mail(1));
    appendFault.writeBeforeFailing = 25;
    await expect(box.add(mail(2))).rejects.toThrow("ENOSPC");
    const after = await box.add(mail(3));
    expect(box.find(after.id)).toEqual(after);
    expect(box.find(before.id)).toEqual(before);

    const restarted = new Outbox(file);
    expect(restarted.skippedLines).toBe(1);
    expect(restarted.list().map((m) => m.id)).toEqual([after.id, before.id]);
    expect(restarted.find(after.id)).toEqual(after);
  });

  it("pages newest first by limit and before", async () => {
    const box = new Outbox();
    const sent = [];
    for (let n = 0; n < 5; n++) sent.push(await box.add(mail(n)));
    const ids = (page: Array<{ id: string }> | undefined) => page?.map((m) => m.id);
    expect(ids(box.page())).toEqual(sent.map((m) => m.id).reverse());
    expect(ids(box.page({ limit: 2 }))).toEqual([sent[4]?.id, sent[3]?.id]);
    expect(ids(box.page({ limit: 2, before: sent[3]?.id as string }))).toEqual([sent[2]?.id, sent[1]?.id]);
    expect(ids(box.page({ limit: 2, before: sent[1]?.id as string }))).toEqual([sent[0]?.id]);
    expect(ids(box.page({ before: sent[0]?.id as string }))).toEqual([]);
    expect(box.page({ before: "tidak-ada" })).toBeUndefined();
  });

  it("with a file, keeps no message once written and answers as an outbox in memory does", async () => {
    const file = join(folder(), "outbox.jsonl");
    const box = new Outbox(file);
    const memory = new Outbox();
    // Over a megabyte of lines: a restart indexes the file in more than one chunk.
    const written = new WeakRef(await box.add(longMail(0)));
    for (let n = 1; n < 700; n++) await Promise.all([box.add(longMail(n)), memory.add(longMail(n))]);
    // Not yet written: listed from memory, in order with the rest.
    const unwritten = box.add(longMail(700));
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(written.deref(), "the first message is read back from the file, not kept").toBeUndefined();

    const withoutIdOrTime = (messages: SentMail[] | undefined) =>
      messages?.map(({ id: _id, sentAt: _sentAt, ...rest }) => rest);
    expect(box.size).toBe(701);
    expect(withoutIdOrTime(box.page({ limit: 700 })?.slice(1))).toEqual(withoutIdOrTime(memory.list()));
    expect(box.page({ limit: 1 })?.[0]?.subject).toBe("Pesan 700 — pendaftaran “Siti” ✓");
    const sent = await unwritten;
    expect(box.find(sent.id)).toEqual(sent);

    const ids = box.list().map((m) => m.id);
    const restarted = new Outbox(file);
    expect(restarted.list().map((m) => m.id)).toEqual(ids);
    expect(restarted.list()).toEqual(box.list());
    const middle = ids[350] as string;
    expect(restarted.page({ limit: 3, before: middle })).toEqual(box.page({ limit: 3, before: middle }));
    expect(restarted.find(ids[0] as string)).toEqual(sent);
    expect(restarted.find(ids.at(-1) as string)?.text).toBe(longMail(0).text);
  });

  it("an outbox in memory (no file) keeps its messages", async () => {
    const box = new Outbox();
    const kept = new WeakRef(await box.add(longMail(1)));
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(kept.deref()).toBeDefined();
  });
});
