import { scheduledJobs } from "../packages/core/src/system/jobs";
import { scheduleExpression } from "../packages/core/src/system/schedule";
import { lambdaDefaults, lambdaEnvironment } from "./defaults";
import { email } from "./email";
import { piiSecret } from "./secrets";
import { table } from "./table";
import { workflowsLink } from "./workflows";

/** One function runs the scheduled jobs (packages/core/src/system/jobs.ts)… */
const schedulerFunction = new sst.aws.Function("Scheduler", {
  handler: "packages/functions/src/cron/scheduled.handler",
  ...lambdaDefaults,
  timeout: "5 minutes",
  link: [table, workflowsLink, email, piiSecret],
  environment: lambdaEnvironment({ PUBLIC_BASE_URL: process.env.SIGAP_PUBLIC_BASE_URL ?? "" }),
});

/** …each job on its own schedule, which names it: `{ job }` is the function's event. */
export const schedules = scheduledJobs.map((job) => {
  const { expression, timezone } = scheduleExpression(job.schedule);
  return new sst.aws.CronV2(`Schedule-${job.name}`, {
    schedule: expression as `rate(${string})` | `cron(${string})`,
    ...(timezone ? { timezone } : {}),
    function: schedulerFunction,
    event: { job: job.name },
  });
});
