import { logger } from "@sigap/core/log";
import { runScheduledJobs } from "@sigap/core/system/jobs";

/** The scheduler's Lambda: runs every scheduled job; fails the invocation if any job failed. */
export async function handler(): Promise<void> {
  const failed = await runScheduledJobs((job, error) =>
    logger.error("Scheduled job failed", { job, error: error instanceof Error ? error : String(error) }),
  );
  if (failed.length > 0) throw new Error(`Scheduled jobs failed: ${failed.join(", ")}`);
}
