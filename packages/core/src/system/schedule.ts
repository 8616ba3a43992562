/** How often scheduled jobs run: the AWS schedule (infra/cron.ts) and the local runner use this. */
export const SCHEDULE_INTERVAL_MINUTES = 15;
