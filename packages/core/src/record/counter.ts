import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "../db/client";
import { tableName } from "../resources";
import type { ItemKey } from "./keys";

/** The next number of a sequence (1, 2, …), atomically, however many ask at once. */
export async function nextNumber(counter: ItemKey): Promise<number> {
  const { Attributes } = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: counter,
      UpdateExpression: "ADD #value :one",
      ExpressionAttributeNames: { "#value": "value" },
      ExpressionAttributeValues: { ":one": 1 },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  return Number(Attributes?.value);
}
