import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { conditionFailed, db } from "../db/client";
import { tableName } from "../resources";
import type { ItemKey, RecordTrail } from "./keys";
import { eventItem, type TrailEvent } from "./trail";

export interface TransitionWrite<E extends TrailEvent> {
  key: ItemKey;
  trail: RecordTrail;
  /** Attributes to set on the record (its status, stage, index keys, outcome fields…). */
  set: Record<string, unknown>;
  /** Attributes to remove (an index entry the record leaves). */
  remove?: readonly string[];
  /** Only while the record's attributes hold these values (a decision must not land twice). */
  expect?: Record<string, unknown>;
  /** The audit event written with the change. */
  event: E;
}

/**
 * Changes a record and appends the change to its audit trail, in one transaction. Returns false
 * when the record is gone or no longer as expected (nothing was written); callers answer that in
 * their domain's terms. Any other failure (throttling, a conflicting transaction) throws.
 */
export async function writeTransition<E extends TrailEvent>(write: TransitionWrite<E>): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const name = (attribute: string, index: number, kind: string) => {
    names[`#${kind}${index}`] = attribute;
    return `#${kind}${index}`;
  };
  const sets = Object.entries(write.set).map(([attribute, value], index) => {
    values[`:s${index}`] = value;
    return `${name(attribute, index, "s")} = :s${index}`;
  });
  const removes = (write.remove ?? []).map((attribute, index) => name(attribute, index, "r"));
  const conditions = ["attribute_exists(pk)"].concat(
    Object.entries(write.expect ?? {}).map(([attribute, value], index) => {
      values[`:e${index}`] = value;
      return `${name(attribute, index, "e")} = :e${index}`;
    }),
  );
  const update = [
    sets.length > 0 ? `SET ${sets.join(", ")}` : "",
    removes.length > 0 ? `REMOVE ${removes.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: write.key,
              UpdateExpression: update,
              ConditionExpression: conditions.join(" AND "),
              ExpressionAttributeNames: names,
              ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
            },
          },
          { Put: { TableName: tableName(), Item: eventItem(write.trail, write.event) } },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}
