import { DescribeExecutionCommand, ExecutionDoesNotExist, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { workflowPolicy } from "../config/durations";
import { db } from "../db/client";
import { logger } from "../log";
import { stateMachineArn, tableName } from "../resources";
import { sfn } from "../workflow/client";
import { registrationKeys } from "./keys";
import type { Registration } from "./model";
import { listEvents, listOpenRegistrations } from "./repository";

/** One execution per registration and attempt: a retried start with the same name is a no-op. */
export function executionName(registration: Pick<Registration, "id" | "workflowAttempt">): string {
  return `reg-${registration.id}-${registration.workflowAttempt ?? 1}`;
}

function executionArn(name: string): string {
  return stateMachineArn("recruitment").replace(":stateMachine:", ":execution:").concat(`:${name}`);
}

/**
 * Starts the recruitment execution at the stage the registration records. `resume` skips the
 * acknowledgement (already sent) and re-asks the current step with a fresh link.
 */
export async function startRecruitment(registration: Registration, resume: boolean): Promise<string> {
  const name = executionName(registration);
  const { executionArn } = await sfn().send(
    new StartExecutionCommand({
      stateMachineArn: stateMachineArn("recruitment"),
      name,
      input: JSON.stringify({
        registrationId: registration.id,
        startAt: registration.stage,
        resume,
        policy: workflowPolicy(),
      }),
    }),
  );
  return executionArn ?? name;
}

type Reconciled = "running" | "started" | "restarted";

/** Makes sure one open registration has a running execution. */
export async function reconcileRegistration(registration: Registration): Promise<Reconciled> {
  const name = executionName(registration);
  let status: string | undefined;
  try {
    status = (await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(name) }))).status;
  } catch (error) {
    if (!(error instanceof ExecutionDoesNotExist)) throw error;
  }
  if (status === "RUNNING") return "running";
  if (status === undefined) {
    // Never started (a crash between save and start), or lost (the local engine restarted):
    // resume past the acknowledgement if the workflow got beyond it.
    const resume = (await listEvents(registration.id)).length > 1;
    await startRecruitment(registration, resume);
    return "started";
  }
  // It ended but the registration is still open (a failure, or stopped by hand): a new attempt.
  const attempt = (registration.workflowAttempt ?? 1) + 1;
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: registrationKeys.registration(registration.id),
      UpdateExpression: "SET workflowAttempt = :next",
      ConditionExpression: "attribute_not_exists(workflowAttempt) OR workflowAttempt = :current",
      ExpressionAttributeValues: { ":next": attempt, ":current": registration.workflowAttempt ?? 1 },
    }),
  );
  await startRecruitment({ ...registration, workflowAttempt: attempt }, true);
  return "restarted";
}

/** Scheduled job (and local start-up): every open registration gets a running execution. */
export async function reconcileRegistrations(): Promise<Record<Reconciled, number>> {
  const counts: Record<Reconciled, number> = { running: 0, started: 0, restarted: 0 };
  for (const registration of await listOpenRegistrations()) {
    try {
      counts[await reconcileRegistration(registration)] += 1;
    } catch (error) {
      logger.error("Reconciliation failed", { registrationId: registration.id, error: error as Error });
    }
  }
  if (counts.started + counts.restarted > 0) logger.info("Registrations reconciled", counts);
  return counts;
}
