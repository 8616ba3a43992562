import { DIGEST_TIME, sendDailyDigest } from "../action/digest";
import { eraseDuePersonalData } from "../record/retention";
import { TIME_ZONES } from "../time";
import { reconcileWorkflows } from "../workflow/reconcilers";
import { reportFailedExecutions } from "./failed-executions";
import { type JobSchedule, SCHEDULE_INTERVAL_MINUTES } from "./schedule";

export interface ScheduledJob {
  /** Unique; names the job's schedule on AWS and in logs. */
  name: string;
  schedule: JobSchedule;
  run: () => Promise<unknown>;
}

/**
 * Every scheduled job, each on its own schedule (AWS: one EventBridge schedule per job in
 * infra/cron.ts; locally: the local stack's timers). A job run once a day per time zone is listed
 * once per zone.
 */
export const scheduledJobs: ScheduledJob[] = [
  {
    name: "reconcile-workflows",
    schedule: { every: SCHEDULE_INTERVAL_MINUTES },
    run: () => reconcileWorkflows(),
  },
  {
    name: "report-failed-executions",
    schedule: { every: SCHEDULE_INTERVAL_MINUTES },
    // The report covers exactly the interval since the last run.
    run: () => reportFailedExecutions(SCHEDULE_INTERVAL_MINUTES),
  },
  // Each approver's pending links in one email, at 07:00 in their region's own zone.
  ...TIME_ZONES.map(
    (zone): ScheduledJob => ({
      name: `daily-digest-${zone}`,
      schedule: { dailyAt: DIGEST_TIME, zone },
      run: () => sendDailyDigest(zone),
    }),
  ),
  {
    name: "erase-expired-personal-data",
    // Once a day, in the quiet hours of the western zone (retention periods are months, not hours).
    schedule: { dailyAt: "02:00", zone: "WIB" },
    run: () => eraseDuePersonalData(),
  },
];

/** Runs the named jobs (all by default); one failing does not stop the others. Returns the names of those that failed. */
export async function runScheduledJobs(
  onError: (job: string, error: unknown) => void,
  names?: readonly string[],
): Promise<string[]> {
  const failed: string[] = [];
  const unknown = names?.filter((name) => !scheduledJobs.some((job) => job.name === name)) ?? [];
  for (const name of unknown) {
    failed.push(name);
    onError(name, new Error(`No scheduled job is named "${name}"`));
  }
  for (const job of scheduledJobs) {
    if (names && !names.includes(job.name)) continue;
    try {
      await job.run();
    } catch (error) {
      failed.push(job.name);
      onError(job.name, error);
    }
  }
  return failed;
}
