import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { now, nowIso } from "../clock";
import { logger } from "../log";
import { isClosedTaskError, sfn } from "../workflow/client";
import { clearReconciliationMark, markForReconciliation } from "../workflow/executions";
import { actionKeys } from "./keys";
import type { EscalationLevel } from "./levels";
import {
  type Action,
  actionRef,
  type CurrentRequest,
  closeAction,
  closeOthers,
  type DecisionChoice,
  getAction,
  getCurrentRequest,
  isExpired,
  type RequestSubject,
  rebindAction,
  recordDecision,
  unappliedDecision,
} from "./repository";

/**
 * A recorded decision is the source of truth of an approval step; the workflow execution only
 * carries it. These are the operations shared by every workflow that asks people: hand a recorded
 * decision to the waiting task, and, when a step is asked again (a resumed or re-driven execution,
 * a retried task), apply the decision already made or keep the links already sent.
 */

/** What a waiting approval task receives: no action id (the link's secret), only its reference. */
export interface RecordedDecision {
  decision: string;
  reason?: string;
  note?: string;
  actionRef: string;
  decidedBy: { name: string; email: string; level: string };
  onBehalf: boolean;
  /** Details of the answer, when a staff endpoint gave some (see `DecisionChoice.answer`). */
  answer?: Record<string, string>;
}

export function recordedDecision(action: Action): RecordedDecision {
  return {
    decision: action.decision ?? "",
    ...(action.reason ? { reason: action.reason } : {}),
    ...(action.note ? { note: action.note } : {}),
    actionRef: actionRef(action.id),
    decidedBy: { name: action.addressee.name, email: action.addressee.email, level: action.level },
    onBehalf: action.onBehalf,
    ...(action.answer ? { answer: action.answer } : {}),
  };
}

/**
 * Hands a recorded decision to the task its action is bound to. "closed" when that task is gone
 * (timed out, or its execution lost or stopped): the decision stays recorded and is applied when
 * the step is asked again. Other failures (Step Functions unreachable) throw.
 */
export async function deliverDecision(
  action: Action,
  taskToken = action.taskToken,
): Promise<"delivered" | "closed"> {
  try {
    await sfn().send(
      new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(recordedDecision(action)) }),
    );
    return "delivered";
  } catch (error) {
    if (isClosedTaskError(error)) return "closed";
    throw error;
  }
}

/**
 * The step's decision that was recorded but not yet applied by the workflow (an answer given while
 * Step Functions could not take it, or just before a timeout): a timeout handler lets it win over
 * silence, a reconciler hands it over.
 */
export async function storedDecision(subject: RequestSubject): Promise<Action | undefined> {
  return unappliedDecision(await getCurrentRequest(subject));
}

/**
 * A step's deadline passed with nobody answering as far as the workflow knows: the request's
 * pending links are closed first (pending → expired, each conditionally), so an answer given at the
 * same instant is either recorded before — and returned here: it wins — or refused after (its page
 * then says the time ran out). Never both, never neither.
 */
export async function closeAtDeadline(subject: RequestSubject): Promise<Action | undefined> {
  const current = await getCurrentRequest(subject);
  for (const id of current?.actionIds ?? []) await closeAction(id, "expired");
  return storedDecision(subject);
}

/**
 * A reconciler's `whileRunning`: a decision stored while Step Functions could not take it is handed
 * to the running execution now (its task closed meanwhile? then the step's next ask applies it),
 * and the request's other links are closed in case its page crashed before closing them.
 */
export async function deliverStoredDecision(subject: RequestSubject | undefined): Promise<void> {
  const decided = subject ? await storedDecision(subject) : undefined;
  if (!decided) return;
  await deliverDecision(decided);
  await closeOthers(decided);
}

export type AskPreparation =
  /** A decision was already recorded: handed to this task; nobody is asked. */
  | { kind: "decided"; action: Action }
  /** The links already sent at this level and reminder still work: bound to this task. */
  | { kind: "rebound"; actions: Action[] }
  /** Nothing to continue from: ask with new links, replacing the request as it was just read. */
  | { kind: "ask"; current: CurrentRequest | undefined };

/**
 * What an ask step does before asking anyone. A recorded but unapplied decision is handed to the
 * new task instead of asking again; pending, unexpired links of the same level and reminder are
 * re-bound to the new task (same links, no new email).
 */
export async function prepareAsk(
  subject: RequestSubject,
  asked: { level: EscalationLevel; reminders: number; silentRounds?: number; taskToken: string },
  /** The request as the caller just read it (consistently): not read again. */
  known?: { current: CurrentRequest | undefined },
): Promise<AskPreparation> {
  let current = known ? known.current : await getCurrentRequest(subject);
  const decided = await unappliedDecision(current);
  if (decided) return handOver(decided, asked.taskToken);
  const sameAsk = (request: CurrentRequest | undefined): request is CurrentRequest =>
    request?.approval?.level === asked.level &&
    request.approval.reminders === asked.reminders &&
    (request.approval.silentRounds ?? 0) === (asked.silentRounds ?? 0);
  if (!sameAsk(current)) return { kind: "ask", current };

  // A directory change may move the request (new links on the old token) while we re-bind: read
  // the request again after each pass and re-bind the links it gained, until it gains none.
  const rebound = new Map<string, Action>();
  const seen = new Set<string>();
  for (let pass = 0; pass < MAX_REBIND_PASSES; pass++) {
    const fresh = current.actionIds.filter((id) => !seen.has(id));
    if (fresh.length === 0) break;
    for (const id of fresh) {
      seen.add(id);
      const action = await getAction(id);
      if (action?.status !== "pending" || isExpired(action)) continue;
      if (await rebindAction(id, asked.taskToken)) rebound.set(id, { ...action, taskToken: asked.taskToken });
    }
    const latest = await getCurrentRequest(subject);
    // Asked anew meanwhile (another execution's reminder): those links are not ours to take.
    if (!sameAsk(latest)) break;
    current = latest;
  }
  const left = current.actionIds.filter((id) => !seen.has(id)).length;
  if (left > 0)
    logger.warn("Request kept changing while re-binding; links left on the old task", { ...subject, left });
  // A decision recorded while re-binding went to the old task: hand it to this one.
  const after = await getCurrentRequest(subject);
  const decidedMeanwhile = await unappliedDecision(after);
  if (decidedMeanwhile) return handOver(decidedMeanwhile, asked.taskToken);
  // Links re-bound but since closed (moved away by a directory change) are no longer asked.
  const live = current.actionIds.flatMap((id) => rebound.get(id) ?? []);
  return live.length > 0 ? { kind: "rebound", actions: live } : { kind: "ask", current: after };
}

/** Re-binding rounds before giving up on a request that keeps changing (one per directory change). */
const MAX_REBIND_PASSES = 5;

/** A recorded decision goes to the asking task, and the request's other links close. */
async function handOver(decided: Action, taskToken: string): Promise<AskPreparation> {
  await deliverDecision(decided, taskToken);
  await closeOthers(decided);
  return { kind: "decided", action: decided };
}

/**
 * Where a resumed execution's approval continues (`$.approval` in its input): the level and
 * reminder it had reached and the time left until its links expire. `expired` sends it straight to
 * what a timeout does (the next reminder, escalation or silent round); a recorded decision is never
 * expired. `silentRounds`/`mail`: an unexpired silent round continues silently; an expired one
 * starts the new execution's count of silent rounds again (a parked item restarted by the
 * reconciler waits another bounded stretch, never past Step Functions' one-year limit).
 */
export interface ResumedApproval {
  level: EscalationLevel;
  reminders: number;
  timeoutSeconds: number;
  expired: boolean;
  silentRounds: number;
  mail: boolean;
}

export function approvalToResume(current: CurrentRequest | undefined): ResumedApproval | undefined {
  if (!current?.approval || !current.validUntil || current.appliedAt) return undefined;
  const left = Math.ceil((new Date(current.validUntil).getTime() - now().getTime()) / 1000);
  const decided = current.decidedActionId !== undefined;
  const expired = !decided && left <= 0;
  const silentRounds = expired ? 0 : (current.approval.silentRounds ?? 0);
  return {
    level: current.approval.level,
    reminders: current.approval.reminders,
    // A decided step is handed its decision at once; the margin only keeps the wait from racing it.
    timeoutSeconds: Math.max(decided ? 60 : 1, left),
    expired,
    silentRounds,
    mail: silentRounds === 0,
  };
}

/** How a person's decision on a link ended. */
export type DecisionOutcome =
  /** Stored; `delivery` says whether the waiting task took it now ("closed"/"failed": applied later). */
  | { recorded: true; decidedAt: string; delivery: "delivered" | "closed" | "failed" }
  /** Not stored: the link as it stands now (decided by another addressee, or replaced). */
  | { recorded: false; action: Action };

/**
 * Decides a pending action: the one path from an addressee's choice to the workflow. The decision
 * is stored first (a crash after that loses nothing), then handed to the waiting task, then every
 * other link of the request is closed. Any page or endpoint that lets a person decide calls this.
 */
export async function decide(action: Action, choice: DecisionChoice): Promise<DecisionOutcome> {
  const decidedAt = nowIso();
  if (!(await recordDecision(action, choice, decidedAt))) {
    return { recorded: false, action: await whyNotRecorded(action) };
  }
  const ref = actionRef(action.id);
  // The freshest token: a resumed step may have re-bound the link since it was loaded.
  const recorded = (await getAction(action.id)) ?? action;
  let delivery: "delivered" | "closed" | "failed";
  try {
    // "closed": the task is gone (timed out, or its execution lost); the step applies the
    // recorded decision when it is asked again (the reminder, or the reconciler's restart).
    delivery = await deliverDecision(recorded);
    // Taken: the mark recorded with the decision is no longer needed. ("closed" keeps it: the
    // reconciler then makes sure an execution is there to apply the decision.)
    if (delivery === "delivered") {
      await clearReconciliationMark(
        actionKeys.current(action.subjectType, action.subjectId, action.step),
      ).catch((clearError: unknown) =>
        logger.warn("Reconciliation mark not cleared", { actionRef: ref, error: clearError as Error }),
      );
    }
  } catch (error) {
    // Step Functions unreachable: the decision is stored; the request is marked so the
    // reconciler hands it over (and, should even the mark fail, the step's next ask does).
    logger.warn("Decision stored but not yet handed to the workflow", {
      actionRef: ref,
      error: error as Error,
    });
    delivery = "failed";
    await markForReconciliation(
      actionKeys.current(action.subjectType, action.subjectId, action.step),
      action.workflow,
      action.subjectId,
    ).catch((markError: unknown) =>
      logger.warn("Request not marked for reconciliation", { actionRef: ref, error: markError as Error }),
    );
  }
  // The request's links as they are now, not as loaded: a directory change may have added some.
  await closeOthers({ ...action, decidedAt, decidedBy: choice.decidedBy ?? action.addressee.name });
  logger.info("Decision recorded", {
    actionRef: ref,
    step: action.step,
    decision: choice.decision,
    delivery,
  });
  return { recorded: true, decidedAt, delivery };
}

/** The link as it stands after its decision could not be recorded: decided by another, or replaced. */
async function whyNotRecorded(action: Action): Promise<Action> {
  const fresh = (await getAction(action.id)) ?? action;
  if (fresh.status !== "pending") return fresh;
  // Still pending: another addressee's decision claimed the request first, or a newer request replaced it.
  const current = await getCurrentRequest(action);
  const decider = current?.decidedActionId ? await getAction(current.decidedActionId) : undefined;
  if (decider && current?.actionIds.includes(action.id)) {
    const decidedAt = decider.decidedAt ?? current.decidedAt;
    return {
      ...fresh,
      status: "used",
      decidedBy: decider.addressee.name,
      ...(decidedAt ? { decidedAt } : {}),
    };
  }
  return { ...fresh, status: "superseded" };
}
