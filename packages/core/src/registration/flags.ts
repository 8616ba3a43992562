import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { conditionFailed, db } from "../db/client";
import { tableName } from "../resources";
import { registrationKeys } from "./keys";

/** Adds `value` to a list attribute of the registration once (a set kept as a list). */
export async function addOnce(id: string, attribute: "flags" | "notified", value: string): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: registrationKeys.registration(id),
        UpdateExpression: "SET #list = list_append(if_not_exists(#list, :none), :item)",
        ConditionExpression: "NOT contains(#list, :value)",
        ExpressionAttributeNames: { "#list": attribute },
        ExpressionAttributeValues: { ":none": [], ":item": [value], ":value": value },
      }),
    )
    .catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
    });
}

/** Flags for the verifying officer (a missing approver, a decision made on behalf, …). */
export const addFlag = (id: string, flag: string) => addOnce(id, "flags", flag);
