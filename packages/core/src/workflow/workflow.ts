import type { StateMachineDefinition } from "./asl";
import type { TaskFunctionArns, TaskGroup } from "./tasks";

/** A state machine as code: its name and a definition built from the task functions' ARNs. */
export interface Workflow {
  /** Kebab-case; the deployed state machine is `<app>-<stage>-<name>`. */
  name: string;
  description: string;
  /** The task groups it invokes, so infra grants exactly those. */
  taskGroups: readonly TaskGroup[];
  definition(functions: TaskFunctionArns): StateMachineDefinition;
}

export function defineWorkflow(workflow: Workflow): Workflow {
  return workflow;
}
