import type { JsonValue } from "@sigap/core/workflow/asl";
import type { ExecutionStatusChange } from "@sigap/core/workflow/executions";
import { workflows } from "@sigap/core/workflow/registry";
import { type TaskFunctionArns, taskGroups } from "@sigap/core/workflow/tasks";
import { localFunctionArn, stateMachineName } from "./environment";
import type { LocalLambda, LocalStepFunctions } from "./sfn/engine";

/** The task groups' handlers, by the local function ARNs the definitions name. */
export async function localLambdas(): Promise<Map<string, LocalLambda>> {
  const { taskHandlers } = await import("@sigap/functions/tasks/index");
  return new Map(taskGroups.map((group) => [localFunctionArn(group), taskHandlers[group] as LocalLambda]));
}

/** Registers every workflow of core on the engine, with the local task function ARNs filled in. */
export function registerWorkflows(engine: LocalStepFunctions): void {
  const functionArns = Object.fromEntries(
    taskGroups.map((g) => [g, localFunctionArn(g)]),
  ) as TaskFunctionArns;
  for (const workflow of workflows) {
    engine.createStateMachine({
      name: stateMachineName(workflow.name),
      definition: JSON.stringify(workflow.definition(functionArns) as unknown as JsonValue),
    });
  }
}

/** The handler infra's status-change rule targets (functions/events/execution-status), in-process. */
export async function localStatusChangeHandler(): Promise<
  (event: ExecutionStatusChange) => Promise<unknown>
> {
  const { handler } = await import("@sigap/functions/events/execution-status");
  return handler;
}
