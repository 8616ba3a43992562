import { SCHEDULE_INTERVAL_MINUTES } from "../packages/core/src/system/schedule";
import { email } from "./email";
import { table } from "./table";
import { workflowsLink } from "./workflows";

/** Scheduled jobs (packages/core/src/system/jobs.ts) on a fixed interval. */
export const scheduler = new sst.aws.CronV2("Scheduler", {
  schedule: `rate(${SCHEDULE_INTERVAL_MINUTES} minutes)`,
  function: {
    handler: "packages/functions/src/cron/scheduled.handler",
    runtime: "nodejs22.x",
    architecture: "arm64",
    timeout: "5 minutes",
    link: [table, workflowsLink, email],
    environment: {
      SLA_SCALE: process.env.SLA_SCALE ?? "1",
      MAIL_TRANSPORT: "ses",
      PUBLIC_BASE_URL: process.env.SIGAP_PUBLIC_BASE_URL ?? "",
      OPERATOR_EMAIL: process.env.SIGAP_OPERATOR_EMAIL ?? "",
    },
  },
});
