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
export type ActionStatus = "pending" | "used" | "superseded" | "expired";

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
  supersededBy?: string;
}

/** Kept after expiry so an old link still explains itself; then DynamoDB deletes it. */
const KEEP_AFTER_EXPIRY_SECONDS = 90 * 24 * 3600;

export async function createAction(
  fields: Omit<Action, "id" | "status" | "createdAt" | "validUntil">,
  validForSeconds: number,
): Promise<Action> {
  const createdAt = nowIso();
  const expires = new Date(now().getTime() + validForSeconds * 1000);
  const action: Action = {
    ...fields,
    id: randomBytes(24).toString("base64url"),
    status: "pending",
    createdAt,
    validUntil: expires.toISOString(),
  };
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.action(action.id),
        entity: "action",
        ...action,
        [tableSchema.ttl]: Math.floor(expires.getTime() / 1000) + KEEP_AFTER_EXPIRY_SECONDS,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    }),
  );
  // The new action becomes current; the one it replaces stops working (if still pending).
  const pointer = keys.current(action.subjectType, action.subjectId, action.step);
  const previous = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: pointer,
      UpdateExpression: "SET actionId = :id, entity = :entity",
      ExpressionAttributeValues: { ":id": action.id, ":entity": "current-action" },
      ReturnValues: "ALL_OLD",
    }),
  );
  const previousId = previous.Attributes?.actionId as string | undefined;
  if (previousId) await closeAction(previousId, "superseded", { supersededBy: action.id });
  return action;
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
  details: Partial<Pick<Action, "decision" | "decidedAt" | "supersededBy">> = {},
): Promise<boolean> {
  return moveAction(id, "pending", status, details);
}

/** Moves an action from one status to another; false when it was not in `from`. */
export async function moveAction(
  id: string,
  from: ActionStatus,
  status: ActionStatus,
  details: Partial<Pick<Action, "decision" | "decidedAt" | "supersededBy">> = {},
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
