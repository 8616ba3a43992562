import { type ClockTime, ianaZone, nextLocalTime, type TimeZoneLabel } from "../time";

/** The interval of the jobs that run "all the time" (the reconciler, the failed-execution report). */
export const SCHEDULE_INTERVAL_MINUTES = 15;

/**
 * When a scheduled job runs: every so many minutes, or once a day at a local time of one zone
 * (a daily digest at 07:00 WIB, another at 07:00 WITA, …).
 */
export type JobSchedule = { every: number } | { dailyAt: ClockTime; zone: TimeZoneLabel };

/**
 * The schedule as EventBridge Scheduler reads it (infra/cron.ts): a rate, or a daily cron in the
 * zone's own time (`scheduleExpressionTimezone`).
 */
export function scheduleExpression(schedule: JobSchedule): { expression: string; timezone?: string } {
  if ("every" in schedule) {
    return { expression: `rate(${schedule.every} ${schedule.every === 1 ? "minute" : "minutes"})` };
  }
  const [hours, minutes] = schedule.dailyAt.split(":").map(Number);
  return { expression: `cron(${minutes} ${hours} * * ? *)`, timezone: ianaZone[schedule.zone] };
}

/**
 * The first run strictly after `after` (the local runner's timer). Intervals count from `after`;
 * a daily time is the wall-clock time of its zone, whenever the runner started.
 */
export function nextRun(schedule: JobSchedule, after: Date): Date {
  if ("every" in schedule) return new Date(after.getTime() + schedule.every * 60_000);
  return nextLocalTime(after, schedule.zone, schedule.dailyAt);
}

/** A readable form for logs and the README: "every 15 minutes", "daily 07:00 WITA". */
export function describeSchedule(schedule: JobSchedule): string {
  return "every" in schedule
    ? `every ${schedule.every} minutes`
    : `daily ${schedule.dailyAt} ${schedule.zone}`;
}
