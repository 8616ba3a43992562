import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
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
