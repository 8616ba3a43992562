import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
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
import { mayReadDetails } from "./access";
import { caseKeys as keys } from "./keys";
import type { Case, CaseEvent } from "./model";
import { recordCaseAccess } from "./repository";
import { isCaseOpen } from "./workflow";

/**
 * The personal data of a case, erased when its retention period after closing ends or on request:
 * the subject's name and NIK, the reporter's name, phone and email, the location and every free
 * text. What stays is what statistics need: id, type, conditions, urgency, status, level, outcome,
 * dates, village, the subject's gender, age and head count, the reporter's kind and PSM number.
 */
const PERSONAL_PATHS = [
  "subject.#name",
  "subject.nikMasked",
  "subject.nikEncrypted",
  "subject.nikHash",
  "reporter.#name",
  "reporter.phone",
  "reporter.email",
  "#location",
  "coordinates",
  "description",
  "outcomeSummary",
  "warnings",
  "trackingEncrypted",
] as const;

const NOT_EXPORTED = new Set([
  "pk",
  "sk",
  "entity",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  "gsi3pk",
  "gsi3sk",
  ...ERASE_DUE_ATTRIBUTES,
  "trackingHashes",
  "trackingEncrypted",
  // The reporter is not the data subject: handing their identity to the person reported could
  // expose whoever reported them.
  "reporter",
]);

/** The subject's NIK never leaves in an export, not even encrypted or hashed. */
function exported(found: Case): Record<string, unknown> {
  const { nikEncrypted: _encrypted, nikHash: _hash, ...subject } = found.subject;
  return Object.fromEntries(Object.entries({ ...found, subject }).filter(([key]) => !NOT_EXPORTED.has(key)));
}

async function readCase(id: string): Promise<(Case & { erasedAt?: string }) | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.case(id), ConsistentRead: true }),
  );
  return Item as (Case & { erasedAt?: string }) | undefined;
}

async function load(id: string): Promise<PersonRecord | undefined> {
  const found = await readCase(id);
  if (!found) return undefined;
  const [events, accesses, reports] = await Promise.all([
    queryByPrefix<Record<string, unknown>>(keys.eventPrefix(id)),
    queryByPrefix<Record<string, unknown>>(keys.accessPrefix(id)),
    queryByPrefix<Record<string, unknown>>(keys.foldedReportPrefix(id)),
  ]);
  return {
    id,
    regionCode: found.villageCode,
    // Open while the workflow still carries it (a closed case awaiting its reporter's answer too),
    // as the reconciler counts it: erasing then would pull the data from under a running step.
    open: isCaseOpen(found),
    ...(found.erasedAt ? { erasedAt: found.erasedAt } : {}),
    data: { ...exported(found), foldedReports: reports.map(withoutKeys) },
    auditTrail: events.map(withoutKeys),
    accessTrail: accesses.map(withoutKeys),
  };
}

/** Cases whose subject has this NIK (the subject-NIK index entries, one per case). */
async function findByNikHash(nikHash: string): Promise<string[]> {
  const entries = await queryByPrefix<{ caseId: string }>(keys.subjectNikPrefix(nikHash));
  return entries.map((entry) => entry.caseId);
}

/** Staff notes and folded reports are free text that may name people: notes removed, reports deleted. */
async function eraseTexts(id: string): Promise<void> {
  await eraseTrailNotes(keys.trail(id));
  const reports = await queryByPrefix<{ pk: string; sk: string }>(keys.foldedReportPrefix(id));
  for (const report of reports) {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: report.pk, sk: report.sk },
        UpdateExpression: "REMOVE #location, description, subjectName",
        ExpressionAttributeNames: { "#location": "location" },
      }),
    );
  }
}

async function erase(id: string, erasure: Erasure): Promise<boolean> {
  const found = await readCase(id);
  if (!found || found.erasedAt) return false;
  if (erasure.basis === "retention" && found.status !== "closed") {
    // Reopened since: the entry is stale, and only the entry goes.
    await dropEraseDueMark(keys.case(id));
    return false;
  }
  await eraseTexts(id);
  const at = nowIso();
  const event: CaseEvent & Pick<Erasure, "basis" | "requestId"> = {
    at,
    event: "personal-data-erased",
    status: found.status,
    level: found.level,
    actor: erasure.actor,
    basis: erasure.basis,
    ...(erasure.requestId ? { requestId: erasure.requestId } : {}),
    note: erasure.reason,
  };
  const nikHash = found.subject.nikHash;
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: keys.case(id),
              UpdateExpression: `SET erasedAt = :at, updatedAt = :at REMOVE ${[...PERSONAL_PATHS, ...ERASE_DUE_ATTRIBUTES].join(", ")}`,
              ConditionExpression:
                "attribute_exists(pk) AND attribute_not_exists(erasedAt) AND #status = :status",
              ExpressionAttributeNames: { "#status": "status", "#name": "name", "#location": "location" },
              ExpressionAttributeValues: { ":at": at, ":status": found.status },
            },
          },
          // The subject can no longer be found by their NIK.
          ...(nikHash
            ? [{ Delete: { TableName: tableName(), Key: keys.subjectNik(nikHash, found.createdAt, id) } }]
            : []),
          { Put: { TableName: tableName(), Item: eventItem(keys.trail(id), event) } },
        ],
      }),
    );
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
  return true;
}

export const caseErasable: Erasable = {
  recordType: "case",
  exportGroup: "cases",
  findByNikHash,
  load,
  // A restricted type's details go only to those who may read them in the staff API.
  readableBy: (staff, record) => mayReadDetails(staff, record.data as unknown as Case),
  recordAccess: (id, actor, purpose) => recordCaseAccess(id, actor, purpose),
  erase,
};
