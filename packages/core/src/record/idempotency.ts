import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  PutCommand,
  type PutCommandInput,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { now } from "../clock";
import { conditionFailed, db } from "../db/client";
import { tableSchema } from "../db/schema";
import { AppError } from "../error";
import { hashSubmission } from "../identity/protect";
import { tableName } from "../resources";
import type { ItemKey } from "./keys";

/**
 * Idempotency-Key records, written inside the submission's own transaction: one more conditional
 * Put beside the registration, case or enrolment claim, so a keyed submission costs no extra call.
 * The record is read back only when its own condition failed (the key was used before) or the
 * transaction met another on the same items (two attempts at the same instant).
 *
 * Each record has its own partition, from a keyed hash of scope and key (the key itself is never
 * stored): keyed submissions spread over the table instead of sharing one hot partition.
 */

/** How long a retry with the same Idempotency-Key replays the first answer. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

/** A submission sent with an Idempotency-Key: where its record lives and what body it stands for. */
export interface KeyedSubmission {
  key: ItemKey;
  /** Keyed hash of the compared body: a retry must send the same one. */
  bodyHash: string;
}

/** Tells a replay from a first attempt in what a create function returns. */
export interface Replayed<TAnswer> {
  replayed: TAnswer;
}

export function idempotencyRecordKey(scope: string, key: string): ItemKey {
  return {
    pk: `IDEMPOTENCY#${hashSubmission({ idempotencyScope: scope, idempotencyKey: key })}`,
    sk: "IDEMPOTENCY",
  };
}

/** `body` is what a retry must repeat (not, e.g., the sender's address, which may change). */
export function keyedSubmission(scope: string, key: string, body: object): KeyedSubmission {
  return { key: idempotencyRecordKey(scope, key), bodyHash: hashSubmission({ ...body }) };
}

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * The record's Put, to add to the submission's transaction (see `withKeyRecord`). `answer` is what
 * the answer is built from, as the submission's own records keep it (codes only encrypted, no
 * personal data).
 */
function idempotencyPut(submission: KeyedSubmission, answer: object) {
  const nowSeconds = Math.floor(now().getTime() / 1000);
  return {
    TableName: tableName(),
    Item: {
      ...submission.key,
      entity: "idempotency-record",
      bodyHash: submission.bodyHash,
      answer,
      [tableSchema.ttl]: nowSeconds + IDEMPOTENCY_WINDOW_SECONDS,
    },
    // DynamoDB deletes expired items late: an expired record is replaced, not honoured.
    ConditionExpression: "attribute_not_exists(pk) OR #expiresAt < :now",
    ExpressionAttributeNames: { "#expiresAt": tableSchema.ttl },
    ExpressionAttributeValues: { ":now": nowSeconds },
  } satisfies PutCommandInput;
}

/**
 * Appends the key's record to a submission's transaction, when there is a key: the one place that
 * decides where the record sits, so `settleKeyed` reads the cancellation reason of the right item.
 * `recordIndex` is where the record is (or would be, unkeyed).
 */
export function withKeyRecord(
  items: readonly TransactItem[],
  keyed: KeyedSubmission | undefined,
  answer: object,
): { items: TransactItem[]; recordIndex: number } {
  return {
    items: keyed ? [...items, { Put: idempotencyPut(keyed, answer) }] : [...items],
    recordIndex: items.length,
  };
}

/** The transaction met another one on some item (not necessarily the record). */
function anyConflict(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  return (error.CancellationReasons ?? []).some((reason) => reason.Code === "TransactionConflict");
}

/** The record itself met another transaction: the other attempt of a double click with this key. */
function recordInConflict(error: unknown, recordIndex: number): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  return error.CancellationReasons?.[recordIndex]?.Code === "TransactionConflict";
}

/**
 * After the submission's transaction failed, with the record's Put at `recordIndex`: the stored
 * answer when the record holds this body (a retry: nothing written), the "key reused" refusal when
 * it holds another, "in progress" when the record itself met another attempt and none is stored
 * yet; `undefined` when the failure had nothing to do with the key (the caller goes on with its
 * own handling: a conflict on another item, e.g. another reporter's fold, stays a 503 to retry).
 */
export async function settleKeyed<TAnswer>(
  submission: KeyedSubmission,
  error: unknown,
  recordIndex: number,
): Promise<Replayed<TAnswer> | undefined> {
  const conflict = anyConflict(error);
  if (!conflict && !conditionFailed(error, recordIndex)) return undefined;
  const stored = await storedAnswer<TAnswer>(submission);
  if (stored) return stored;
  if (recordInConflict(error, recordIndex)) throw inProgress();
  return undefined;
}

/**
 * Before answering with an earlier submission found by its content (a resend without the key, or
 * with another): what the key says. It is bound to `answer` when unused (one conditional Put), so
 * it replays that answer from now on; the stored answer when it already holds this body; the
 * "key reused" refusal when it holds another. A key thus never answers two different submissions.
 */
export async function bindKeyTo<TAnswer extends object>(
  submission: KeyedSubmission,
  answer: TAnswer,
): Promise<Replayed<TAnswer> | undefined> {
  try {
    await db().send(new PutCommand(idempotencyPut(submission, answer)));
    return undefined;
  } catch (error) {
    if (!conditionFailed(error)) throw error;
  }
  const stored = await storedAnswer<TAnswer>(submission);
  // Expired between the Put and the read: the earlier submission's answer stands.
  return stored;
}

/** The live record's answer for this body; throws "key reused" for another body. */
async function storedAnswer<TAnswer>(submission: KeyedSubmission): Promise<Replayed<TAnswer> | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: submission.key, ConsistentRead: true }),
  );
  const nowSeconds = Math.floor(now().getTime() / 1000);
  // DynamoDB deletes expired items late: an expired record is not honoured.
  if (!Item || Number(Item[tableSchema.ttl]) < nowSeconds) return undefined;
  if (Item.bodyHash !== submission.bodyHash) throw keyReused();
  return { replayed: Item.answer as TAnswer };
}

/** Marks the refusal of a reused key, so a form page can answer it with a fresh form. */
class KeyReused extends Error {
  override name = "IdempotencyKeyReused";
}

export function keyReused(): AppError {
  return new AppError(
    "validation",
    "Idempotency-Key sudah dipakai",
    "Kunci Idempotency-Key ini sudah dipakai untuk data yang berbeda. Gunakan kunci baru untuk pengiriman baru.",
    undefined,
    { cause: new KeyReused("Idempotency-Key reused for another body") },
  );
}

/** The refusal of a key already used for other content (a form page answers it with a fresh form). */
export function isKeyReused(error: unknown): boolean {
  return error instanceof AppError && error.cause instanceof KeyReused;
}

/** Its own kind (not "conflict", which means the data clashes): retrying shortly replays the answer. */
export function inProgress(): AppError {
  return new AppError(
    "in-progress",
    "Permintaan sedang diproses",
    "Pengiriman yang sama sedang diproses. Coba lagi sebentar lagi.",
  );
}
