import type { ApprovalLevel } from "../staff/directory";
import {
  type ChoiceCondition,
  type ChoiceRule,
  type JsonObject,
  LAMBDA_INVOKE,
  lambdaServiceRetry,
  mailDeliveryRetry,
  type State,
  WAIT_FOR_TASK_TOKEN,
} from "./asl";

/**
 * The human-approval pattern every workflow shares: ask the approver of a level (email with an
 * action link, the task waiting on its token); when the configured time passes, remind with a new
 * link; after the configured number of reminders, escalate to the level above, who may decide in
 * the lower level's place; at the top, keep reminding. Durations and counts come from the
 * execution input (`policy`), so changing them needs no redeploy.
 *
 * `$.approval` ({level, reminders, timeoutSeconds}) is where the approval stands. A resumed
 * execution receives it in its input with one more field, `expired` (see `approvalToResume`), and
 * enters at `${prefix}Resume` (route there with `resumeApprovalRule`): when `expired` is true its
 * links' deadline passed while it was lost, so it goes straight to `${prefix}TimedOut` (the next
 * reminder or escalation); otherwise it continues at the level, reminder and deadline it had
 * reached, and the ask task re-binds the links already sent or applies a decision already made.
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
      Parameters: { level: startLevel, reminders: 0, "timeoutSeconds.$": options.responseSecondsPath },
      ResultPath: "$.approval",
      Next: ask,
    },
    // A resumed approval: asked again where it stood, or — its links expired — on to what a timeout does.
    [`${prefix}Resume`]: {
      Type: "Choice",
      Choices: [{ Variable: "$.approval.expired", BooleanEquals: true, Next: `${prefix}TimedOut` }],
      Default: ask,
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
          "validForSeconds.$": "$.approval.timeoutSeconds",
          "taskToken.$": "$$.Task.Token",
          ...options.subject,
        },
      },
      // Read from the state input, as AWS reads it: the policy's duration, or what a resume left.
      TimeoutSecondsPath: "$.approval.timeoutSeconds",
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
      Parameters: {
        "level.$": "$.approval.level",
        "reminders.$": "States.MathAdd($.approval.reminders, 1)",
        "timeoutSeconds.$": options.responseSecondsPath,
      },
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
      Parameters: { level: "district", reminders: 0, "timeoutSeconds.$": options.responseSecondsPath },
      ResultPath: "$.approval",
      Next: ask,
    },
    [`${prefix}ToProvince`]: {
      Type: "Pass",
      Parameters: { level: "province", reminders: 0, "timeoutSeconds.$": options.responseSecondsPath },
      ResultPath: "$.approval",
      Next: ask,
    },
  };
}

/**
 * The Route rule that sends an execution whose input carries `$.approval` (a resume) into the
 * approval states of `prefix` when `when` holds, e.g. the subject's recorded stage is that step.
 * (`IsPresent: true` inside `And`: the local engine never matches `IsPresent: false`.)
 */
export function resumeApprovalRule(prefix: string, when: ChoiceCondition): ChoiceRule {
  return { And: [{ Variable: "$.approval", IsPresent: true }, when], Next: `${prefix}Resume` };
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
