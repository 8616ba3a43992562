import { DEFAULT_LEVELS, type DutiesByLevel, type EscalationLevel } from "../action/levels";
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
 * The human-approval pattern every workflow shares, along an escalation chain (`levels`, default
 * village → district → province): before each level is asked, `${prefix}Resolve` returns the level
 * really asked — a level with nobody listed is skipped, never asked or re-asked. The level's people
 * get an email with an action link, the task waiting on its token; when the level's time passes,
 * a reminder with a new link; after the level's reminders, the next level up, who may decide in the
 * lower level's place (whoever already holds the request keeps their link and is not mailed
 * "escalated to you" again). At the top, after its reminders, the ask goes on without email
 * (`mail: false`: the link stays valid, the item stays in the daily digest) for a bounded number of
 * silent rounds, then the execution ends in `Parked` (a Succeed state, with `$.parked`), so no
 * execution waits past Step Functions' one-year limit; the reconciler starts it again. Durations
 * and counts come from the execution input (`policy`), so changing them needs no redeploy.
 *
 * `$.approval` ({level, reminders, timeoutSeconds, mail, silentRounds}) is where the approval
 * stands. A resumed execution receives it in its input with one more field, `expired` (see
 * `approvalToResume`), and enters at `${prefix}Resume` (route there with `resumeApprovalRule`): when
 * `expired` is true its links' deadline passed while it was lost, so it goes straight to
 * `${prefix}TimedOut`; otherwise it continues at the level, reminder and deadline it had reached,
 * and the ask task re-binds the links already sent or applies a decision already made.
 *
 * Tasks (in the workflow's own task group): `resolveApprovalLevel` (payload `ApprovalResolveTask`)
 * and `requestDecision` (payload `ApprovalAskTask`), both with the `subject` fields; see action/ask.ts.
 */
export function approvalStates(options: {
  /** State name prefix, e.g. "Village". */
  prefix: string;
  /** The step's name in actions and the audit trail, e.g. "village-recommendation". */
  step: string;
  /** The escalation chain, lowest first (e.g. `["ppa", "province"]`). */
  levels?: readonly EscalationLevel[];
  /** Reference paths into the execution input: one for every level, or one per level. */
  responseSecondsPath: string | PerLevel<string>;
  /**
   * The wait of a level's first ask, when it differs from the pace of its reminders (a case's
   * handling deadline at the level that took it, then reminders at the response time). Default:
   * `responseSecondsPath`.
   */
  firstResponseSecondsPath?: string | PerLevel<string>;
  remindersPath: string | PerLevel<string>;
  /** The directory duty asked at each level (default `approver`; `ppa` always asks `ppa`). */
  duties?: DutiesByLevel;
  /** Silent rounds at the top before `Parked` (default 10: at 3 days a round, a month). */
  silentRounds?: number;
  functionArn: string;
  /** Payload fields naming the item (e.g. `{"registrationId.$": "$.registrationId"}`). */
  subject: JsonObject;
  /** Where the decision (at `$.decision`) goes next. */
  next: string;
}): Record<string, State> {
  const { prefix, step } = options;
  const levels = [...(options.levels ?? DEFAULT_LEVELS)];
  const first = levels[0] as EscalationLevel;
  const top = levels[levels.length - 1] as EscalationLevel;
  const pathOf = (paths: string | PerLevel<string>, level: EscalationLevel): string => {
    const path = typeof paths === "string" ? paths : paths[level];
    if (!path) throw new Error(`approvalStates ${prefix}: no path for level ${level}`);
    return path;
  };
  const response = (level: EscalationLevel) => pathOf(options.responseSecondsPath, level);
  const firstResponse = (level: EscalationLevel) =>
    pathOf(options.firstResponseSecondsPath ?? options.responseSecondsPath, level);
  const reminders = (level: EscalationLevel) => pathOf(options.remindersPath, level);
  const name = (level: EscalationLevel) => level.charAt(0).toUpperCase() + level.slice(1);
  const chain: JsonObject = {
    levels,
    ...(options.duties ? { duties: options.duties as JsonObject } : {}),
  };
  const ask = `${prefix}Ask`;
  const resolve = `${prefix}Resolve`;
  const asking = (level: EscalationLevel, extra: JsonObject, seconds = response(level)): State => ({
    Type: "Pass",
    Parameters: { level, "timeoutSeconds.$": seconds, ...extra },
    ResultPath: "$.approval",
    Next: ask,
  });
  const states: Record<string, State> = {
    [`${prefix}Start`]: {
      Type: "Pass",
      Parameters: { level: first },
      ResultPath: "$.approval",
      Next: resolve,
    },
    // The level really asked: this one, or the first one up the chain with somebody listed.
    [resolve]: {
      Type: "Task",
      Resource: LAMBDA_INVOKE,
      Parameters: {
        FunctionName: options.functionArn,
        Payload: {
          task: "resolveApprovalLevel",
          step,
          "level.$": "$.approval.level",
          ...chain,
          ...options.subject,
        },
      },
      ResultSelector: { "level.$": "$.Payload.level" },
      ResultPath: "$.approval",
      Retry: [lambdaServiceRetry],
      Next: `${prefix}Enter`,
    },
    [`${prefix}Enter`]: {
      Type: "Choice",
      Choices: levels.map((level) => ({
        Variable: "$.approval.level",
        StringEquals: level,
        Next: `${prefix}At${name(level)}`,
      })),
      Default: `${prefix}At${name(top)}`,
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
          startLevel: first,
          "level.$": "$.approval.level",
          "reminders.$": "$.approval.reminders",
          "silentRounds.$": "$.approval.silentRounds",
          "mail.$": "$.approval.mail",
          "validForSeconds.$": "$.approval.timeoutSeconds",
          "taskToken.$": "$$.Task.Token",
          ...chain,
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
        ...levels.map((level) => ({
          And: [
            { Variable: "$.approval.level", StringEquals: level },
            { Variable: "$.approval.reminders", NumericLessThanPath: reminders(level) },
          ],
          Next: `${prefix}Remind${name(level)}`,
        })),
        ...levels.slice(0, -1).map((level, i) => ({
          Variable: "$.approval.level",
          StringEquals: level,
          Next: `${prefix}To${name(levels[i + 1] as EscalationLevel)}`,
        })),
      ],
      // The top, after its reminders: on without email, a bounded number of rounds.
      Default: `${prefix}Silent`,
    },
    [`${prefix}Silent`]: {
      Type: "Choice",
      Choices: [
        {
          Variable: "$.approval.silentRounds",
          NumericLessThan: options.silentRounds ?? DEFAULT_SILENT_ROUNDS,
          Next: `${prefix}Quiet`,
        },
      ],
      Default: `${prefix}Park`,
    },
    [`${prefix}Quiet`]: asking(top, {
      "reminders.$": "$.approval.reminders",
      "silentRounds.$": "States.MathAdd($.approval.silentRounds, 1)",
      mail: false,
    }),
    [`${prefix}Park`]: {
      Type: "Pass",
      Parameters: { step, "level.$": "$.approval.level" },
      ResultPath: "$.parked",
      Next: PARKED,
    },
    [PARKED]: {
      Type: "Succeed",
      Comment: "Waited long enough without an answer; the reconciler starts it again.",
    },
  };
  for (const [i, level] of levels.entries()) {
    states[`${prefix}At${name(level)}`] = asking(
      level,
      { reminders: 0, silentRounds: 0, mail: true },
      firstResponse(level),
    );
    states[`${prefix}Remind${name(level)}`] = asking(level, {
      "reminders.$": "States.MathAdd($.approval.reminders, 1)",
      silentRounds: 0,
      mail: true,
    });
    if (i > 0) {
      states[`${prefix}To${name(level)}`] = {
        Type: "Pass",
        Parameters: { level },
        ResultPath: "$.approval",
        Next: resolve,
      };
    }
  }
  return states;
}

/** The Succeed state an approval ends in after its silent rounds (`$.parked` says which step). */
export const PARKED = "Parked";
const DEFAULT_SILENT_ROUNDS = 10;

type PerLevel<T> = Partial<Record<EscalationLevel, T>>;

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
