import { LAMBDA_INVOKE, lambdaServiceRetry, mailDeliveryRetry } from "../workflow/asl";
import { defineWorkflow } from "../workflow/workflow";

/**
 * After a deploy, an IT officer starts this to prove the whole chain works: Step Functions invokes
 * the notifications Lambda, which sends a test message through the real mail path.
 * Input: `{ "to": "operator@example.go.id" }` (defaults to OPERATOR_EMAIL when absent).
 */
export const systemCheckWorkflow = defineWorkflow({
  name: "system-check",
  description: "Sends a test email through the workflow → task Lambda → mail path.",
  taskGroups: ["notifications"],
  definition: (functions) => ({
    Comment: "System check: a task Lambda sends a test email.",
    StartAt: "SendTestEmail",
    States: {
      SendTestEmail: {
        Type: "Task",
        Resource: LAMBDA_INVOKE,
        Parameters: {
          FunctionName: functions.notifications,
          Payload: {
            task: "systemCheckEmail",
            "input.$": "$",
            "executionId.$": "$$.Execution.Id",
            "startedAt.$": "$$.Execution.StartTime",
          },
        },
        ResultSelector: { "messageId.$": "$.Payload.messageId", "to.$": "$.Payload.to" },
        ResultPath: "$.email",
        TimeoutSeconds: 60,
        Retry: [lambdaServiceRetry, mailDeliveryRetry],
        Next: "Done",
      },
      Done: { Type: "Succeed" },
    },
  }),
});
