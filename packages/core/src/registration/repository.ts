import { randomInt, timingSafeEqual } from "node:crypto";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "../clock";
import { conditionFailed, db, queryAll, queryPages } from "../db/client";
import { itemsOf } from "../db/lean-index";
import { type Page, queryPage } from "../db/pages";
import { AppError } from "../error";
import { maskNik } from "../identity/nik";
import { decrypt, encrypt, hashNik, hashReceipt, hashSubmission } from "../identity/protect";
import { eraseDueMark } from "../record/erasure";
import {
  bindKeyTo,
  type KeyedSubmission,
  type Replayed,
  settleKeyed,
  withKeyRecord,
} from "../record/idempotency";
import { newRecordId } from "../record/ids";
import * as trail from "../record/trail";
import { writeTransition } from "../record/transition";
import { regionLevel } from "../region/regions";
import { tableName } from "../resources";
import { startPending } from "../workflow/executions";
import { registrationKeys as keys, type RegistrationStatus } from "./keys";
import type { Actor, RecruitmentStage, Registration, RegistrationEvent } from "./model";
import type { RegistrationInput } from "./schema";

/** Readable on a phone and over the phone: no 0/O, 1/I/L. */
const RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

function newReceiptCode(): string {
  const chars = Array.from({ length: 8 }, () => RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

/** Marks a keyed receipt hash; records written before it carry an unkeyed SHA-256 instead. */
const RECEIPT_HASH_PREFIX = "hmac1.";

const normalizeReceipt = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, "");

function receiptHash(code: string): string {
  return `${RECEIPT_HASH_PREFIX}${hashReceipt(normalizeReceipt(code))}`;
}

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Compares in constant time, so the answer's timing says nothing about the code. A record from
 * before keyed hashes is checked against its encrypted code, never against its old unkeyed hash.
 */
export function receiptMatches(registration: Registration, code: string): boolean {
  if (registration.receiptHash.startsWith(RECEIPT_HASH_PREFIX)) {
    return sameText(registration.receiptHash, receiptHash(code));
  }
  return sameText(normalizeReceipt(decrypt(registration.receiptEncrypted)), normalizeReceipt(code));
}

/** 12 characters of a–z0–9 (62 bits): short enough to read out, unguessable enough not to enumerate. */
const newId = () => newRecordId();

/** The workflow every registration goes through (its state machine's name). */
export const RECRUITMENT_WORKFLOW = "recruitment";

/** How long a resubmission of exactly the same data answers with the first registration. */
const RESUBMISSION_WINDOW_MS = 24 * 3600 * 1000;

/** A saved registration and its receipt code (`resubmitted`: the same submission came earlier). */
export interface CreatedRegistration {
  registration: Registration;
  receiptCode: string;
  resubmitted: boolean;
}

/** What a keyed submission's record keeps to answer a retry: the receipt code only encrypted. */
export type RegistrationReceipt = Pick<Registration, "id" | "status" | "receiptEncrypted">;

/**
 * Saves a new registration, its NIK claim and its first audit event in one transaction, marked
 * "start pending" (so the reconciler starts it should the start after the save not happen): a second
 * registration of the same NIK fails as a whole (409), however many arrive at once. The one
 * exception is the same submission sent again — every field identical, within a day: a volunteer
 * whose first attempt timed out (a 503 after the write had landed) gets that registration back
 * (`resubmitted`), with its receipt code, instead of being locked out by their own NIK.
 */
export function createRegistration(input: RegistrationInput): Promise<CreatedRegistration>;
/**
 * With an Idempotency-Key (`keyed`), its record is one more conditional Put in the same
 * transaction: a retry of the same body replays the first answer, writing nothing.
 */
export function createRegistration(
  input: RegistrationInput,
  keyed: KeyedSubmission | undefined,
): Promise<CreatedRegistration | Replayed<RegistrationReceipt>>;
export async function createRegistration(
  input: RegistrationInput,
  keyed?: KeyedSubmission,
): Promise<CreatedRegistration | Replayed<RegistrationReceipt>> {
  const now = nowIso();
  const id = newId();
  const receiptCode = newReceiptCode();
  const { nik, consent: _consent, ...details } = input;
  const submissionHash = hashSubmission(input);
  const registration: Registration = {
    ...details,
    id,
    status: "submitted",
    stage: "village-recommendation",
    createdAt: now,
    updatedAt: now,
    lawfulBasis: "consent",
    consentAt: now,
    nikMasked: maskNik(nik),
    nikEncrypted: encrypt(nik),
    nikHash: hashNik(nik),
    receiptHash: receiptHash(receiptCode),
    receiptEncrypted: encrypt(receiptCode),
  };
  const first: RegistrationEvent = {
    at: now,
    event: "submitted",
    status: "submitted",
    stage: registration.stage,
    actor: { kind: "applicant" },
  };
  const { items, recordIndex } = withKeyRecord(
    [
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.nikClaim(registration.nikHash),
            entity: "nik-claim",
            registrationId: id,
            submissionHash,
            createdAt: now,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.registration(id),
            ...keys.byStatus("submitted", now, id),
            ...keys.byRegion(registration.villageCode, now, id),
            ...startPending(RECRUITMENT_WORKFLOW, id),
            entity: "registration",
            ...registration,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      { Put: { TableName: tableName(), Item: trail.eventItem(keys.trail(id), first) } },
    ],
    keyed,
    registrationReceipt(registration),
  );
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    // The key's own record first: a retry (or its twin in flight) is answered by it.
    const replayed = keyed && (await settleKeyed<RegistrationReceipt>(keyed, error, recordIndex));
    if (replayed) return replayed;
    // Only the NIK claim's condition means "already registered"; throttling or a conflict is a 503.
    if (conditionFailed(error, 0)) {
      const earlier = await sameSubmission(registration.nikHash, submissionHash);
      // Answered by content, the key agrees first (or is bound to it now): one key, one answer.
      const bound = earlier && keyed && (await bindKeyTo(keyed, registrationReceipt(earlier.registration)));
      if (bound) return bound;
      if (earlier) return { ...earlier, resubmitted: true };
      throw new AppError(
        "conflict",
        "NIK sudah terdaftar",
        "NIK ini sudah digunakan untuk pendaftaran PSM. Jika Anda merasa belum pernah mendaftar, hubungi Dinas Sosial kabupaten/kota Anda.",
      );
    }
    throw error;
  }
  return { registration, receiptCode, resubmitted: false };
}

export const registrationReceipt = (registration: Registration): RegistrationReceipt => ({
  id: registration.id,
  status: registration.status,
  receiptEncrypted: registration.receiptEncrypted,
});

/** The registration this exact submission created, if the NIK's claim is from it and recent. */
async function sameSubmission(
  nikHash: string,
  submissionHash: string,
): Promise<{ registration: Registration; receiptCode: string } | undefined> {
  const { Item: claim } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.nikClaim(nikHash), ConsistentRead: true }),
  );
  if (!claim || claim.submissionHash !== submissionHash) return undefined;
  if (Date.parse(nowIso()) - Date.parse(String(claim.createdAt)) > RESUBMISSION_WINDOW_MS) return undefined;
  const registration = await getRegistration(String(claim.registrationId));
  if (!registration) return undefined;
  return { registration, receiptCode: decrypt(registration.receiptEncrypted) };
}

export async function getRegistration(id: string): Promise<Registration | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: keys.registration(id) }));
  return Item as Registration | undefined;
}

/** Records that a staff member read a registration's personal data. */
export function recordAccess(id: string, actor: Actor, purpose: string): Promise<void> {
  return trail.recordAccess(keys.trail(id), actor, purpose);
}

export function listEvents(id: string): Promise<RegistrationEvent[]> {
  return trail.listEvents<RegistrationEvent>(keys.trail(id));
}

export interface Transition {
  event: string;
  actor: Actor;
  note?: string;
  status?: RegistrationStatus;
  stage?: RecruitmentStage;
  /** Only apply while the registration is at this stage (a decision must not land twice). */
  expectedStage?: RecruitmentStage;
  set?: Partial<Pick<Registration, "rejectionReason" | "skNumber" | "memberNumber" | "flags">>;
}

/**
 * Applies a change and appends it to the audit trail, in one conditional transaction. A task that
 * has just read the registration passes it (`read`) and nothing is read again: the write's own
 * conditions (the registration exists; `expectedStage`) guard it against a change made meanwhile.
 */
export async function recordTransition(
  id: string,
  transition: Transition,
  read?: Registration,
): Promise<Registration> {
  const current = read ?? (await getRegistration(id));
  if (!current) throw new AppError("not-found", "Pendaftaran tidak ditemukan");
  const at = nowIso();
  const status = transition.status ?? current.status;
  const stage = transition.stage ?? current.stage;
  const event: RegistrationEvent = {
    at,
    event: transition.event,
    status,
    stage,
    actor: transition.actor,
    ...(transition.note ? { note: transition.note } : {}),
  };
  const applied = await writeTransition({
    key: keys.registration(id),
    trail: keys.trail(id),
    // Only what this transition changes: an event-only transition (a request asked, a flag) must not
    // write back the status and stage it read, over a change made meanwhile.
    set: {
      ...(transition.status !== undefined ? { status } : {}),
      ...(transition.stage !== undefined ? { stage } : {}),
      updatedAt: at,
      ...transition.set,
      ...(status !== current.status ? { gsi1pk: keys.byStatus(status, current.createdAt, id).gsi1pk } : {}),
      // Its end state: the personal data waits on the erase-due index for its retention period.
      ...(status === "rejected" && current.status !== "rejected"
        ? eraseDueMark("registration", id, "rejectedRegistrationSeconds", at)
        : {}),
    },
    ...(transition.expectedStage ? { expect: { stage: transition.expectedStage } } : {}),
    event,
  });
  if (!applied) {
    throw new AppError("conflict", "Pendaftaran sudah berubah", "Langkah ini sudah diputuskan sebelumnya.");
  }
  return { ...current, ...transition.set, status, stage, updatedAt: at };
}

/**
 * The region index query of the registrations inside a region (any level), optionally with one
 * status: keys and the few attributes gsi2lean projects (db/schema.ts). Exported for reports that
 * narrow it further (registration/coverage.ts).
 */
export function regionQuery(regionCode: string, status?: RegistrationStatus) {
  // The partition is the province; below it, the village code prefix narrows the sort key.
  const wholeProvince = regionCode.length === 2;
  return {
    TableName: tableName(),
    IndexName: "gsi2lean",
    KeyConditionExpression: wholeProvince ? "gsi2pk = :pk" : "gsi2pk = :pk AND begins_with(gsi2sk, :prefix)",
    ...(status
      ? { FilterExpression: "#status = :status", ExpressionAttributeNames: { "#status": "status" } }
      : {}),
    ExpressionAttributeValues: {
      ":pk": keys.provincePartition(regionCode),
      // A whole code, never a longer one that starts alike: `32.05.` / `32.05.22.2001#`.
      ...(wholeProvince
        ? {}
        : { ":prefix": `${regionCode}${regionLevel(regionCode) === "village" ? "#" : "."}` }),
      ...(status ? { ":status": status } : {}),
    },
  };
}

/** Registrations inside a region (any level), optionally with one status, newest first. */
export async function listRegistrations(
  regionCode: string,
  status?: RegistrationStatus,
): Promise<Registration[]> {
  const found = await itemsOf<Registration>(await queryAll(regionQuery(regionCode, status)));
  return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * The id of the active registration of a kabupaten/kota with this member number, if any: read
 * from the region index alone (it projects memberNumber and id), never the whole records.
 */
export async function activeMemberId(kabupaten: string, memberNumber: string): Promise<string | undefined> {
  const query = regionQuery(kabupaten, "active");
  const found = await queryAll<Pick<Registration, "id">>({
    ...query,
    FilterExpression: `${query.FilterExpression} AND memberNumber = :member`,
    ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ":member": memberNumber },
    ProjectionExpression: "id",
  });
  return found[0]?.id;
}

/**
 * One page of the registrations inside the given regions (an admin passes every province), by
 * village code then time, newest first; the cursor comes from the previous page (db/pages.ts).
 */
export async function listRegistrationPage(
  regionCodes: string[],
  status: RegistrationStatus | undefined,
  page: { limit: number; cursor?: string },
): Promise<Page<Registration>> {
  const entries = await queryPage<Record<string, unknown>>(
    regionCodes.map((code) => ({ ...regionQuery(code, status), ScanIndexForward: false })),
    keys.regionPageKey,
    { ...page, binding: `registrations|${regionCodes.join(",")}|${status ?? ""}` },
  );
  return { ...entries, items: await itemsOf<Registration>(entries.items) };
}

/** Registrations still in the workflow (for the reconciler), a page at a time: keys, then the items. */
export async function* openRegistrationPages(pageSize = 100): AsyncGenerator<Registration[]> {
  for (const status of ["submitted", "candidate"] as const) {
    for await (const entries of queryPages<Record<string, unknown>>({
      TableName: tableName(),
      IndexName: "gsi1lean",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.statusPartition(status) },
      Limit: pageSize,
    })) {
      yield await itemsOf<Registration>(entries);
    }
  }
}
