import { logger } from "@sigap/core/log";
import { runScheduledJobs } from "@sigap/core/system/jobs";

/**
 * The scheduler's Lambda. Each job's own schedule invokes it with `{ job: name }` (infra/cron.ts);
 * without a name it runs every job. Fails the invocation if a job failed.
 */
export async function handler(event?: { job?: unknown }): Promise<void> {
  const names = typeof event?.job === "string" ? [event.job] : undefined;
  const failed = await runScheduledJobs(
    (job, error) =>
      logger.error("Scheduled job failed", { job, error: error instanceof Error ? error : String(error) }),
    names,
  );
  if (failed.length > 0) throw new Error(`Scheduled jobs failed: ${failed.join(", ")}`);
}
