import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "../clock";
import { conditionFailed, db, queryByPrefix } from "../db/client";
import {
  dropEraseDueMark,
  ERASE_DUE_ATTRIBUTES,
  type Erasable,
  type Erasure,
  eraseTrailNotes,
  type PersonRecord,
  withoutKeys,
} from "../record/erasure";
import { eventItem } from "../record/trail";
import { tableName } from "../resources";
import { registrationKeys as keys } from "./keys";
import type { Registration, RegistrationEvent } from "./model";
import { recordAccess } from "./repository";

/**
 * The personal fields of a registration, erased when its retention period ends or on request.
 * What stays is what statistics need: id, status, stage, dates, village, gender, SK and member
 * numbers, flags — and the audit trail's events without their free-text notes.
 */
const PERSONAL_FIELDS = [
  "fullName",
  "birthPlace",
  "birthDate",
  "phone",
  "email",
  "address",
  "education",
  "occupation",
  "motivation",
  "warnings",
  "rejectionReason",
  "nikMasked",
  "nikEncrypted",
  "nikHash",
  "receiptEncrypted",
] as const satisfies ReadonlyArray<keyof Registration>;

/** Never in an export: secrets and index keys, which say nothing to the person. */
const NOT_EXPORTED = new Set([
  "pk",
  "sk",
  "entity",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  ...ERASE_DUE_ATTRIBUTES,
  "nikEncrypted",
  "nikHash",
  "receiptHash",
  "receiptEncrypted",
  "trainingTaskToken",
]);

/** Registrations in a workflow: an officer rejects (or finishes) one before erasing it on request. */
const OPEN_STATUSES = new Set<Registration["status"]>(["submitted", "candidate"]);

async function readRegistration(id: string): Promise<Registration | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.registration(id), ConsistentRead: true }),
  );
  return Item as Registration | undefined;
}

async function load(id: string): Promise<PersonRecord | undefined> {
  const registration = await readRegistration(id);
  if (!registration) return undefined;
  const [events, accesses] = await Promise.all([
    queryByPrefix<Record<string, unknown>>(keys.trail(id).events),
    queryByPrefix<Record<string, unknown>>(keys.accessPrefix(id)),
  ]);
  return {
    id,
    regionCode: registration.villageCode,
    open: OPEN_STATUSES.has(registration.status),
    ...(registration.erasedAt ? { erasedAt: registration.erasedAt } : {}),
    data: Object.fromEntries(Object.entries(registration).filter(([key]) => !NOT_EXPORTED.has(key))),
    auditTrail: events.map(withoutKeys),
    accessTrail: accesses.map(withoutKeys),
  };
}

/** The NIK claim names at most one registration: the one this person holds now. */
async function findByNikHash(nikHash: string): Promise<string[]> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.nikClaim(nikHash), ConsistentRead: true }),
  );
  return Item ? [String(Item.registrationId)] : [];
}

async function erase(id: string, erasure: Erasure): Promise<boolean> {
  const registration = await readRegistration(id);
  if (!registration || registration.erasedAt) return false;
  if (erasure.basis === "retention" && registration.status !== "rejected") {
    // Not in its end state any more: the entry is stale, and only the entry goes.
    await dropEraseDueMark(keys.registration(id));
    return false;
  }
  // Notes first: should the transaction then fail, the next attempt finds the record unerased.
  await eraseTrailNotes(keys.trail(id));
  const at = nowIso();
  const event: RegistrationEvent & Pick<Erasure, "basis" | "requestId"> = {
    at,
    event: "personal-data-erased",
    status: registration.status,
    stage: registration.stage,
    actor: erasure.actor,
    basis: erasure.basis,
    ...(erasure.requestId ? { requestId: erasure.requestId } : {}),
    // The officer's reason for a request; retention's fixed code otherwise.
    note: erasure.reason,
  };
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: keys.registration(id),
              UpdateExpression: `SET erasedAt = :at, updatedAt = :at REMOVE ${[...PERSONAL_FIELDS, ...ERASE_DUE_ATTRIBUTES].join(", ")}`,
              // Unchanged since read: an open registration cannot slip in between, nor a second erasure.
              ConditionExpression:
                "attribute_exists(pk) AND attribute_not_exists(erasedAt) AND #status = :status",
              ExpressionAttributeNames: { "#status": "status" },
              ExpressionAttributeValues: { ":at": at, ":status": registration.status },
            },
          },
          // The person may register again: their NIK's claim goes with the data.
          {
            Delete: {
              TableName: tableName(),
              Key: keys.nikClaim(registration.nikHash),
              ConditionExpression: "attribute_not_exists(pk) OR registrationId = :id",
              ExpressionAttributeValues: { ":id": id },
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: eventItem(keys.trail(id), event),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
  return true;
}

export const registrationErasable: Erasable = {
  recordType: "registration",
  exportGroup: "registrations",
  findByNikHash,
  load,
  recordAccess: (id, actor, purpose) => recordAccess(id, actor, purpose),
  erase,
};
