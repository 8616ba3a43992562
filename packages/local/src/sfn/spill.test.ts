import { describe, expect, it } from "vitest";
import { SpillFile } from "./spill";

describe("spill file", () => {
  it("reads back each text where it was written, multi-byte characters included", () => {
    const spill = new SpillFile();
    const texts = ['{"a":1}', "Kepala Desa — ✓ disetujui", "x".repeat(70_000), ""];
    const refs = texts.map((text) => spill.write(text));
    expect(refs.map((ref) => spill.read(ref))).toEqual(texts);
    spill.close();
    expect(() => spill.read(refs[0] as (typeof refs)[number])).toThrow();
  });
});
