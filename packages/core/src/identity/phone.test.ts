import { describe, expect, it } from "vitest";
import { normalizeIndonesianPhone } from "./phone";

describe("normalizeIndonesianPhone", () => {
  it.each([
    ["0812-3456-7890", "+6281234567890"],
    ["+62 812 3456 7890", "+6281234567890"],
    ["6281234567890", "+6281234567890"],
    ["(021) 555-1234", "+62215551234"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeIndonesianPhone(input)).toBe(expected);
  });

  it.each(["812345", "+1 415 555 0100", "0812abc4567", "00812345678", "08", ""])("refuses %s", (input) => {
    expect(normalizeIndonesianPhone(input)).toBeUndefined();
  });
});
