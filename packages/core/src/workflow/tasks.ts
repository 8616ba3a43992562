/**
 * Task groups: each is one Lambda function on AWS (infra/tasks.ts) and one in-process handler in the
 * local engine. Definitions name the group; the deployer supplies the function ARN.
 */
export const taskGroups = ["notifications", "recruitment", "cases", "bimtek"] as const;
export type TaskGroup = (typeof taskGroups)[number];
export type TaskFunctionArns = Record<TaskGroup, string>;

/** The payload every task Lambda receives: which task, and its arguments. */
export interface TaskEvent {
  task: string;
  [argument: string]: unknown;
}
