import type { EscalationLevel } from "../action/levels";
import { approvalStates, invokeTask, PARKED } from "../workflow/approval";
import {
  type ChoiceRule,
  LAMBDA_INVOKE,
  lambdaServiceRetry,
  mailDeliveryRetry,
  type State,
  WAIT_FOR_TASK_TOKEN,
} from "../workflow/asl";
import { defineWorkflow } from "../workflow/workflow";

/** The standard chain, and the violence route's: the kabupaten's UPTD PPA, then the province. */
const STANDARD: EscalationLevel[] = ["village", "district", "province"];
const VIOLENCE: EscalationLevel[] = ["ppa", "province"];

/**
 * Case escalation: the village (for violence, the kabupaten's UPTD PPA) takes the case in —
 * handle, refer or close — with reminders and escalation to the district and the province; whoever
 * took it reports the outcome by the urgency's deadline — resolved, refer, or extend once; once
 * closed, a reporter with an address may say it is not handled yet, which reopens it.
 *
 * Input: `{ caseId, policy, sla, next, parkAfter }`. `sla` is the policy for the case's urgency
 * (`caseSla`); `next` says where the case goes: `{ stage, level, seconds, firstSeconds, approval? }`,
 * `seconds` being the pace of reminders at each level of that stage, `firstSeconds` each level's
 * first wait (handling: the deadline at the level that took it), `approval` (a resume) where its
 * request stood. A handler silent after the reminders hands the case to the level above's
 * response step (`handlingLapsed`). A new
 * case, a resumed one (the reconciler) and every decision's outcome enter through `Dispatch`, so
 * what the case records is all a restart needs.
 *
 * Lifetime: every decision task stamps its result with the time (`$.next.at`); at `Dispatch` an
 * execution past `parkAfter` (its start plus the policy's `executionLifetimeSeconds`) ends in
 * `Parked` and the reconciler starts the next attempt where the case stands. Together with the
 * silent rounds' own `Parked` at the top of a stage, no execution nears Step Functions' one-year limit.
 */
export const caseEscalationWorkflow = defineWorkflow({
  name: "case-escalation",
  description: "PPKS case reports: response, handling and the reporter's confirmation, with escalation.",
  taskGroups: ["cases"],
  definition: ({ cases: fn }) => {
    const subject = { "caseId.$": "$.caseId" };
    const secondsAt = (levels: EscalationLevel[], field = "seconds") =>
      Object.fromEntries(levels.map((level) => [level, `$.next.${field}.${level}`]));
    const name = (level: EscalationLevel) => level.charAt(0).toUpperCase() + level.slice(1);
    /** One stage over one chain: entered fresh at `$.next.level` (resolved first) or resumed. */
    const phase = (
      prefix: string,
      step: "response" | "handling",
      levels: EscalationLevel[],
      apply: string,
    ) => {
      // Entered at any level of the chain (`Into…`), never at its first only: no `${prefix}Start`.
      const { [`${prefix}Start`]: _start, ...approval } = approvalStates({
        prefix,
        step,
        levels,
        duties: { village: "case-handler", district: "case-handler", province: "case-handler", ppa: "ppa" },
        responseSecondsPath: secondsAt(levels),
        firstResponseSecondsPath: secondsAt(levels, "firstSeconds"),
        remindersPath: "$.sla.reminders",
        functionArn: fn,
        subject,
        next: `${prefix}Decided`,
      });
      // A handler silent after their reminders: the level above is asked to take the case over
      // (handle, refer or close), not to report the outcome of a handling it never took.
      const takeovers =
        step === "handling"
          ? Object.fromEntries(
              levels
                .slice(1)
                .map((level) => [
                  `${prefix}To${name(level)}`,
                  invokeTask(
                    fn,
                    { task: "handlingLapsed", ...subject, "level.$": "$.approval.level" },
                    "Unwrap",
                    "$.next",
                  ),
                ]),
            )
          : {};
      return {
        [`Into${prefix}`]: {
          Type: "Pass",
          Parameters: { "level.$": "$.next.level" },
          ResultPath: "$.approval",
          Next: `${prefix}Resolve`,
        } satisfies State,
        [`ResumeInto${prefix}`]: {
          Type: "Pass",
          InputPath: "$.next.approval",
          ResultPath: "$.approval",
          Next: `${prefix}Resume`,
        } satisfies State,
        ...approval,
        ...takeovers,
        [`${prefix}Decided`]: invokeTask(
          fn,
          { task: apply, ...subject, "decision.$": "$.decision" },
          "Unwrap",
          "$.next",
        ),
      };
    };
    const stageIs = (stage: string) => ({ Variable: "$.next.stage", StringEquals: stage });
    const resuming = { Variable: "$.next.approval", IsPresent: true };
    const atPpa = (path: string) => ({ Variable: path, StringEquals: "ppa" });
    const routes = (stage: string, prefix: string): ChoiceRule[] => [
      { And: [stageIs(stage), resuming, atPpa("$.next.approval.level")], Next: `ResumeIntoPpa${prefix}` },
      { And: [stageIs(stage), resuming], Next: `ResumeInto${prefix}` },
      { And: [stageIs(stage), atPpa("$.next.level")], Next: `IntoPpa${prefix}` },
      { ...stageIs(stage), Next: `Into${prefix}` },
    ];
    return {
      Comment:
        "PPKS case: response, handling, reporter's confirmation; escalation village → district → province.",
      StartAt: "Dispatch",
      States: {
        Dispatch: {
          Type: "Choice",
          Choices: [
            // Old enough, and the case still open: hand it to a new execution at this boundary.
            {
              And: [
                { Variable: "$.parkAfter", IsPresent: true },
                { Variable: "$.next.at", IsPresent: true },
                { Not: stageIs("completed") },
                { Variable: "$.next.at", TimestampGreaterThanPath: "$.parkAfter" },
              ],
              Next: "ParkAtBoundary",
            },
            ...routes("response", "Response"),
            ...routes("handling", "Handling"),
            { And: [stageIs("confirmation"), resuming], Next: "ResumeIntoConfirmation" },
            { ...stageIs("confirmation"), Next: "IntoConfirmation" },
          ],
          Default: "Done",
        },
        ParkAtBoundary: {
          Type: "Pass",
          Parameters: { reason: "lifetime", "stage.$": "$.next.stage", "level.$": "$.next.level" },
          ResultPath: "$.parked",
          Next: PARKED,
        },
        [PARKED]: {
          Type: "Succeed",
          Comment: "Ran long enough or waited long enough; the reconciler starts the case again.",
        },
        // A task's result (`{value}`) becomes the next `$.next`.
        Unwrap: { Type: "Pass", InputPath: "$.next.value", ResultPath: "$.next", Next: "Dispatch" },
        ...phase("Response", "response", STANDARD, "applyResponse"),
        ...phase("PpaResponse", "response", VIOLENCE, "applyResponse"),
        ...phase("Handling", "handling", STANDARD, "applyHandling"),
        ...phase("PpaHandling", "handling", VIOLENCE, "applyHandling"),
        IntoConfirmation: {
          Type: "Pass",
          Parameters: { "timeoutSeconds.$": "$.sla.confirmationSeconds", expired: false },
          ResultPath: "$.approval",
          Next: "ConfirmationAsk",
        },
        ResumeIntoConfirmation: {
          Type: "Pass",
          InputPath: "$.next.approval",
          ResultPath: "$.approval",
          Next: "ConfirmationResume",
        },
        // Its window passed while the execution was lost: silence, as if it had timed out.
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
          // No answer in time, or no reporter address left to ask (erased on request since closing).
          Catch: [
            {
              ErrorEquals: ["States.Timeout", "NoReporterToAsk"],
              ResultPath: null,
              Next: "ConfirmationLapsed",
            },
          ],
          Next: "ConfirmationDecided",
        },
        ConfirmationDecided: invokeTask(
          fn,
          { task: "applyConfirmation", ...subject, "decision.$": "$.decision" },
          "Unwrap",
          "$.next",
        ),
        // No answer within the window: the case stays closed.
        ConfirmationLapsed: invokeTask(fn, { task: "confirmationLapsed", ...subject }, "Done"),
        Done: { Type: "Succeed" },
      },
    };
  },
});
