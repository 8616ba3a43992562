import { workflows } from "../packages/core/src/workflow/registry";
import type { TaskGroup } from "../packages/core/src/workflow/tasks";
import { taskFunctions } from "./tasks";

const functionArns = $resolve(
  Object.fromEntries(Object.entries(taskFunctions).map(([group, fn]) => [group, fn.arn])) as Record<
    TaskGroup,
    $util.Output<string>
  >,
);

/** Step Functions may invoke exactly the task functions, nothing else. */
const role = new aws.iam.Role("WorkflowsRole", {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "states.amazonaws.com" }),
});
new aws.iam.RolePolicy("WorkflowsInvokeTasks", {
  role: role.id,
  policy: functionArns.apply((arns) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["lambda:InvokeFunction"],
          Resource: Object.values(arns).flatMap((arn) => [arn, `${arn}:*`]),
        },
      ],
    }),
  ),
});

/**
 * Every workflow in core, deployed from the very definition the local engine runs (JSONPath ASL,
 * task ARNs filled in). sst.aws.StepFunctions emits JSONata, hence the plain Pulumi resource.
 */
export const stateMachines = workflows.map(
  (workflow) =>
    [
      workflow.name,
      new aws.sfn.StateMachine(`Workflow-${workflow.name}`, {
        name: `${$app.name}-${$app.stage}-${workflow.name}`,
        type: "STANDARD",
        roleArn: role.arn,
        definition: functionArns.apply((arns) => JSON.stringify(workflow.definition(arns))),
      }),
    ] as const,
);

/**
 * Linked to the functions that start workflows and decide their waiting steps: gives them the
 * state machine ARNs as `Resource.Workflows[name]` and exactly the permissions they need.
 */
export const workflowsLink = new sst.Linkable("Workflows", {
  properties: Object.fromEntries(stateMachines.map(([name, machine]) => [name, machine.arn])),
  include: [
    sst.aws.permission({
      actions: [
        "states:StartExecution",
        "states:DescribeExecution",
        "states:ListExecutions",
        "states:ListStateMachines",
      ],
      resources: [
        ...stateMachines.map(([, machine]) => machine.arn),
        ...stateMachines.map(
          ([, machine]) =>
            $interpolate`${machine.arn.apply((arn) => arn.replace(":stateMachine:", ":execution:"))}:*`,
        ),
      ],
    }),
    sst.aws.permission({
      actions: ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"],
      resources: stateMachines.map(([, machine]) => machine.arn),
    }),
  ],
});
