import { approvalStates, invokeTask, PARKED, resumeApprovalRule } from "../workflow/approval";
import { LAMBDA_INVOKE, lambdaServiceRetry, WAIT_FOR_TASK_TOKEN } from "../workflow/asl";
import { defineWorkflow } from "../workflow/workflow";

/**
 * Recruitment: acknowledge → village recommendation → basic training (Bimtek dasar) → district
 * verification (SK) → active member. Input: `{ registrationId, startAt, resume, policy, approval? }`,
 * where `startAt` is the stage the registration records, so the reconciler can resume it there, and
 * `approval` where that stage's approval stood (see `approvalStates`).
 */
export const recruitmentWorkflow = defineWorkflow({
  name: "recruitment",
  description: "PSM recruitment with email approvals, reminders and escalation.",
  taskGroups: ["recruitment"],
  definition: ({ recruitment: fn }) => {
    const subject = { "registrationId.$": "$.registrationId" };
    return {
      Comment: "PSM recruitment: village recommendation, Bimtek dasar, district verification.",
      StartAt: "Route",
      States: {
        Route: {
          Type: "Choice",
          Choices: [
            resumeApprovalRule("Village", { Variable: "$.startAt", StringEquals: "village-recommendation" }),
            resumeApprovalRule("District", { Variable: "$.startAt", StringEquals: "district-verification" }),
            { Variable: "$.startAt", StringEquals: "basic-training", Next: "TrainingWait" },
            { Variable: "$.startAt", StringEquals: "district-verification", Next: "DistrictStart" },
            { Variable: "$.resume", BooleanEquals: true, Next: "VillageStart" },
          ],
          Default: "Acknowledge",
        },
        Acknowledge: invokeTask(fn, { task: "acknowledge", ...subject }, "VillageStart"),
        ...approvalStates({
          prefix: "Village",
          step: "village-recommendation",
          levels: ["village", "district", "province"],
          responseSecondsPath: "$.policy.recruitment.villageResponseSeconds",
          remindersPath: "$.policy.recruitment.villageReminders",
          functionArn: fn,
          subject,
          next: "VillageDecided",
        }),
        VillageDecided: invokeTask(
          fn,
          { task: "applyDecision", step: "village-recommendation", ...subject, "decision.$": "$.decision" },
          "VillageOutcome",
          "$.outcome",
        ),
        VillageOutcome: {
          Type: "Choice",
          Choices: [{ Variable: "$.outcome.value.outcome", StringEquals: "rejected", Next: "Done" }],
          Default: "TrainingWait",
        },
        TrainingWait: {
          Type: "Task",
          Resource: `${LAMBDA_INVOKE}${WAIT_FOR_TASK_TOKEN}`,
          Parameters: {
            FunctionName: fn,
            Payload: {
              task: "awaitTraining",
              ...subject,
              "taskToken.$": "$$.Task.Token",
              "validForSeconds.$": "$.policy.recruitment.basicTrainingSeconds",
            },
          },
          TimeoutSecondsPath: "$.policy.recruitment.basicTrainingSeconds",
          ResultPath: "$.training",
          Retry: [lambdaServiceRetry],
          Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "TrainingOverdue" }],
          Next: "TrainingDone",
        },
        // The district is told and the applicant informed; the candidate may still complete it. The
        // execution then parks (a Succeed the reconciler restarts at this stage with a fresh wait), so
        // rounds of 180 days never carry one execution past Step Functions' one-year limit.
        TrainingOverdue: invokeTask(fn, { task: "trainingOverdue", ...subject }, "TrainingPark"),
        TrainingPark: {
          Type: "Pass",
          Parameters: { step: "basic-training" },
          ResultPath: "$.parked",
          Next: PARKED,
        },
        TrainingDone: invokeTask(
          fn,
          { task: "recordTraining", ...subject, "training.$": "$.training" },
          "DistrictStart",
        ),
        ...approvalStates({
          prefix: "District",
          step: "district-verification",
          levels: ["district", "province"],
          responseSecondsPath: "$.policy.recruitment.districtResponseSeconds",
          remindersPath: "$.policy.recruitment.districtReminders",
          functionArn: fn,
          subject,
          next: "DistrictDecided",
        }),
        DistrictDecided: invokeTask(
          fn,
          { task: "applyDecision", step: "district-verification", ...subject, "decision.$": "$.decision" },
          "Done",
        ),
        Done: { Type: "Succeed" },
      },
    };
  },
});
