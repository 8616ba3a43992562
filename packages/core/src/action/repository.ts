import { randomBytes } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { now, nowIso } from "../clock";
import { db } from "../db/client";
import { tableSchema } from "../db/schema";
import { tableName } from "../resources";
import type { ApprovalLevel, Approver } from "../staff/directory";
import { actionKeys as keys } from "./keys";

/**
 * An email action: one human decision a workflow waits for. The email carries only the action id;
 * the task token stays here. Single use, expires with its task, superseded by a reminder's new one.
 */
export type ActionStatus = "pending" | "used" | "superseded" | "expired" | "reassigned";

export interface ActionOption {
  value: string;
  label: string;
  /** A reason is required with this option (e.g. a rejection). */
  requiresReason?: boolean;
}

export interface Action {
  id: string;
  status: ActionStatus;
  taskToken: string;
  workflow: string;
  subjectType: string;
  subjectId: string;
  step: string;
  level: ApprovalLevel;
  regionCode: string;
  addressee: Approver;
  /** True when the addressee decides in place of an absent or silent lower level. */
  onBehalf: boolean;
  question: string;
  options: ActionOption[];
  createdAt: string;
  validUntil: string;
  decidedAt?: string;
  decision?: string;
  /** Who decided, when it was another addressee of the same request. */
  decidedBy?: string;
  supersededBy?: string;
  /** Who holds the request now, when a directory change moved it away from this addressee. */
  reassignedTo?: string;
  /** The other addressees' actions for the same request. */
  siblings: string[];
}

/** Kept after expiry so an old link still explains itself; then DynamoDB deletes it. */
const KEEP_AFTER_EXPIRY_SECONDS = 90 * 24 * 3600;

/** The secret in an email link: 192 random bits. */
export function newActionId(): string {
  return randomBytes(24).toString("base64url");
}

/** An action as stored: its keys, its region index entry, and deletion well after expiry. */
export function actionItem(action: Action): Record<string, unknown> {
  return {
    ...action,
    ...keys.action(action.id),
    ...keys.byApproverRegion(action.regionCode, action.createdAt, action.id),
    entity: "action",
    [tableSchema.ttl]: Math.floor(new Date(action.validUntil).getTime() / 1000) + KEEP_AFTER_EXPIRY_SECONDS,
  };
}

/**
 * Asks one decision of several addressees: each gets an action of their own (their own link),
 * all answering the same waiting task. They become the step's current actions; the ones they
 * replace stop working. Deciding with one closes the others (see `closeSiblings`).
 */
export async function createActions(
  fields: Omit<Action, "id" | "status" | "createdAt" | "validUntil" | "addressee" | "siblings">,
  addressees: Approver[],
  validForSeconds: number,
): Promise<Action[]> {
  const createdAt = nowIso();
  const expires = new Date(now().getTime() + validForSeconds * 1000);
  const ids = addressees.map(() => newActionId());
  const actions: Action[] = addressees.map((addressee, i) => ({
    ...fields,
    id: ids[i] as string,
    addressee,
    siblings: ids.filter((_, j) => j !== i),
    status: "pending",
    createdAt,
    validUntil: expires.toISOString(),
  }));
  for (const action of actions) {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: actionItem(action),
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }
  const previous = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.current(fields.subjectType, fields.subjectId, fields.step),
      UpdateExpression: "SET actionIds = :ids, entity = :entity",
      ExpressionAttributeValues: { ":ids": ids, ":entity": "current-actions" },
      ReturnValues: "ALL_OLD",
    }),
  );
  for (const previousId of (previous.Attributes?.actionIds as string[] | undefined) ?? []) {
    await closeAction(previousId, "superseded", { supersededBy: ids[0] as string });
  }
  return actions;
}

/** After one addressee decided: the others' links stop working and say who decided. */
export async function closeSiblings(action: Action, decidedAt: string): Promise<void> {
  for (const id of action.siblings) {
    await closeAction(id, "used", { decidedAt, decidedBy: action.addressee.name });
  }
}

export async function getAction(id: string): Promise<Action | undefined> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(id)) return undefined;
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.action(id) }));
  return Item as Action | undefined;
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
        UpdateExpression: `SET ${sets.join(", ")}`,
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
    if (error instanceof ConditionalCheckFailedException) return false;
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
