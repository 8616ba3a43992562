import { type TaskGroup, taskGroups } from "../packages/core/src/workflow/tasks";
import { lambdaDefaults, lambdaEnvironment } from "./defaults";
import { email } from "./email";
import { piiSecret } from "./secrets";
import { table } from "./table";

/** One Lambda per task group; its handler is `packages/functions/src/tasks/<group>.ts`. */
export const taskFunctions = Object.fromEntries(
  taskGroups.map((group) => [
    group,
    new sst.aws.Function(`${group[0]?.toUpperCase()}${group.slice(1)}Task`, {
      handler: `packages/functions/src/tasks/${group}.handler`,
      ...lambdaDefaults,
      timeout: "60 seconds",
      memory: "512 MB",
      link: [table, email, piiSecret],
      environment: lambdaEnvironment(),
    }),
  ]),
) as Record<TaskGroup, sst.aws.Function>;
