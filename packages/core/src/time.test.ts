import { afterEach, describe, expect, it, vi } from "vitest";
import { now, nowIso, useClock } from "./clock";
import { formatDate, formatLocalTime, localDate, localDateIn, nextLocalTime, timeZoneOf } from "./time";

describe("local time", () => {
  it("knows each province's zone from any code under it", () => {
    expect(timeZoneOf("32.05.01.2001")).toBe("WIB"); // Jawa Barat
    expect(timeZoneOf("6171")).toBe("WIB"); // Kota Pontianak, Kalimantan Barat
    expect(timeZoneOf("51.71")).toBe("WITA"); // Kota Denpasar, Bali
    expect(timeZoneOf("73")).toBe("WITA"); // Sulawesi Selatan
    expect(timeZoneOf("81.71")).toBe("WIT"); // Kota Ambon, Maluku
    expect(timeZoneOf("94")).toBe("WIT"); // Papua
  });

  it("formats a UTC instant in the region's local time with its zone", () => {
    const at = "2026-11-22T13:05:00Z";
    expect(formatLocalTime(at, "32")).toBe("22 November 2026 20.05 WIB");
    expect(formatLocalTime(at, "51")).toBe("22 November 2026 21.05 WITA");
    expect(formatLocalTime(at, "91")).toBe("22 November 2026 22.05 WIT");
  });

  it("formats a calendar date the Indonesian way", () => {
    expect(formatDate("1995-07-15")).toBe("15 Juli 1995");
  });

  it("rolls over the date where the local day has already changed", () => {
    expect(formatLocalTime("2026-12-31T17:30:00Z", "32.05")).toBe("1 Januari 2027 00.30 WIB");
  });
});

describe("next local time", () => {
  it("finds the next 07:00 in each zone, the same day or the next", () => {
    // 2026-11-22 20:00 UTC is already 23 Nov in all three zones (03:00 WIB, 04:00 WITA, 05:00 WIT).
    const evening = new Date("2026-11-22T20:00:00Z");
    expect(nextLocalTime(evening, "WIB", "07:00").toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(nextLocalTime(evening, "WITA", "07:00").toISOString()).toBe("2026-11-22T23:00:00.000Z");
    expect(nextLocalTime(evening, "WIT", "07:00").toISOString()).toBe("2026-11-22T22:00:00.000Z");
    // 09:00 WIB: today's 07:00 has passed; tomorrow's is next.
    expect(nextLocalTime(new Date("2026-11-23T02:00:00Z"), "WIB", "07:00").toISOString()).toBe(
      "2026-11-24T00:00:00.000Z",
    );
    expect(nextLocalTime(new Date("2026-11-23T02:00:00Z"), "WIB", "23:30").toISOString()).toBe(
      "2026-11-23T16:30:00.000Z",
    );
  });

  it("never answers the instant it was asked at (a tick at 07:00 does not fire twice)", () => {
    const sevenWib = new Date("2026-11-23T00:00:00Z");
    expect(nextLocalTime(sevenWib, "WIB", "07:00").toISOString()).toBe("2026-11-24T00:00:00.000Z");
    expect(nextLocalTime(new Date(sevenWib.getTime() - 1), "WIB", "07:00")).toEqual(sevenWib);
  });

  it("crosses months and years, and refuses what is not a time of day", () => {
    expect(nextLocalTime(new Date("2026-12-31T01:00:00Z"), "WIT", "07:00").toISOString()).toBe(
      "2026-12-31T22:00:00.000Z",
    );
    expect(() => nextLocalTime(new Date(), "WIB", "24:00")).toThrow();
    expect(() => nextLocalTime(new Date(), "WIB", "7:00" as "07:00")).toThrow();
  });
});

describe("local dates", () => {
  it("gives today's date where the person is, not in UTC", () => {
    // 18:30 UTC on 31 December: still 2026 in UTC, already 2027 in Jawa Barat.
    const at = new Date("2026-12-31T18:30:00Z");
    expect(localDate(at, "32.05.22.2001")).toBe("2027-01-01");
    expect(localDateIn(at, "WIT")).toBe("2027-01-01");
    expect(localDateIn(new Date("2026-12-31T16:30:00Z"), "WIB")).toBe("2026-12-31");
    expect(localDateIn(new Date("2026-12-31T16:30:00Z"), "WITA")).toBe("2027-01-01");
  });
});

describe("clock", () => {
  afterEach(() => vi.useRealTimers());

  it("follows fake timers, so tests can move time", () => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    expect(nowIso()).toBe("2026-01-01T00:00:00.000Z");
    vi.advanceTimersByTime(3 * 24 * 3600 * 1000);
    expect(nowIso()).toBe("2026-01-04T00:00:00.000Z");
  });

  it("can be replaced and restored", () => {
    const restore = useClock({ now: () => new Date("2030-05-05T05:05:05Z") });
    expect(now().toISOString()).toBe("2030-05-05T05:05:05.000Z");
    restore();
    expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(1000);
  });
});
