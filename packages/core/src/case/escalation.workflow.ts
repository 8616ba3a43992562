import { approvalStates, invokeTask } from "../workflow/approval";
import {
  type ChoiceRule,
  LAMBDA_INVOKE,
  lambdaServiceRetry,
  mailDeliveryRetry,
  type State,
  WAIT_FOR_TASK_TOKEN,
} from "../workflow/asl";
import { defineWorkflow } from "../workflow/workflow";

/**
 * Case escalation: the village (or, for violence, the kabupaten's UPTD PPA) takes the case in
 * (handle / refer / close), with reminders and escalation district → province; whoever took it
 * reports the outcome by the urgency's deadline (resolved / refer / extend once); once closed, the
 * reporter may say it is not handled yet, which reopens it.
 *
 * Input: `{ caseId, policy, sla, next }`. `sla` is the policy for this case's urgency (see
 * `caseSla`); `next` is where the case goes: `{ stage, approval }`, with `approval` as in
 * `approvalStates` (`{level, reminders, timeoutSeconds, expired}`). A new case, a resumed one
 * (the reconciler) and every decision's outcome enter through the same `Dispatch`, so the case's
 * recorded stage and its current request are all a restart needs.
 */
export const caseEscalationWorkflow = defineWorkflow({
  name: "case-escalation",
  description: "PPKS case reports: response, handling and the reporter's confirmation, with escalation.",
  taskGroups: ["cases"],
  definition: ({ cases: fn }) => {
    const subject = { "caseId.$": "$.caseId" };
    const remindersPath = "$.sla.reminders";
    /** The same approval states, entered through `<prefix>Resume` with `$.approval` set by `Into<prefix>`. */
    const phase = (prefix: string, step: "response" | "handling", levels: string[], applyTask: string) => ({
      [`Into${prefix}`]: {
        Type: "Pass",
        InputPath: "$.next.approval",
        ResultPath: "$.approval",
        Next: `${prefix}Resume`,
      } satisfies State,
      ...approvalStates({
        prefix,
        step,
        levels,
        duty: step === "response" ? "case-handler" : "case-handler",
        startLevel: levels[0] as "village",
        responseSecondsPath: "$.sla.responseSeconds",
        remindersPath,
        functionArn: fn,
        subject,
        next: `${prefix}Decided`,
      }),
      [`${prefix}Decided`]: invokeTask(
        fn,
        { task: applyTask, ...subject, "decision.$": "$.decision" },
        "Dispatch",
        "$.next",
      ),
    });
    const ppa = { Variable: "$.next.approval.level", StringEquals: "ppa" };
    const stageIs = (stage: string) => ({ Variable: "$.next.stage", StringEquals: stage });
    const dispatch: ChoiceRule[] = [
      { And: [stageIs("response"), ppa], Next: "IntoPpaResponse" },
      { ...stageIs("response"), Next: "IntoResponse" },
      { And: [stageIs("handling"), ppa], Next: "IntoPpaHandling" },
      { ...stageIs("handling"), Next: "IntoHandling" },
      { ...stageIs("confirmation"), Next: "IntoConfirmation" },
    ];
    return {
      Comment: "PPKS case: response, handling, reporter's confirmation; escalation village → district → province.",
      StartAt: "Dispatch",
      States: {
        // Decision results arrive as `$.next.value` (invokeTask's shape); a start carries `$.next`.
        Dispatch: { Type: "Choice", Choices: [{ Variable: "$.next.value", IsPresent: true, Next: "Unwrap" }, ...dispatch], Default: "Done" },
        Unwrap: { Type: "Pass", InputPath: "$.next.value", ResultPath: "$.next", Next: "Dispatch" },
        ...phase("Response", "response", ["village", "district", "province"], "applyResponse"),
        ...phase("PpaResponse", "response", ["ppa", "province"], "applyResponse"),
        ...phase("Handling", "handling", ["village", "district", "province"], "applyHandling"),
        ...phase("PpaHandling", "handling", ["ppa", "province"], "applyHandling"),
        IntoConfirmation: {
          Type: "Pass",
          InputPath: "$.next.approval",
          ResultPath: "$.approval",
          Next: "ConfirmationResume",
        },
        // Resumed after its window passed while lost: silence, as if it had timed out.
        ConfirmationResume: {
          Type: "Choice",
          Choices: [{ Variable: "$.approval.expired", BooleanEquals: true, Next: "ConfirmationLapsed" }],
          Default: "ConfirmationAsk",
        },
        ConfirmationAsk: {
          Type: "Task",
          Resource: `${LAMBDA_INVOKE}${WAIT_FOR_TASK_TOKEN}`,
          Parameters: {
            FunctionName: fn,
            Payload: {
              task: "askReporter",
              ...subject,
              "validForSeconds.$": "$.approval.timeoutSeconds",
              "taskToken.$": "$$.Task.Token",
            },
          },
          TimeoutSecondsPath: "$.approval.timeoutSeconds",
          ResultPath: "$.decision",
          Retry: [lambdaServiceRetry, mailDeliveryRetry],
          Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "ConfirmationLapsed" }],
          Next: "ConfirmationDecided",
        },
        ConfirmationDecided: invokeTask(
          fn,
          { task: "applyConfirmation", ...subject, "decision.$": "$.decision" },
          "Dispatch",
          "$.next",
        ),
        // No answer within the window: the case stays closed.
        ConfirmationLapsed: invokeTask(fn, { task: "confirmationLapsed", ...subject }, "Done"),
        Done: { Type: "Succeed" },
      },
    };
  },
});
