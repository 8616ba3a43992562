import { now } from "@sigap/core/clock";
import type { ScheduledJob } from "@sigap/core/system/jobs";
import { nextRun } from "@sigap/core/system/schedule";

/**
 * The local stand-in for EventBridge Scheduler (infra/cron.ts): each job on its own timer, at its
 * own schedule. A job's next run is set when its run ends, so a slow run is never overlapped by
 * its next one. Returns the stop function.
 */
export function startJobTimers(
  jobs: readonly ScheduledJob[],
  onError: (job: string, error: unknown) => void,
): () => void {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let stopped = false;
  const arm = (job: ScheduledJob) => {
    if (stopped) return;
    const at = nextRun(job.schedule, now());
    timers.set(
      job.name,
      setTimeout(
        async () => {
          try {
            await job.run();
          } catch (error) {
            onError(job.name, error);
          }
          arm(job);
        },
        Math.max(0, at.getTime() - now().getTime()),
      ),
    );
  };
  for (const job of jobs) arm(job);
  return () => {
    stopped = true;
    for (const timer of timers.values()) clearTimeout(timer);
  };
}
