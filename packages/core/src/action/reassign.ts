import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "../clock";
import { db, queryAll } from "../db/client";
import { logger } from "../log";
import { tableName } from "../resources";
import type { Approver } from "../staff/directory";
import { actionKeys as keys } from "./keys";
import { type Action, actionItem, actionRef, getAction, isExpired, newActionId } from "./repository";

/** One waiting request moved from removed approvers to the new ones. */
export interface Reassignment {
  subjectType: string;
  subjectId: string;
  step: string;
  /** The closed actions (their addressees were removed). */
  closed: Action[];
  /** The new actions, one per new holder, to be mailed. */
  created: Action[];
  /** Who holds the request now (names, for the old links' page and the removed people's email). */
  holders: string;
}

/** Pending, unexpired actions addressed at one approver region (see `actionKeys.byApproverRegion`). */
export async function pendingActionsAt(regionCode: string): Promise<Action[]> {
  const found = await queryAll<Action>({
    TableName: tableName(),
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk",
    FilterExpression: "#status = :pending",
    ExpressionAttributeNames: { "#status": "status" },
    ExpressionAttributeValues: {
      ":pk": keys.byApproverRegion(regionCode, "", "").gsi1pk,
      ":pending": "pending",
    },
  });
  return found.filter((action) => !isExpired(action));
}

const describeHolder = (a: Approver) => (a.title ? `${a.name} (${a.title})` : a.name);

/**
 * After a directory change at `regionCode`: every live request there addressed to a removed
 * person is closed for them (status `reassigned`, naming the new holders) and given to the new
 * approvers — same task token, question, options and deadline — as siblings of whoever still
 * holds it. Each request moves in one transaction that also checks it is still the step's current
 * set of links, so a decision or reminder landing meanwhile wins and the request is left alone.
 */
export async function reassignActions(
  regionCode: string,
  removedEmails: ReadonlySet<string>,
  approvers: Approver[],
): Promise<Reassignment[]> {
  const affected = (await pendingActionsAt(regionCode)).filter((a) => removedEmails.has(a.addressee.email));
  const requests = new Map<string, Action>();
  for (const action of affected)
    requests.set(`${action.subjectType}#${action.subjectId}#${action.step}`, action);

  const moved: Reassignment[] = [];
  for (const template of requests.values()) {
    const reassignment = await reassignRequest(template, removedEmails, approvers);
    if (reassignment) moved.push(reassignment);
  }
  return moved;
}

async function reassignRequest(
  template: Action,
  removedEmails: ReadonlySet<string>,
  approvers: Approver[],
): Promise<Reassignment | undefined> {
  const currentKey = keys.current(template.subjectType, template.subjectId, template.step);
  const { Item: current } = await db().send(
    new GetCommand({ TableName: tableName(), Key: currentKey, ConsistentRead: true }),
  );
  const currentIds = (current?.actionIds as string[] | undefined) ?? [];
  const live = (await Promise.all(currentIds.map((id) => getAction(id)))).filter(
    (a): a is Action => a?.status === "pending" && a.taskToken === template.taskToken,
  );
  const closed = live.filter((a) => removedEmails.has(a.addressee.email));
  if (closed.length === 0) return undefined;
  const kept = live.filter((a) => !removedEmails.has(a.addressee.email));
  const keptEmails = new Set(kept.map((a) => a.addressee.email));

  const createdAt = nowIso();
  const created: Action[] = approvers
    .filter((a) => !keptEmails.has(a.email))
    .map((addressee) => ({ addressee, id: newActionId() }))
    .map(({ addressee, id }) => ({
      // The same request: task token, question, options and deadline stay as they were.
      taskToken: template.taskToken,
      workflow: template.workflow,
      subjectType: template.subjectType,
      subjectId: template.subjectId,
      step: template.step,
      level: template.level,
      regionCode: template.regionCode,
      onBehalf: template.onBehalf,
      question: template.question,
      options: template.options,
      validUntil: template.validUntil,
      id,
      ref: actionRef(id),
      addressee,
      status: "pending" as const,
      createdAt,
      siblings: [],
    }));
  const liveIds = [...kept, ...created].map((a) => a.id);
  for (const action of created) action.siblings = liveIds.filter((id) => id !== action.id);
  const holders = (created.length > 0 ? created : kept).map((a) => describeHolder(a.addressee)).join(", ");

  const items: NonNullable<TransactWriteCommandInput["TransactItems"]> = [
    ...closed.map((action) => ({
      Update: {
        TableName: tableName(),
        Key: keys.action(action.id),
        UpdateExpression: "SET #status = :reassigned, reassignedTo = :holders, reassignedAt = :at",
        ConditionExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":reassigned": "reassigned",
          ":pending": "pending",
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
      Update: {
        TableName: tableName(),
        Key: keys.action(action.id),
        UpdateExpression: "SET siblings = :siblings",
        ConditionExpression: "#status = :pending",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":siblings": liveIds.filter((id) => id !== action.id),
          ":pending": "pending",
        },
      },
    })),
    {
      Update: {
        TableName: tableName(),
        Key: currentKey,
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
    if (error instanceof TransactionCanceledException) {
      // Decided, reminded or moved meanwhile: what happened first stands.
      logger.info("Request changed while being reassigned; left as it is", {
        subjectType: template.subjectType,
        subjectId: template.subjectId,
        step: template.step,
      });
      return undefined;
    }
    throw error;
  }
  return {
    subjectType: template.subjectType,
    subjectId: template.subjectId,
    step: template.step,
    closed: closed.map((a) => ({ ...a, status: "reassigned", reassignedTo: holders })),
    created,
    holders,
  };
}
