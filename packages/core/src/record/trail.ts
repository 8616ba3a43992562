import { randomBytes } from "node:crypto";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "../clock";
import { db, queryByPrefix } from "../db/client";
import { tableName } from "../resources";
import type { ItemKey, RecordTrail } from "./keys";

/** The fields every audit event carries; each domain adds its own (status, stage, level…). */
export interface TrailEvent {
  at: string;
  event: string;
  actor: { kind: string; id?: string; role?: string; email?: string };
  note?: string;
}

const suffix = () => randomBytes(3).toString("hex");

/** The audit event as an item, for a caller that writes it inside its own transaction. */
export function eventItem<E extends TrailEvent>(
  trail: RecordTrail,
  event: E,
): ItemKey & { entity: string } & E {
  return { ...trail.event(event.at, suffix()), entity: `${trail.entity}-event`, ...event };
}

/** Appends one event to a record's audit trail on its own (no change of the record itself). */
export async function appendEvent<E extends TrailEvent>(trail: RecordTrail, event: E): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName(), Item: eventItem(trail, event) }));
}

/** A record's audit trail, oldest first. */
export function listEvents<E extends TrailEvent>(trail: RecordTrail): Promise<E[]> {
  return queryByPrefix<E>(trail.events);
}

/** Records that a staff member read a record's personal data (UU PDP), beside its audit trail. */
export async function recordAccess(
  trail: RecordTrail,
  actor: TrailEvent["actor"],
  purpose: string,
): Promise<void> {
  const at = nowIso();
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...trail.access(at, suffix()), entity: `${trail.entity}-access`, at, actor, purpose },
    }),
  );
}
