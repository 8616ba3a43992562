import { reconcileWorkflows } from "../workflow/reconcilers";
import { reportFailedExecutions } from "./failed-executions";
import { SCHEDULE_INTERVAL_MINUTES } from "./schedule";

/** What runs on every scheduler tick (AWS: infra/cron.ts; locally: the local stack's timer). */
export const scheduledJobs: ReadonlyArray<{ name: string; run: () => Promise<unknown> }> = [
  { name: "reconcile-workflows", run: () => reconcileWorkflows() },
  { name: "report-failed-executions", run: () => reportFailedExecutions(SCHEDULE_INTERVAL_MINUTES) },
];

/** Runs every job; one failing does not stop the others. Returns the names of those that failed. */
export async function runScheduledJobs(onError: (job: string, error: unknown) => void): Promise<string[]> {
  const failed: string[] = [];
  for (const job of scheduledJobs) {
    try {
      await job.run();
    } catch (error) {
      failed.push(job.name);
      onError(job.name, error);
    }
  }
  return failed;
}
