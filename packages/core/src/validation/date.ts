import * as v from "valibot";

/** `YYYY-MM-DD` naming a day that exists: valibot's isoDate checks the shape only, so it lets 2026-02-30 through. */
export function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** A date people type, as `YYYY-MM-DD`, refused when the shape is wrong or the day does not exist. */
export function calendarDate(message: string) {
  return v.pipe(v.string(message), v.trim(), v.isoDate(message), v.check(isCalendarDate, message));
}
