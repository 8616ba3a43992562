import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { idempotencyRecordKey } from "@sigap/core/record/idempotency";
import { tableName } from "@sigap/core/resources";

/** The Idempotency-Key record a submission wrote (its key from a keyed hash of scope and key). */
export async function keyRecord(scope: string, key: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: idempotencyRecordKey(scope, key), ConsistentRead: true }),
  );
  return Item;
}
