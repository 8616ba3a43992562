import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { approvalToResume, deliverDecision, type ResumedApproval } from "../action/decision";
import { type CurrentRequest, closeOthers, getCurrentRequest, unappliedDecision } from "../action/repository";
import { forEachConcurrently } from "../concurrency";
import { workflowPolicy } from "../config/durations";
import { conditionFailed, db } from "../db/client";
import { logger } from "../log";
import { stateMachineArn, tableName } from "../resources";
import { sfn } from "../workflow/client";
import { registrationKeys } from "./keys";
import type { Registration } from "./model";
import type { RecruitmentStep } from "./recruitment";
import { listEvents, openRegistrationPages } from "./repository";

/** One execution per registration and attempt: a retried start with the same name is a no-op. */
export function executionName(registration: Pick<Registration, "id" | "workflowAttempt">): string {
  return `reg-${registration.id}-${registration.workflowAttempt ?? 1}`;
}

function executionArn(name: string): string {
  return stateMachineArn("recruitment").replace(":stateMachine:", ":execution:").concat(`:${name}`);
}

/**
 * Starts the recruitment execution at the stage the registration records. `resume` skips the
 * acknowledgement (already sent); `approval` continues the step's approval where it stood (same
 * level, reminder, deadline and links, or the decision already recorded).
 */
export async function startRecruitment(
  registration: Registration,
  resume: boolean,
  approval?: ResumedApproval,
): Promise<string> {
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
        ...(approval ? { approval } : {}),
      }),
    }),
  );
  return executionArn ?? name;
}

type Reconciled = "running" | "started" | "restarted";

/** The steps that wait on a request in the action table (the training's is answered by staff). */
const approvalSteps: ReadonlySet<string> = new Set<RecruitmentStep | "basic-training">([
  "village-recommendation",
  "basic-training",
  "district-verification",
]);

/** The request of the approval step the registration is at, if it is at one and it was asked. */
function currentRequestOf(registration: Registration): Promise<CurrentRequest | undefined> {
  if (!approvalSteps.has(registration.stage)) return Promise.resolve(undefined);
  return getCurrentRequest({
    subjectType: "registration",
    subjectId: registration.id,
    step: registration.stage,
  });
}

/** Makes sure one open registration has a running execution, continuing where it stood. */
export async function reconcileRegistration(registration: Registration): Promise<Reconciled> {
  const name = executionName(registration);
  let status: string | undefined;
  try {
    status = (await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(name) }))).status;
  } catch (error) {
    if (!(error instanceof ExecutionDoesNotExist)) throw error;
  }
  const current = await currentRequestOf(registration);
  if (status === "RUNNING") {
    // A decision stored while Step Functions could not take it: hand it over now. (Its task
    // closed meanwhile? Then the step's next ask applies it.)
    const decided = await unappliedDecision(current);
    if (decided) {
      await deliverDecision(decided);
      // Its page may have crashed before closing the other links: close them now.
      await closeOthers(decided);
    }
    return "running";
  }
  const approval = approvalToResume(current);
  if (status === undefined) {
    // Never started (a crash between save and start), or lost (the local engine restarted):
    // resume past the acknowledgement if the workflow got beyond it.
    const resume = current !== undefined || (await listEvents(registration.id)).length > 1;
    await startRecruitment(registration, resume, approval);
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
  await startRecruitment({ ...registration, workflowAttempt: attempt }, true, approval);
  return "restarted";
}

/** How many registrations are reconciled at once: enough to hide latency, few enough to share. */
const RECONCILE_CONCURRENCY = 12;

/**
 * Scheduled job (and, in the background, local start-up): every open registration gets a running
 * execution. Pages through them, so memory and the time to the first one do not grow with their
 * number; `signal` stops it between registrations (a stopping stack).
 */
export async function reconcileRegistrations(
  options: { signal?: AbortSignal } = {},
): Promise<Record<Reconciled | "failed", number>> {
  const counts: Record<Reconciled | "failed", number> = { running: 0, started: 0, restarted: 0, failed: 0 };
  for await (const page of openRegistrationPages()) {
    if (options.signal?.aborted) break;
    await forEachConcurrently(page, RECONCILE_CONCURRENCY, async (registration) => {
      if (options.signal?.aborted) return;
      try {
        counts[await reconcileRegistration(registration)] += 1;
      } catch (error) {
        // Another reconciler (start-up and the scheduler can overlap) started or bumped it first.
        if (error instanceof ExecutionAlreadyExists || conditionFailed(error)) {
          counts.running += 1;
          return;
        }
        counts.failed += 1;
        logger.error("Reconciliation failed", { registrationId: registration.id, error: error as Error });
      }
    });
  }
  if (counts.started + counts.restarted + counts.failed > 0) logger.info("Registrations reconciled", counts);
  return counts;
}
