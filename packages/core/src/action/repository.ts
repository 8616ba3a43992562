import { createHash, randomBytes } from "node:crypto";
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { now, nowIso } from "../clock";
import { conditionFailed, db } from "../db/client";
import { tableSchema } from "../db/schema";
import { tableName } from "../resources";
import type { ApprovalLevel, Approver, Duty } from "../staff/directory";
import { timeZoneOf } from "../time";
import { startPending } from "../workflow/executions";
import { ACTION_ID_PATTERN, actionKeys as keys, LEAVE_PENDING_INDEX } from "./keys";
import type { EscalationLevel } from "./levels";

/**
 * An email action: one human decision a workflow waits for. The email carries only the action id;
 * the task token stays here. Single use, expires with its task, superseded by a reminder's new one.
 */
export type ActionStatus = "pending" | "used" | "superseded" | "expired" | "reassigned";

/** How urgent the subject is (a case's urgency; anything without one is `normal`). */
export type ActionUrgency = "emergency" | "high" | "normal";

/**
 * A field an option takes beside its reason (e.g. the PSM a handler assigns): shown on the action
 * page with that option only, validated there, stored in the decision's `answer[field]`.
 */
export interface ActionInput {
  field: string;
  label: string;
  /** The whole value must match it (also the page's HTML `pattern`). */
  pattern: string;
  /** Said when the value does not match, e.g. the expected format. */
  hint: string;
  /** Upper-cased before matching (codes such as member numbers). */
  uppercase?: boolean;
  required?: boolean;
}

export interface ActionOption {
  value: string;
  label: string;
  /** A reason is required with this option (e.g. a rejection). */
  requiresReason?: boolean;
  input?: ActionInput;
}

/** Who answers an action: staff (the default), or the member of the public who reported the subject. */
export type ActionAudience = "staff" | "reporter";

export interface Action {
  /** The secret in the link: never logged, never handed to a workflow (`actionRef` is its public name). */
  id: string;
  status: ActionStatus;
  taskToken: string;
  workflow: string;
  subjectType: string;
  subjectId: string;
  step: string;
  level: ApprovalLevel;
  regionCode: string;
  /** The directory duty the addressee was found under (absent: `approver`, as before duties). */
  duty?: Duty;
  addressee: Approver;
  /** True when the addressee decides in place of an absent or silent lower level. */
  onBehalf: boolean;
  /** Asked because nobody (reachable) is listed where the request belongs (told in its email). */
  approverMissing?: boolean;
  /**
   * Answered from a staff endpoint, not an email link (e.g. the Bimtek dasar completion): no email,
   * and in no approver's index (no directory move, no digest).
   */
  viaStaff?: boolean;
  /** Details of the answer beyond the decision (e.g. the training's completion date and recorder). */
  answer?: Record<string, string>;
  question: string;
  options: ActionOption[];
  /**
   * Who answers it (absent: `staff`). A reporter's page shows only what they may see of the
   * subject (its describer decides), and no internal note field.
   */
  audience?: ActionAudience;
  createdAt: string;
  validUntil: string;
  decidedAt?: string;
  decision?: string;
  /** The decider's reason (told to the subject) and internal note. */
  reason?: string;
  note?: string;
  /** Who decided: this addressee, or another addressee of the same request. */
  decidedBy?: string;
  /** When its email was handed over; a re-asked step mails only the links not yet sent. */
  mailedAt?: string;
  supersededBy?: string;
  /** Who holds the request now, when a directory change moved it away from this addressee. */
  reassignedTo?: string;
  /** The subject's urgency, set by the asking code, so the daily digest sorts without reading it. */
  urgency?: ActionUrgency;
  /**
   * One line naming the subject for the daily digest, set by the asking code: for a sensitive
   * subject only its code and type, never personal data.
   */
  summary?: string;
  /**
   * When the request first fell due: the deadline of its first ask, kept through reminders and
   * escalation, so the digest can say how overdue the item is (each new link has a fresh deadline).
   */
  dueAt?: string;
}

/**
 * Where an approval stood when it asked: the chain's first level, the level asked, the reminders
 * already sent there, and (at the top, after its reminders) the rounds asked without email.
 */
export interface ApprovalState {
  startLevel: EscalationLevel;
  level: EscalationLevel;
  reminders: number;
  silentRounds?: number;
}

/**
 * The step's current request (`actionKeys.current`): its links, where the approval stood and until
 * when, and — once an addressee decided — which action holds the decision and whether the workflow
 * applied it. This, not the execution, is the source of truth a resumed workflow continues from.
 */
export interface CurrentRequest {
  actionIds: string[];
  approval?: ApprovalState;
  validUntil?: string;
  /** When the request first fell due (see `Action.dueAt`). */
  dueAt?: string;
  decidedActionId?: string;
  decidedAt?: string;
  appliedAt?: string;
}

/** What a person answers: the option chosen, and what goes with it. */
export interface DecisionChoice {
  decision: string;
  reason?: string;
  note?: string;
  /** Details of the answer (a staff endpoint's fields). */
  answer?: Record<string, string>;
  /** Who answered, when not the addressee (a staff member on an endpoint). */
  decidedBy?: string;
}

export interface RequestSubject {
  subjectType: string;
  subjectId: string;
  step: string;
}

/**
 * A non-secret reference to an action, for logs and execution history: a digest of its 192-bit
 * random id, which it cannot reveal. Computed where needed, never stored.
 */
export function actionRef(id: string): string {
  return createHash("sha256").update(id).digest("base64url").slice(0, 12);
}

/** Kept after expiry so an old link still explains itself; then DynamoDB deletes it. */
const KEEP_AFTER_EXPIRY_SECONDS = 90 * 24 * 3600;

/** The secret in an email link: 192 random bits. */
export function newActionId(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * An action as stored: its keys, its region index entry, its pending index entry while pending,
 * and deletion well after expiry.
 */
export function actionItem(action: Action): Record<string, unknown> {
  // Staff work only: a staff-answered request has no link, and a reporter's question is not staff's to
  // take over (a directory change) nor to list in a staff digest.
  const staffWork = !action.viaStaff && action.audience !== "reporter";
  return {
    ...action,
    ...keys.action(action.id),
    ...(staffWork ? keys.byApproverRegion(action.regionCode, action.createdAt, action.id) : {}),
    // In the daily digest while pending.
    ...(action.status === "pending" && staffWork
      ? keys.pendingByZone(timeZoneOf(action.regionCode), action.addressee.email, action.createdAt, action.id)
      : {}),
    entity: "action",
    [tableSchema.ttl]: Math.floor(new Date(action.validUntil).getTime() / 1000) + KEEP_AFTER_EXPIRY_SECONDS,
  };
}

/**
 * Asks one decision of several addressees: each gets an action of their own (their own link),
 * all answering the same waiting task. They become the step's current actions; the ones they
 * replace stop working. Deciding with one closes the others (see `closeOthers`). Undefined (and
 * nothing replaced) when the current request was decided meanwhile: that decision must be applied.
 * `carried`: links of the request being replaced whose addressees are asked again without an email
 * (escalated to someone who already holds it, a silent round): they stay valid, bound to the new
 * task and deadline, and are returned first. `known.current`: the request as the caller just read it
 * (saves reading it again). The new links and the request are written in one transaction, on the
 * condition that the request still holds the links it was read with (else it is read again).
 * `alongside`: items written in the same transaction (the subject's audit event of this ask).
 */
export async function createActions(
  fields: Omit<Action, "id" | "status" | "createdAt" | "validUntil" | "addressee">,
  addressees: Approver[],
  validForSeconds: number,
  approval: ApprovalState,
  carried: Action[] = [],
  known?: { current: CurrentRequest | undefined },
  alongside: Record<string, unknown>[] = [],
): Promise<Action[] | undefined> {
  const createdAt = nowIso();
  const expires = new Date(now().getTime() + validForSeconds * 1000);
  let current = known ? known.current : await getCurrentRequest(fields);
  const dueAt = fields.dueAt ?? dueAtOf(current, approval, expires.toISOString());
  const actions: Action[] = addressees.map((addressee) => ({
    ...fields,
    id: newActionId(),
    addressee,
    status: "pending",
    createdAt,
    validUntil: expires.toISOString(),
    dueAt,
  }));
  const kept = await carryOver(carried, { ...fields, dueAt }, expires.toISOString());
  const ids = [...kept.map((a) => a.id), ...actions.map((a) => a.id)];
  for (let attempt = 1; ; attempt++) {
    if (
      await replaceRequest(fields, actions, ids, approval, expires.toISOString(), dueAt, current, alongside)
    )
      break;
    // Decided and not applied: a decided request is not asked again.
    current = await getCurrentRequest(fields);
    if (current?.decidedActionId && !current.appliedAt) return undefined;
    // Changed under us (a directory change moved its links): once more with what it holds now.
    if (attempt >= MAX_REPLACE_ATTEMPTS) throw new Error("The request kept changing while asking");
  }
  for (const previousId of current?.actionIds ?? []) {
    if (!ids.includes(previousId))
      await closeAction(previousId, "superseded", { supersededBy: ids[0] as string });
  }
  return [...kept, ...actions];
}

/** Rounds of "the request changed between reading and replacing it" before giving up (a task retry). */
const MAX_REPLACE_ATTEMPTS = 5;

/**
 * One transaction: the new actions, and the request pointing at them — never over a decision not
 * yet applied, and only if its links are still those of `previous` (so the ones replaced are known
 * without ReturnValues, which transactions do not give).
 */
async function replaceRequest(
  subject: RequestSubject,
  actions: Action[],
  ids: string[],
  approval: ApprovalState,
  validUntil: string,
  dueAt: string,
  previous: CurrentRequest | undefined,
  alongside: Record<string, unknown>[],
): Promise<boolean> {
  const previousIds = previous?.actionIds;
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          ...actions.map((action) => ({
            Put: {
              TableName: tableName(),
              Item: actionItem(action),
              ConditionExpression: "attribute_not_exists(pk)",
            },
          })),
          {
            Update: {
              TableName: tableName(),
              Key: keys.current(subject.subjectType, subject.subjectId, subject.step),
              // A new request: the approval state it asks at, and no decision yet.
              UpdateExpression:
                "SET actionIds = :ids, entity = :entity, approval = :approval, validUntil = :validUntil, dueAt = :dueAt REMOVE decidedActionId, decidedAt, appliedAt",
              ConditionExpression: `(attribute_not_exists(decidedActionId) OR attribute_exists(appliedAt)) AND ${
                previousIds ? "actionIds = :previousIds" : "attribute_not_exists(actionIds)"
              }`,
              ExpressionAttributeValues: {
                ":ids": ids,
                ":entity": "current-actions",
                ":approval": approval,
                ":validUntil": validUntil,
                ":dueAt": dueAt,
                ...(previousIds ? { ":previousIds": previousIds } : {}),
              },
            },
          },
          // After the request, so its index stays `actions.length`.
          ...alongside.map((item) => ({ Put: { TableName: tableName(), Item: item } })),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error, actions.length)) return false;
    throw error;
  }
}

/**
 * When a request falls due: a first ask (or the first after a decision was applied) is due when
 * its links expire; a reminder or escalation of an undecided request keeps the deadline it had.
 */
function dueAtOf(previous: CurrentRequest | undefined, approval: ApprovalState, expires: string): string {
  const firstAsk = approval.reminders === 0 && approval.level === approval.startLevel;
  if (firstAsk || !previous || previous.appliedAt) return expires;
  return previous.dueAt ?? previous.validUntil ?? expires;
}

/**
 * Re-binds still-pending links to a new ask (task, level, deadline); the id — the link in the
 * addressee's inbox — stays. A link that left `pending` meanwhile (decided, moved) is not carried.
 */
async function carryOver(
  carried: Action[],
  fields: Omit<Action, "id" | "status" | "createdAt" | "validUntil" | "addressee">,
  validUntil: string,
): Promise<Action[]> {
  const kept: Action[] = [];
  for (const previous of carried) {
    const action: Action = { ...previous, ...fields, validUntil, mailedAt: previous.mailedAt ?? nowIso() };
    try {
      await db().send(
        new PutCommand({
          TableName: tableName(),
          Item: actionItem(action),
          ConditionExpression: "#status = :pending",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":pending": "pending" },
        }),
      );
      kept.push(action);
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  }
  return kept;
}

/**
 * After one addressee decided: every other link of the request stops working and says who decided.
 * Reads the request's links as they are now (a directory change may have added some since the
 * decider's link was loaded), and only while the request is still the one that decision claimed.
 * Safe to repeat: whoever hands the decision over (the page, a resumed ask, the reconciler) calls
 * it, so a crash between recording and closing leaves no link open.
 */
export async function closeOthers(decided: Action): Promise<void> {
  const current = await getCurrentRequest(decided);
  if (current?.decidedActionId !== decided.id) return;
  const details = {
    decidedAt: decided.decidedAt ?? current.decidedAt ?? nowIso(),
    decidedBy: decided.decidedBy ?? decided.addressee.name,
  };
  for (const id of current.actionIds) {
    if (id !== decided.id) await closeAction(id, "used", details);
  }
}

export async function getAction(id: string): Promise<Action | undefined> {
  if (!ACTION_ID_PATTERN.test(id)) return undefined;
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.action(id) }));
  return Item as Action | undefined;
}

export async function getCurrentRequest(subject: RequestSubject): Promise<CurrentRequest | undefined> {
  const { Item } = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.current(subject.subjectType, subject.subjectId, subject.step),
      ConsistentRead: true,
    }),
  );
  return Item as CurrentRequest | undefined;
}

/**
 * Records an addressee's decision on the action and claims the request for it, in one transaction:
 * one decision per request however many addressees answer at once, and stored before any workflow
 * hears of it. False when the action was no longer pending or the request already decided.
 */
export async function recordDecision(
  action: Action,
  choice: DecisionChoice,
  decidedAt: string,
): Promise<boolean> {
  const details: Record<string, string | Record<string, string>> = {
    decision: choice.decision,
    decidedAt,
    decidedBy: choice.decidedBy ?? action.addressee.name,
    ...(choice.reason ? { reason: choice.reason } : {}),
    ...(choice.note ? { note: choice.note } : {}),
    ...(choice.answer ? { answer: choice.answer } : {}),
  };
  const mark = startPending(action.workflow, action.subjectId);
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: keys.action(action.id),
              UpdateExpression: `SET #status = :used, ${Object.keys(details)
                .map((k) => `${k} = :${k}`)
                .join(", ")} ${LEAVE_PENDING_INDEX}`,
              ConditionExpression: "#status = :pending",
              ExpressionAttributeNames: { "#status": "status" },
              ExpressionAttributeValues: {
                ":used": "used",
                ":pending": "pending",
                ...Object.fromEntries(Object.entries(details).map(([k, v]) => [`:${k}`, v])),
              },
            },
          },
          {
            Update: {
              TableName: tableName(),
              Key: keys.current(action.subjectType, action.subjectId, action.step),
              // Marked for the reconciler with the decision, and cleared once the workflow took it:
              // a crash between the two leaves the mark, and the reconciler hands the decision over.
              UpdateExpression:
                "SET decidedActionId = :id, decidedAt = :decidedAt, gsi3pk = :markPk, gsi3sk = :markSk",
              ConditionExpression: "contains(actionIds, :id) AND attribute_not_exists(decidedActionId)",
              ExpressionAttributeValues: {
                ":id": action.id,
                ":decidedAt": decidedAt,
                ":markPk": mark.gsi3pk,
                ":markSk": mark.gsi3sk,
              },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** The request's recorded decision that the workflow has not applied yet, if any. */
export async function unappliedDecision(current: CurrentRequest | undefined): Promise<Action | undefined> {
  if (!current?.decidedActionId || current.appliedAt) return undefined;
  const action = await getAction(current.decidedActionId);
  return action?.status === "used" && action.decision ? action : undefined;
}

/** The workflow applied the request's decision: a later run of the step asks anew. */
export async function markDecisionApplied(subject: RequestSubject): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.current(subject.subjectType, subject.subjectId, subject.step),
        UpdateExpression: "SET appliedAt = :at",
        ConditionExpression: "attribute_exists(decidedActionId) AND attribute_not_exists(appliedAt)",
        ExpressionAttributeValues: { ":at": nowIso() },
      }),
    )
    .catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
    });
}

/**
 * Points a still-pending action at a new waiting task (a resumed or retried step): the link in the
 * addressee's inbox keeps working. False when it is no longer pending.
 */
export async function rebindAction(id: string, taskToken: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.action(id),
        UpdateExpression: "SET taskToken = :token",
        ConditionExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":token": taskToken, ":pending": "pending" },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** The action's email was handed over. */
export async function markMailed(id: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.action(id),
      UpdateExpression: "SET mailedAt = :at",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":at": nowIso() },
    }),
  );
}

/** Moves a pending action to a final state; false when it was no longer pending. */
export function closeAction(
  id: string,
  status: Exclude<ActionStatus, "pending">,
  details: Partial<Pick<Action, "decision" | "decidedAt" | "decidedBy" | "supersededBy">> = {},
): Promise<boolean> {
  return moveAction(id, "pending", status, details);
}

/** Moves an action from one status to another; false when it was not in `from`. */
export async function moveAction(
  id: string,
  from: ActionStatus,
  status: ActionStatus,
  details: Partial<Pick<Action, "decision" | "decidedAt" | "decidedBy" | "supersededBy">> = {},
): Promise<boolean> {
  const sets = ["#status = :status", ...Object.keys(details).map((k) => `${k} = :${k}`)];
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.action(id),
        // Only pending actions are in the pending index; one moved back to pending (none today) would need re-adding.
        UpdateExpression: `SET ${sets.join(", ")}${status === "pending" ? "" : ` ${LEAVE_PENDING_INDEX}`}`,
        ConditionExpression: "#status = :from",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":status": status,
          ":from": from,
          ...Object.fromEntries(Object.entries(details).map(([k, v]) => [`:${k}`, v])),
        },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** Is the action past its deadline (whether or not anyone has marked it)? */
export function isExpired(action: Action): boolean {
  return action.validUntil <= nowIso();
}

export function actionUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/v1/actions/${id}`;
}
