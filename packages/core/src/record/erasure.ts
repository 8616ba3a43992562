import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type RetentionPolicy, retentionPolicy } from "../config/durations";
import { db, queryByPrefix } from "../db/client";
import { tableName } from "../resources";
import type { Staff } from "../staff/auth";
import type { ItemKey, RecordTrail } from "./keys";
import { retentionKeys } from "./retention-keys";

/**
 * Erasure of personal data (UU PDP 27/2022), the part every record type shares: what an erasure is,
 * how a record type describes itself to retention and data requests, and the erase-due mark a
 * record gets when it reaches its end state. The job is in retention.ts, requests in privacy.ts,
 * and the list of record types in erasable-types.ts.
 */

/** Who erases and why: the retention job, or an officer answering a data request. */
export interface Erasure {
  basis: "retention" | "request";
  actor: { kind: "system" | "staff"; id?: string; email?: string; role?: string };
  /** The officer's reason for a request; a fixed code for retention. */
  reason: string;
  /** The data request this erasure answers. */
  requestId?: string;
}

/** One record of a person, as a data-request export shows it. */
export interface PersonRecord {
  id: string;
  /** The village (or region) it belongs to: data requests are scoped by it. */
  regionCode: string;
  /** Still in a workflow: erased on request only once it has ended. */
  open: boolean;
  erasedAt?: string;
  /** The record without secrets (hashes, ciphertexts, task tokens, index keys). */
  data: Record<string, unknown>;
  auditTrail: unknown[];
  accessTrail: unknown[];
}

/** How one record type finds, shows and erases a person's data; each type registers one. */
export interface Erasable {
  /** The name in the erase-due index and in exports (`registration`, `case`). */
  recordType: string;
  /** Where an export lists this type's records (`registrations`, `cases`). */
  exportGroup: string;
  /** Ids of this type's records about the person with this NIK (by its keyed hash, never the NIK). */
  findByNikHash(nikHash: string): Promise<string[]>;
  load(id: string): Promise<PersonRecord | undefined>;
  /** Whether this officer may see the record's details (a restricted case type); default: yes. */
  readableBy?(staff: Staff, record: PersonRecord): boolean;
  /** Records in the record's access trail that staff read it (an export reads it). */
  recordAccess(id: string, actor: Erasure["actor"], purpose: string): Promise<void>;
  /**
   * Erases the personal fields, releases what held them (a NIK claim), writes the erasure event and
   * removes the erase-due entry. For retention, only a record still in its end state is erased (a
   * stale entry is just removed). True when this call erased it; false when it was already erased
   * or not due.
   */
  erase(id: string, erasure: Erasure): Promise<boolean>;
}

/** The erase-due index attributes a record gets as it reaches its end state at `endedAt`. */
export function eraseDueMark(
  recordType: string,
  id: string,
  period: keyof RetentionPolicy,
  endedAt: string,
): { gsi4pk: string; gsi4sk: string } {
  const eraseAfter = new Date(Date.parse(endedAt) + retentionPolicy()[period] * 1000).toISOString();
  return retentionKeys.eraseDue(eraseAfter, recordType, id);
}

/** The attributes to REMOVE when a record leaves its end state (a reopened case) or is erased. */
export const ERASE_DUE_ATTRIBUTES = ["gsi4pk", "gsi4sk"] as const;

/** Retention erasures carry this reason; requests carry the officer's own. */
export const RETENTION_REASON = "retention-period-ended";

/** An item as an export shows it: without its table keys. */
export function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest;
}

/** Staff notes are free text and may name the person: removed from every event of a record's trail. */
export async function eraseTrailNotes(trail: RecordTrail): Promise<void> {
  const events = await queryByPrefix<{ pk: string; sk: string; note?: string }>(trail.events);
  for (const event of events.filter((e) => e.note !== undefined)) {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: event.pk, sk: event.sk },
        UpdateExpression: "REMOVE note",
      }),
    );
  }
}

/** A record no longer in its end state (reopened) leaves the erase-due index; nothing is erased. */
export async function dropEraseDueMark(key: ItemKey): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: `REMOVE ${ERASE_DUE_ATTRIBUTES.join(", ")}`,
      ConditionExpression: "attribute_exists(pk)",
    }),
  );
}
