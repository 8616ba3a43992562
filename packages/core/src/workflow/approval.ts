import type { ApprovalLevel } from "../staff/directory";
import {
  type JsonObject,
  LAMBDA_INVOKE,
  lambdaServiceRetry,
  mailDeliveryRetry,
  type State,
  WAIT_FOR_TASK_TOKEN,
} from "./asl";

/**
 * The human-approval pattern every workflow shares: ask the approver of a level (email with a fresh
 * action link, the task waiting on its token); when the configured time passes, remind with a new
 * link; after the configured number of reminders, escalate to the level above, who may decide in
 * the lower level's place; at the top, keep reminding. Durations and counts come from the
 * execution input (`policy`), so changing them needs no redeploy.
 */
export function approvalStates(options: {
  /** State name prefix, e.g. "Village". */
  prefix: string;
  /** The step's name in actions and the audit trail, e.g. "village-recommendation". */
  step: string;
  startLevel: ApprovalLevel;
  /** Reference paths into the execution input. */
  responseSecondsPath: string;
  remindersPath: string;
  functionArn: string;
  /** Payload fields naming the item (e.g. `{"registrationId.$": "$.registrationId"}`). */
  subject: JsonObject;
  /** Where the decision (at `$.decision`) goes next. */
  next: string;
}): Record<string, State> {
  const { prefix, step, startLevel } = options;
  const ask = `${prefix}Ask`;
  const remind = `${prefix}Remind`;
  return {
    [`${prefix}Start`]: {
      Type: "Pass",
      Result: { level: startLevel, reminders: 0 },
      ResultPath: "$.approval",
      Next: ask,
    },
    [ask]: {
      Type: "Task",
      Resource: `${LAMBDA_INVOKE}${WAIT_FOR_TASK_TOKEN}`,
      Parameters: {
        FunctionName: options.functionArn,
        Payload: {
          task: "requestDecision",
          step,
          startLevel,
          "level.$": "$.approval.level",
          "reminders.$": "$.approval.reminders",
          "validForSeconds.$": options.responseSecondsPath,
          "taskToken.$": "$$.Task.Token",
          ...options.subject,
        },
      },
      TimeoutSecondsPath: options.responseSecondsPath,
      ResultPath: "$.decision",
      Retry: [lambdaServiceRetry, mailDeliveryRetry],
      Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: null, Next: `${prefix}TimedOut` }],
      Next: options.next,
    },
    [`${prefix}TimedOut`]: {
      Type: "Choice",
      Choices: [
        { Variable: "$.approval.reminders", NumericLessThanPath: options.remindersPath, Next: remind },
      ],
      Default: `${prefix}Escalate`,
    },
    [remind]: {
      Type: "Pass",
      Parameters: { "level.$": "$.approval.level", "reminders.$": "States.MathAdd($.approval.reminders, 1)" },
      ResultPath: "$.approval",
      Next: ask,
    },
    [`${prefix}Escalate`]: {
      Type: "Choice",
      Choices: [
        { Variable: "$.approval.level", StringEquals: "village", Next: `${prefix}ToDistrict` },
        { Variable: "$.approval.level", StringEquals: "district", Next: `${prefix}ToProvince` },
      ],
      // Nobody above the province: keep reminding it.
      Default: remind,
    },
    [`${prefix}ToDistrict`]: {
      Type: "Pass",
      Result: { level: "district", reminders: 0 },
      ResultPath: "$.approval",
      Next: ask,
    },
    [`${prefix}ToProvince`]: {
      Type: "Pass",
      Result: { level: "province", reminders: 0 },
      ResultPath: "$.approval",
      Next: ask,
    },
  };
}

/** A plain invocation of a task Lambda; its result lands at `resultPath` (or is dropped). */
export function invokeTask(
  functionArn: string,
  payload: JsonObject,
  next: string | { End: true },
  resultPath: string | null = null,
): State {
  return {
    Type: "Task",
    Resource: LAMBDA_INVOKE,
    Parameters: { FunctionName: functionArn, Payload: payload },
    ...(resultPath
      ? { ResultSelector: { "value.$": "$.Payload" }, ResultPath: resultPath }
      : { ResultPath: null }),
    Retry: [lambdaServiceRetry, mailDeliveryRetry],
    ...(typeof next === "string" ? { Next: next } : next),
  } as State;
}
