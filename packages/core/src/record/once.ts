import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { conditionFailed, db } from "../db/client";
import { tableName } from "../resources";
import type { ItemKey } from "./keys";

/**
 * Adds `value` to a list attribute of a record once (a set kept as a list): flags for an officer,
 * outcomes already told. A repeat (a retried task) changes nothing. Returns whether it was added.
 */
export async function addOnce(key: ItemKey, attribute: string, value: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: "SET #list = list_append(if_not_exists(#list, :none), :item)",
        ConditionExpression: "NOT contains(#list, :value)",
        ExpressionAttributeNames: { "#list": attribute },
        ExpressionAttributeValues: { ":none": [], ":item": [value], ":value": value },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Does `work` once per `value` (e.g. an email per person and event): the value is claimed in the
 * list before the work and given back if the work fails, so a retried task neither repeats what was
 * done nor loses what failed. Returns whether it did the work now.
 */
export async function doOnce(
  key: ItemKey,
  attribute: string,
  value: string,
  work: () => Promise<unknown>,
): Promise<boolean> {
  if (!(await addOnce(key, attribute, value))) return false;
  try {
    await work();
    return true;
  } catch (error) {
    await giveBack(key, attribute, value);
    throw error;
  }
}

/** Removes a claimed value again (only if it is still where it was found). */
async function giveBack(key: ItemKey, attribute: string, value: string): Promise<void> {
  const { Item } = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: key,
      ProjectionExpression: "#list",
      ExpressionAttributeNames: { "#list": attribute },
    }),
  );
  const index = ((Item?.[attribute] as string[] | undefined) ?? []).indexOf(value);
  if (index < 0) return;
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: `REMOVE #list[${index}]`,
        ConditionExpression: `#list[${index}] = :value`,
        ExpressionAttributeNames: { "#list": attribute },
        ExpressionAttributeValues: { ":value": value },
      }),
    )
    .catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
    });
}
