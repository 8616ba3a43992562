import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "../clock";
import { conditionFailed, db, queryAll } from "../db/client";
import { itemsOf } from "../db/lean-index";
import { logger } from "../log";
import { tableName } from "../resources";
import { type Approver, type Duty, levelOf } from "../staff/directory";
import { actionKeys as keys, LEAVE_PENDING_INDEX } from "./keys";
import {
  type Action,
  actionItem,
  getAction,
  getCurrentRequest,
  isExpired,
  newActionId,
  type RequestSubject,
} from "./repository";

/** One waiting request moved from removed approvers to the new ones. */
export interface Reassignment {
  subjectType: string;
  subjectId: string;
  step: string;
  /** The closed actions (their addressees are no longer listed). */
  closed: Action[];
  /** The new actions, one per new holder, to be mailed. */
  created: Action[];
  /** Who holds the request now (names, for the old links' page and the removed people's email). */
  holders: string;
}

/**
 * Pending, unexpired actions addressed at one approver region (see `actionKeys.byApproverRegion`):
 * the pending ones' keys from the work-list index (it projects status for the filter), then those
 * actions, read consistently.
 */
export async function pendingActionsAt(regionCode: string): Promise<Action[]> {
  const entries = await queryAll<Record<string, unknown>>({
    TableName: tableName(),
    IndexName: "gsi1lean",
    KeyConditionExpression: "gsi1pk = :pk",
    FilterExpression: "#status = :pending",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ":pk": keys.regionPartition(regionCode),
      ":pending": "pending",
    },
  });
  const found = await itemsOf<Action>(entries);
  // Read after the index: one decided meanwhile is no longer pending.
  return found.filter((action) => action.status === "pending" && !isExpired(action));
}

const describeHolder = (a: Approver) => (a.title ? `${a.name} (${a.title})` : a.name);

/**
 * After a directory change at `regionCode` (or a retry of one): every live request there at the
 * region's level that is still addressed to someone no longer listed is closed for them (status
 * `reassigned`, naming the new holders) and given to the listed approvers — same task token,
 * question, options and deadline — alongside whoever still holds it. Computed from what is
 * pending, not from what this change removed, so running it again finishes what a failed run left.
 * Each request moves in one transaction that also checks it is still the step's current set of
 * links on the same task, so a decision, reminder or re-binding landing meanwhile wins (the move is
 * then tried again from what stands, a few times).
 */
export async function reassignActions(
  regionCode: string,
  approvers: Approver[],
  duty: Duty = "approver",
): Promise<Reassignment[]> {
  const listed = new Set(approvers.map((a) => a.email));
  const level = levelOf(regionCode);
  const stranded = (await pendingActionsAt(regionCode)).filter(
    (a) => a.level === level && (a.duty ?? "approver") === duty && !listed.has(a.addressee.email),
  );
  const requests = new Map<string, RequestSubject>();
  for (const action of stranded)
    requests.set(`${action.subjectType}#${action.subjectId}#${action.step}`, action);

  const moved: Reassignment[] = [];
  for (const subject of requests.values()) {
    for (let attempt = 1; ; attempt++) {
      const outcome = await reassignRequest(subject, listed, approvers);
      if (outcome !== "changed") {
        if (outcome) moved.push(outcome);
        break;
      }
      if (attempt === MAX_ATTEMPTS) {
        // Left for the next change or retry of this one (it moves whatever is still stranded).
        logger.warn("Request kept changing while being reassigned; left as it is", requestLog(subject));
        break;
      }
      // Give a re-binding in progress the moment it needs to finish.
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  return moved;
}

const MAX_ATTEMPTS = 3;

const requestLog = (s: RequestSubject) => ({
  subjectType: s.subjectType,
  subjectId: s.subjectId,
  step: s.step,
});

/**
 * Moves one request, or says why not: undefined when nothing of it is to move (decided, superseded,
 * expired, or nobody unlisted holds it), "changed" when it changed between our read and our write.
 */
async function reassignRequest(
  subject: RequestSubject,
  listed: ReadonlySet<string>,
  approvers: Approver[],
): Promise<Reassignment | "changed" | undefined> {
  const current = await getCurrentRequest(subject);
  if (!current || current.decidedActionId) return undefined;
  const currentIds = current.actionIds;
  const live = (await Promise.all(currentIds.map((id) => getAction(id)))).filter(
    (a): a is Action => a?.status === "pending" && !isExpired(a),
  );
  const closed = live.filter((a) => !listed.has(a.addressee.email));
  const template = closed[0];
  if (!template) return undefined;
  // Every live link answers the same task; links split across two (a resumed step re-binding them
  // right now) are left to that step, and tried again once it is done.
  if (live.some((a) => a.taskToken !== template.taskToken)) return "changed";
  const kept = live.filter((a) => listed.has(a.addressee.email));
  const keptEmails = new Set(kept.map((a) => a.addressee.email));

  const createdAt = nowIso();
  const created: Action[] = approvers
    .filter((a) => !keptEmails.has(a.email))
    .map((addressee) => ({
      // The same request: task token, question, options and deadline stay as they were.
      taskToken: template.taskToken,
      workflow: template.workflow,
      subjectType: template.subjectType,
      subjectId: template.subjectId,
      step: template.step,
      level: template.level,
      regionCode: template.regionCode,
      ...(template.duty ? { duty: template.duty } : {}),
      onBehalf: template.onBehalf,
      question: template.question,
      options: template.options,
      validUntil: template.validUntil,
      ...(template.urgency ? { urgency: template.urgency } : {}),
      ...(template.summary ? { summary: template.summary } : {}),
      ...(template.dueAt ? { dueAt: template.dueAt } : {}),
      id: newActionId(),
      addressee,
      status: "pending" as const,
      createdAt,
    }));
  const liveIds = [...kept, ...created].map((a) => a.id);
  const holders = (created.length > 0 ? created : kept).map((a) => describeHolder(a.addressee)).join(", ");

  // Still pending and still on the task the new links copy: a re-binding landing meanwhile cancels.
  const onSameTask = {
    ConditionExpression: "#status = :pending AND taskToken = :token",
    ExpressionAttributeNames: { "#status": "status" },
  };
  const items: NonNullable<TransactWriteCommandInput["TransactItems"]> = [
    ...closed.map((action) => ({
      Update: {
        TableName: tableName(),
        Key: keys.action(action.id),
        UpdateExpression: `SET #status = :reassigned, reassignedTo = :holders, reassignedAt = :at ${LEAVE_PENDING_INDEX}`,
        ...onSameTask,
        ExpressionAttributeValues: {
          ":reassigned": "reassigned",
          ":pending": "pending",
          ":token": template.taskToken,
          ":holders": holders,
          ":at": createdAt,
        },
      },
    })),
    ...created.map((action) => ({
      Put: {
        TableName: tableName(),
        Item: actionItem(action),
        ConditionExpression: "attribute_not_exists(pk)",
      },
    })),
    ...kept.map((action) => ({
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.action(action.id),
        ...onSameTask,
        ExpressionAttributeValues: { ":pending": "pending", ":token": template.taskToken },
      },
    })),
    {
      Update: {
        TableName: tableName(),
        Key: keys.current(subject.subjectType, subject.subjectId, subject.step),
        UpdateExpression: "SET actionIds = :ids",
        // Not once someone decided: that decision stands, and the workflow applies it.
        ConditionExpression: "actionIds = :previous AND attribute_not_exists(decidedActionId)",
        ExpressionAttributeValues: { ":ids": liveIds, ":previous": currentIds },
      },
    },
  ];
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (conditionFailed(error)) {
      logger.info("Request changed while being reassigned", requestLog(subject));
      return "changed";
    }
    throw error;
  }
  return {
    ...requestLog(subject),
    closed: closed.map((a) => ({ ...a, status: "reassigned", reassignedTo: holders })),
    created,
    holders,
  };
}
