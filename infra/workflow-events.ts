import { lambdaDefaults, lambdaEnvironment } from "./defaults";
import { table } from "./table";
import { stateMachines, workflowsLink } from "./workflows";

/**
 * Step Functions tells us when an execution ends, so nothing polls: an execution that failed,
 * timed out, was aborted, or succeeded in its `Parked` state while its item is still open marks
 * the item for restart (packages/functions/src/events/execution-status.ts), and the next
 * scheduled reconciliation restarts it where it stood. The local engine calls the same handler.
 */
export const executionEvents = new sst.aws.Function("ExecutionEvents", {
  handler: "packages/functions/src/events/execution-status.handler",
  ...lambdaDefaults,
  timeout: "30 seconds",
  link: [table, workflowsLink],
  environment: lambdaEnvironment(),
});

/** Ended executions of our state machines only (core's ENDED_STATUSES in workflow/executions.ts). */
const executionEnded = new aws.cloudwatch.EventRule("ExecutionEnded", {
  description: "sigap: a workflow execution ended (restart it if its item is still open)",
  eventPattern: $jsonStringify({
    source: ["aws.states"],
    "detail-type": ["Step Functions Execution Status Change"],
    detail: {
      status: ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"],
      stateMachineArn: stateMachines.map(([, machine]) => machine.arn),
    },
  }),
});

new aws.cloudwatch.EventTarget("ExecutionEndedHandler", {
  rule: executionEnded.name,
  arn: executionEvents.arn,
  // A failed handling (DynamoDB throttled) is retried for a day; handling twice changes nothing.
  retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 24 * 3600 },
});

new aws.lambda.Permission("ExecutionEndedInvoke", {
  action: "lambda:InvokeFunction",
  function: executionEvents.name,
  principal: "events.amazonaws.com",
  sourceArn: executionEnded.arn,
});
