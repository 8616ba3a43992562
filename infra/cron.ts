import { SCHEDULE_INTERVAL_MINUTES } from "../packages/core/src/system/schedule";
import { lambdaDefaults, lambdaEnvironment } from "./defaults";
import { email } from "./email";
import { piiSecret } from "./secrets";
import { table } from "./table";
import { workflowsLink } from "./workflows";

/** Scheduled jobs (packages/core/src/system/jobs.ts) on a fixed interval. */
export const scheduler = new sst.aws.CronV2("Scheduler", {
  schedule: `rate(${SCHEDULE_INTERVAL_MINUTES} minutes)`,
  function: {
    handler: "packages/functions/src/cron/scheduled.handler",
    ...lambdaDefaults,
    timeout: "5 minutes",
    link: [table, workflowsLink, email, piiSecret],
    environment: lambdaEnvironment({ PUBLIC_BASE_URL: process.env.SIGAP_PUBLIC_BASE_URL ?? "" }),
  },
});
