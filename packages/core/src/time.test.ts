import { afterEach, describe, expect, it, vi } from "vitest";
import { now, nowIso, useClock } from "./clock";
import { formatDate, formatLocalTime, timeZoneOf } from "./time";

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
