import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Outbox } from "./outbox";

const mail = (n: number) => ({
  to: [`orang${n}@example.com`],
  subject: `Pesan ${n}`,
  text: `Isi ${n} https://example.com/${n}`,
  html: `<p>Isi ${n}</p>`,
});
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
});
