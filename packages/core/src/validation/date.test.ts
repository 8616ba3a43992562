import { describe, expect, it } from "vitest";
import { isCalendarDate } from "./date";

describe("isCalendarDate", () => {
  it("accepts days that exist, leap days included", () => {
    for (const day of ["2026-01-31", "2024-02-29", "2000-02-29", "1995-07-15"])
      expect(isCalendarDate(day)).toBe(true);
  });

  it("refuses days that do not exist and other shapes", () => {
    for (const day of [
      "2026-02-30",
      "2023-02-29",
      "1900-02-29",
      "2026-04-31",
      "2026-13-01",
      "2026-1-5",
      "x",
    ]) {
      expect(isCalendarDate(day)).toBe(false);
    }
  });
});
