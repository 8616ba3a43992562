/**
 * People see local time for their province: WIB (UTC+7), WITA (UTC+8) or WIT (UTC+9).
 * Storage is always UTC ISO 8601.
 */
export type TimeZoneLabel = "WIB" | "WITA" | "WIT";

const WITA_PROVINCES = new Set(["51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"]);
const WIT_PROVINCES = new Set(["81", "82", "91", "92", "94", "95", "96", "97"]);

export const TIME_ZONES: readonly TimeZoneLabel[] = ["WIB", "WITA", "WIT"];

/** The IANA name of each zone (formatters here; EventBridge schedules in infra). */
export const ianaZone: Record<TimeZoneLabel, string> = {
  WIB: "Asia/Jakarta",
  WITA: "Asia/Makassar",
  WIT: "Asia/Jayapura",
};

/** Indonesia keeps no daylight saving time: each zone is a fixed offset from UTC. */
const utcOffsetHours: Record<TimeZoneLabel, number> = { WIB: 7, WITA: 8, WIT: 9 };

/** A wall-clock time of day, `HH:MM` (24 hours), e.g. `"07:00"`. */
export type ClockTime = `${number}:${number}`;

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isClockTime(value: string): value is ClockTime {
  return CLOCK_TIME.test(value);
}

/**
 * The first instant strictly after `after` at which clocks in `zone` read `at` — "the next 07:00
 * WIB". A job run at 07:00 itself gets the next day's, so one tick never fires twice.
 */
export function nextLocalTime(after: Date, zone: TimeZoneLabel, at: ClockTime): Date {
  const match = CLOCK_TIME.exec(at);
  if (!match) throw new Error(`Not a time of day (HH:MM): ${at}`);
  const minutesOfDay = Number(match[1]) * 60 + Number(match[2]);
  const offsetMs = utcOffsetHours[zone] * 3_600_000;
  // Work on the local wall clock as if it were UTC, then shift back.
  const local = after.getTime() + offsetMs;
  const localMidnight = Math.floor(local / 86_400_000) * 86_400_000;
  let candidate = localMidnight + minutesOfDay * 60_000;
  if (candidate <= local) candidate += 86_400_000;
  return new Date(candidate - offsetMs);
}

/** The zone of a province, from any region code under it (`32`, `32.05`, `3205012001`, …). */
export function timeZoneOf(regionCode: string): TimeZoneLabel {
  const province = regionCode.replace(/\D/g, "").slice(0, 2);
  if (WIT_PROVINCES.has(province)) return "WIT";
  if (WITA_PROVINCES.has(province)) return "WITA";
  return "WIB";
}

/**
 * Formatters are built once per zone and kept: building an `Intl.DateTimeFormat` costs 70–200 µs,
 * formatting with a built one about 1.4 µs, and pages, emails and digests format many times each.
 */
function perZone(
  build: (timeZone: string) => Intl.DateTimeFormat,
): (zone: TimeZoneLabel) => Intl.DateTimeFormat {
  const built = new Map<TimeZoneLabel, Intl.DateTimeFormat>();
  return (zone) => {
    let formatter = built.get(zone);
    if (!formatter) {
      formatter = build(ianaZone[zone]);
      built.set(zone, formatter);
    }
    return formatter;
  };
}

const localTimeFormat = perZone(
  (timeZone) =>
    new Intl.DateTimeFormat("id-ID", {
      timeZone,
      day: "numeric",
      month: "long",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }),
);

const localDateFormat = perZone(
  (timeZone) =>
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }),
);

const calendarDateFormat = new Intl.DateTimeFormat("id-ID", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** "22 November 2026 20.15 WIB" */
export function formatLocalTime(at: Date | string, regionCode: string): string {
  const zone = timeZoneOf(regionCode);
  const text = localTimeFormat(zone).format(typeof at === "string" ? new Date(at) : at);
  return `${text.replace(" pukul ", " ")} ${zone}`;
}

/** The calendar date (YYYY-MM-DD) at `at` in the region's zone: "today" for a person there. */
export function localDate(at: Date, regionCode: string): string {
  return localDateIn(at, timeZoneOf(regionCode));
}

/** The calendar date (YYYY-MM-DD) at `at` in `zone` (a digest's "today" for a whole zone). */
export function localDateIn(at: Date, zone: TimeZoneLabel): string {
  return localDateFormat(zone).format(at);
}

/** A calendar date for people: "2026-11-20" → "20 November 2026". */
export function formatDate(isoDate: string): string {
  return calendarDateFormat.format(new Date(`${isoDate}T00:00:00Z`));
}
