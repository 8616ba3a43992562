import { type TaskGroup, taskGroups } from "../packages/core/src/workflow/tasks";
import { email } from "./email";
import { table } from "./table";

/** One Lambda per task group; its handler is `packages/functions/src/tasks/<group>.ts`. */
export const taskFunctions = Object.fromEntries(
  taskGroups.map((group) => [
    group,
    new sst.aws.Function(`${group[0]?.toUpperCase()}${group.slice(1)}Task`, {
      handler: `packages/functions/src/tasks/${group}.handler`,
      runtime: "nodejs22.x",
      architecture: "arm64",
      timeout: "60 seconds",
      memory: "512 MB",
      link: [table, email],
      environment: {
        SLA_SCALE: process.env.SLA_SCALE ?? "1",
        MAIL_TRANSPORT: "ses",
        OPERATOR_EMAIL: process.env.SIGAP_OPERATOR_EMAIL ?? "",
      },
    }),
  ]),
) as Record<TaskGroup, sst.aws.Function>;
