import { randomInt } from "node:crypto";
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { now, nowIso } from "../clock";
import { workflowPolicy } from "../config/durations";
import { conditionFailed, db, getMany, queryAll } from "../db/client";
import { itemsOf } from "../db/lean-index";
import { AppError } from "../error";
import { logger } from "../log";
import { sendMail } from "../mail/send";
import { type KeyedSubmission, settleKeyed, withKeyRecord } from "../record/idempotency";
import { newRecordId } from "../record/ids";
import { isWithin, parentRegion } from "../region/regions";
import type { Registration } from "../registration/model";
import { getRegistration, receiptMatches, regionQuery } from "../registration/repository";
import { tableName } from "../resources";
import { startPending } from "../workflow/executions";
import { executionKeys } from "../workflow/keys";
import { bimtekKeys as keys } from "./keys";
import {
  cancelledByOrganiserEmail,
  cancelledByYouEmail,
  confirmedEmail,
  declinedEmail,
  notSeatedEmail,
  offerEmail,
  offerLapsedEmail,
  waitlistedEmail,
} from "./messages";
import {
  type BimtekSession,
  type Enrolment,
  type EnrolmentStatus,
  isActiveEnrolment,
  OFFER_WORKFLOW,
} from "./model";
import { enrolmentOpen, getSession, getSessionItem, sessionFromItem } from "./sessions";

/**
 * Enrolment in a Bimtek session. Seats are decided by one conditional update of the session item
 * (DynamoDB applies updates of one item one after another), so capacity and quotas hold exactly
 * however many enrol at once, and the order of those updates is the arrival order:
 *
 * - a quota seat when the participant's kecamatan has one free and nobody of it waits;
 * - else a general seat when one is free and nobody waits (a newcomer never jumps the list);
 * - else the waiting list (villages without an active PSM first, then arrival).
 *
 * The decision is recorded on the session under the enrolment id (`arrivalOf`, `seatOf`), so a
 * retried or doubled submission finds its first answer instead of taking a second seat; one
 * active enrolment per person and level is the `personLevel` item, claimed first.
 *
 * Crash safety. The decision and the enrolment item are two writes (the decision must stay one
 * plain update of the session for capacity to hold under concurrency, and the item's keys need the
 * arrival number it hands out). So the decision also keeps who it is for (`decidedFor`): the
 * session is the source of truth and the item is derived from it, as a recorded approval decision
 * is delivered after it is stored (action/decision.ts). A crash between the two — a held seat or a
 * `waiting` count with nobody behind it — is finished by `finishDecidedEnrolments`, run before the
 * session's timeline events and seat offers act and by an enrolment that finds seats stranded
 * behind a waiting count: it writes the item (conditionally, so it converges with a late in-flight
 * enrol) and tells the person once (`notifyParticipant`'s markers). A claim left without a
 * decision (a crash right after `claimPersonLevel`) is voided on the session and released when the
 * person enrols elsewhere.
 */

const newEnrolmentId = () => newRecordId("e");

type SeatDecision = "quota" | "general" | "waiting";

/** What the session's decision keeps to write the enrolment item should its enrol not get there. */
interface DecidedFor {
  registrationId: string;
  villageCode: string;
  kecamatanCode: string;
  priority: 0 | 1;
  /** When the decision was made. */
  at: string;
}

/** `arrivalOf` of a claim voided by a repair: no seat will ever be decided for that enrolment id. */
const VOIDED = 0;

/**
 * How old an unfinished decision or claim must be before a repair finishes it: far longer than an
 * enrol takes, so a repair does not race one in flight (were it to, both writes are conditional and
 * the email is sent once, so they still converge).
 */
export const UNFINISHED_GRACE_MS = 30_000;
const graceCutoff = () => new Date(now().getTime() - UNFINISHED_GRACE_MS).toISOString();

const STORAGE_ATTRIBUTES = [
  "pk",
  "sk",
  "entity",
  "gsi1pk",
  "gsi1sk",
  "gsi2pk",
  "gsi2sk",
  ...executionKeys.attributes,
] as const;

export function enrolmentFromItem(item: Record<string, unknown>): Enrolment {
  const enrolment = { ...item };
  for (const attribute of STORAGE_ATTRIBUTES) delete enrolment[attribute];
  return enrolment as unknown as Enrolment;
}

export async function getEnrolment(id: string): Promise<Enrolment | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.enrolment(id), ConsistentRead: true }),
  );
  return Item ? enrolmentFromItem(Item) : undefined;
}

/** The table keys of a session's enrolments, in arrival order (gsi2, lean: keys only are read). */
function enrolmentEntries(sessionId: string): Promise<Record<string, unknown>[]> {
  return queryAll<Record<string, unknown>>({
    TableName: tableName(),
    IndexName: "gsi2lean",
    KeyConditionExpression: "gsi2pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.sessionPartition(sessionId) },
    ProjectionExpression: "pk, sk",
  });
}

/** A session's enrolments in arrival order (their keys from gsi2, then the enrolments by key). */
export async function listEnrolments(sessionId: string): Promise<Enrolment[]> {
  const items = await itemsOf<Record<string, unknown>>(await enrolmentEntries(sessionId));
  return items.map(enrolmentFromItem);
}

/**
 * A session's enrolments in arrival order, each read consistently: the index may lag a write of a
 * moment ago (an enrolment just made, an offer just accepted), so the ids also come from the
 * session's own seat decisions (`arrivalOf`, read consistently), and every item is read by key.
 */
export async function sessionEnrolments(sessionId: string): Promise<Enrolment[]> {
  const [listed, item] = await Promise.all([enrolmentEntries(sessionId), getSessionItem(sessionId)]);
  const wanted = new Map(
    listed.map((entry) => [String(entry.pk), { pk: String(entry.pk), sk: String(entry.sk) }]),
  );
  for (const [id, arrival] of Object.entries(item ? arrivalsOf(item) : {})) {
    const key = keys.enrolment(id);
    if (arrival !== VOIDED) wanted.set(key.pk, key);
  }
  const fresh = await getMany<Record<string, unknown>>([...wanted.values()]);
  return fresh
    .map(enrolmentFromItem)
    .filter((e) => e.sessionId === sessionId)
    .sort((a, b) => a.arrival - b.arrival);
}

/** The waiting list in the order seats are offered (gsi1 while waitlisted: keys, then the enrolments). */
export async function listWaiting(sessionId: string): Promise<Enrolment[]> {
  const entries = await queryAll<Record<string, unknown>>({
    TableName: tableName(),
    IndexName: "gsi1lean",
    KeyConditionExpression: "gsi1pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.waitingPartition(sessionId) },
  });
  const items = await itemsOf<Record<string, unknown>>(entries);
  return items.map(enrolmentFromItem).filter((e) => e.status === "waitlisted");
}

/** 1-based place on the waiting list, counted now; undefined when not waiting. */
export async function waitingPosition(e: Enrolment): Promise<number | undefined> {
  if (e.status !== "waitlisted") return undefined;
  const mine = keys.waiting(e.sessionId, e.priority, e.arrival);
  const { Count } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: "gsi1lean",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk < :mine",
      ExpressionAttributeValues: { ":pk": mine.gsi1pk, ":mine": mine.gsi1sk },
      Select: "COUNT",
    }),
  );
  return (Count ?? 0) + 1;
}

/** DynamoDB cancels a transaction that meets another on the same item: try again after a jittered pause. */
async function withConflictRetry<T>(work: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const name = (error as Error).name;
      const conflict =
        name === "TransactionConflictException" ||
        (name === "TransactionCanceledException" && !conditionFailed(error));
      if (!conflict || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, randomInt(5, 20 * 2 ** Math.min(attempt, 5))));
    }
  }
}

const quotaKecamatan = (session: BimtekSession, kecamatanCode: string) =>
  session.quotas[kecamatanCode] !== undefined ? kecamatanCode : undefined;
const generalSeats = (session: BimtekSession) =>
  session.capacity - Object.values(session.quotas).reduce((sum, n) => sum + n, 0);

// ---------------------------------------------------------------------------------------------
// Eligibility

const notEligible = (message: string) =>
  new AppError("validation", "Belum memenuhi syarat untuk sesi ini", message, [
    { field: "registrationId", message },
  ]);

function assertEligible(session: BimtekSession, r: Registration): void {
  if (!isWithin(r.villageCode, session.regionCode)) {
    throw notEligible(
      session.level === "dasar"
        ? "Bimtek dasar ini hanya untuk calon PSM dari kabupaten/kota penyelenggara."
        : "Bimtek lanjutan ini hanya untuk PSM aktif dari provinsi penyelenggara.",
    );
  }
  if (session.level === "dasar" && (r.status !== "candidate" || r.stage !== "basic-training")) {
    throw notEligible("Bimtek dasar hanya untuk calon PSM yang sudah direkomendasikan kepala desa/lurah.");
  }
  // Active implies Bimtek dasar completed: a registration becomes active only by the district's
  // approval at district-verification, a stage reached only through the training-completed step.
  if (session.level === "lanjutan" && r.status !== "active") {
    throw notEligible("Bimtek lanjutan hanya untuk PSM aktif yang sudah menyelesaikan Bimtek dasar.");
  }
}

/** 0 when the village has no active PSM yet (its candidates are offered freed seats first). */
async function priorityOf(session: BimtekSession, r: Registration): Promise<0 | 1> {
  if (session.level !== "dasar") return 1;
  return (await villageHasActivePsm(r.villageCode)) ? 1 : 0;
}

/**
 * Whether the village has an active PSM: the village's registrations, keys and status only, page
 * by page until the first active one (`Limit` counts items before the status filter, so an empty
 * page does not mean none).
 */
async function villageHasActivePsm(villageCode: string): Promise<boolean> {
  const query = regionQuery(villageCode, "active");
  let from: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        ...query,
        ProjectionExpression: "pk, #status",
        Limit: 50,
        ...(from ? { ExclusiveStartKey: from } : {}),
      }),
    );
    if ((page.Items?.length ?? 0) > 0) return true;
    from = page.LastEvaluatedKey;
  } while (from);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Enrol

export interface EnrolRequest {
  sessionId: string;
  registrationId: string;
  receiptCode: string;
}

export interface EnrolResult {
  enrolment: Enrolment;
  /** Place on the waiting list as of the answer; undefined when a seat is held. */
  position: number | undefined;
  /** Seats offered on the way (they were stranded): the caller starts their offer workflows. */
  offered?: Enrolment[];
}

const wrongCredentials = () => {
  const message = "Nomor pendaftaran atau kode tanda terima tidak cocok.";
  return new AppError("validation", "Data pendaftaran tidak cocok", message, [
    { field: "receiptCode", message },
  ]);
};

const enrolmentClosed = () =>
  new AppError("conflict", "Pendaftaran sudah ditutup", "Pendaftaran untuk sesi ini sudah ditutup.");

const sessionNotFound = () => new AppError("not-found", "Sesi Bimtek tidak ditemukan");

const sessionCancelled = () =>
  new AppError(
    "conflict",
    "Sesi dibatalkan",
    "Sesi ini dibatalkan oleh penyelenggara. Silakan mendaftar pada sesi lain.",
  );

/**
 * How many enrolments (ids) a session takes in all: its seats, a waiting list as long again, and
 * as many again for people who leave, plus 50 — so enrolling and cancelling in a loop cannot grow
 * the session item (which records every id's arrival) toward DynamoDB's 400 KB item limit. At the
 * largest capacity (500) that is 1,550 ids, about 80 KB.
 */
export const enrolmentLimit = (session: Pick<BimtekSession, "capacity">) => 3 * session.capacity + 50;

const waitingListFull = () =>
  new AppError(
    "conflict",
    "Daftar tunggu penuh",
    "Sesi ini sudah menerima pendaftaran sebanyak batasnya. Silakan mendaftar pada sesi lain.",
  );

const changing = () => new AppError("conflict", "Pendaftaran sedang berubah", "Coba lagi sebentar lagi.");

/** What a keyed enrolment's record keeps: the answer is built from the enrolment as it stands. */
interface EnrolmentReceipt {
  enrollmentId: string;
}

/** Where `withKeyRecord` puts the key's record in the claim's transaction (after the one claim). */
const CLAIM_RECORD_INDEX = 1;

/**
 * Claims the person's one active enrolment of the level for this session: the id of the new (or,
 * for the same session, the earlier) enrolment; 409 when they hold one in another session.
 */
async function claimPersonLevel(
  session: BimtekSession,
  registrationId: string,
  keyed: KeyedSubmission | undefined,
): Promise<string> {
  const key = keys.personLevel(registrationId, session.level);
  for (let attempt = 0; attempt < 3; attempt++) {
    const enrollmentId = newEnrolmentId();
    const claimPut = {
      TableName: tableName(),
      Item: {
        ...key,
        entity: "bimtek-person-level",
        enrollmentId,
        sessionId: session.id,
        createdAt: nowIso(),
      },
      ConditionExpression: "attribute_not_exists(pk)",
    };
    try {
      if (keyed) {
        // The Idempotency-Key's record rides on the claim: a reused key is refused before any seat is taken.
        const { items } = withKeyRecord([{ Put: claimPut }], keyed, {
          enrollmentId,
        } satisfies EnrolmentReceipt);
        await db().send(new TransactWriteCommand({ TransactItems: items }));
      } else {
        await db().send(new PutCommand(claimPut));
      }
      return enrollmentId;
    } catch (error) {
      // A retry of this keyed request goes on with the first one's enrolment (answered as it stands).
      const replayed = keyed && (await settleKeyed<EnrolmentReceipt>(keyed, error, CLAIM_RECORD_INDEX));
      if (replayed) return replayed.replayed.enrollmentId;
      if (!conditionFailed(error)) throw error;
    }
    const { Item: claim } = await db().send(
      new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
    );
    // Released meanwhile (a cancellation): claim again.
    if (!claim) continue;
    if (claim.sessionId === session.id) return String(claim.enrollmentId);
    // Left by a crash with nothing behind it: released, claim again.
    if (await settleUnfinishedClaim(claim, registrationId, session.level)) continue;
    throw new AppError(
      "conflict",
      "Sudah terdaftar pada sesi lain",
      `Anda sudah terdaftar atau menunggu pada sesi ${session.level === "dasar" ? "Bimtek dasar" : "Bimtek lanjutan"} lain. Batalkan pendaftaran itu terlebih dahulu jika ingin pindah sesi.`,
    );
  }
  throw changing();
}

const arrivalsOf = (item: Record<string, unknown>) => (item.arrivalOf ?? {}) as Record<string, number>;
const decisionsOf = (item: Record<string, unknown>) => (item.decidedFor ?? {}) as Record<string, DecidedFor>;

/**
 * A claim on another session with no enrolment behind it, older than the grace period (a crash
 * after the claim, or after the seat decision): finished when that session decided a seat for it
 * (then the 409 stands), otherwise voided there — so a late decision cannot follow — and released.
 * Returns whether it was released.
 */
async function settleUnfinishedClaim(
  claim: Record<string, unknown>,
  registrationId: string,
  level: Enrolment["level"],
): Promise<boolean> {
  const enrollmentId = String(claim.enrollmentId);
  const sessionId = String(claim.sessionId);
  if (String(claim.createdAt) > graceCutoff() || (await getEnrolment(enrollmentId))) return false;
  const item = await getSessionItem(sessionId);
  if (item?.status === "scheduled" && !(await voidDecision(sessionId, enrollmentId))) {
    const decided = await getSessionItem(sessionId);
    const finished = decided ? await writeDecidedEnrolment(decided, enrollmentId) : undefined;
    if (finished) {
      await tellDecision(finished.enrolment, finished.session);
      await settleDecision(sessionId, enrollmentId);
      return false;
    }
  }
  // No seat decided (or the session is over: nothing to hold a seat in).
  await releaseClaim(registrationId, level, enrollmentId);
  return true;
}

/** Marks an enrolment id as never to be decided; false when a decision was made first. */
async function voidDecision(sessionId: string, enrollmentId: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.session(sessionId),
        UpdateExpression: "SET arrivalOf.#e = :void",
        ConditionExpression: "attribute_not_exists(arrivalOf.#e)",
        ExpressionAttributeNames: { "#e": enrollmentId },
        ExpressionAttributeValues: { ":void": VOIDED },
      }),
    );
    return true;
  } catch (error) {
    if (!conditionFailed(error)) throw error;
  }
  const item = await getSessionItem(sessionId);
  return item ? arrivalsOf(item)[enrollmentId] === VOIDED : true;
}

/** Which seat the session, as read, would give: what the conditional update then insists on. */
function seatFor(session: BimtekSession, kecamatanCode: string): SeatDecision {
  const quota = quotaKecamatan(session, kecamatanCode);
  if (
    quota &&
    (session.quotaHeld[quota] ?? 0) < (session.quotas[quota] ?? 0) &&
    (session.waitingFrom?.[quota] ?? 0) === 0 &&
    session.seatsHeld < session.capacity
  ) {
    return "quota";
  }
  if (session.generalHeld < generalSeats(session) && session.waiting === 0) return "general";
  return "waiting";
}

/**
 * The seat decision: one conditional update of the session (arrival number, seat counters, and
 * the decision under the enrolment id), retried on a changed session. A decision already made for
 * this enrolment id (a retried submission) is returned as it was.
 */
async function takeArrival(
  sessionId: string,
  enrollmentId: string,
  decided: Omit<DecidedFor, "at">,
): Promise<{ arrival: number; seat: SeatDecision }> {
  const { kecamatanCode } = decided;
  for (let attempt = 0; attempt < 50; attempt++) {
    const item = await getSessionItem(sessionId);
    if (!item) throw sessionNotFound();
    const recorded = arrivalsOf(item)[enrollmentId];
    if (recorded === VOIDED) throw changing();
    if (recorded !== undefined) {
      return {
        arrival: recorded,
        seat: (item.seatOf as Record<string, SeatDecision>)[enrollmentId] ?? "waiting",
      };
    }
    const session = sessionFromItem(item);
    const at = nowIso();
    if (!enrolmentOpen(session, at)) throw enrolmentClosed();
    if (session.arrivals >= enrolmentLimit(session)) throw waitingListFull();
    const seat = seatFor(session, kecamatanCode);
    const quota = quotaKecamatan(session, kecamatanCode);
    const names: Record<string, string> = { "#status": "status", "#e": enrollmentId };
    const values: Record<string, unknown> = {
      ":scheduled": "scheduled",
      ":now": at,
      ":one": 1,
      ":seat": seat,
      ":decided": { ...decided, at } satisfies DecidedFor,
      ":limit": enrolmentLimit(session),
    };
    const conditions = [
      "#status = :scheduled",
      "attribute_not_exists(enrolmentClosed)",
      "enrolmentClosesAt > :now",
      "attribute_not_exists(arrivalOf.#e)",
      "arrivals < :limit",
    ];
    const sets = [
      "arrivals = arrivals + :one",
      "arrivalOf.#e = arrivals + :one",
      "seatOf.#e = :seat",
      "decidedFor.#e = :decided",
    ];
    // Only the names and values the chosen expression uses: DynamoDB refuses unused ones.
    const useQuota = () => {
      if (!quota) return;
      names["#k"] = quota;
      values[":quota"] = session.quotas[quota];
      values[":capacity"] = session.capacity;
      values[":zero"] = 0;
    };
    const useGeneral = () => {
      values[":general"] = generalSeats(session);
      values[":zero"] = 0;
    };
    if (seat === "quota") {
      useQuota();
      // The capacity too: quota seats given out as general ones (enrolment closed, then reopened
      // by a reschedule) are no longer there to take.
      conditions.push("quotaHeld.#k < :quota", "waitingFrom.#k = :zero", "seatsHeld < :capacity");
      sets.push("quotaHeld.#k = quotaHeld.#k + :one", "seatsHeld = seatsHeld + :one");
    } else if (seat === "general") {
      useGeneral();
      conditions.push("generalHeld < :general", "waiting = :zero");
      sets.push("generalHeld = generalHeld + :one", "seatsHeld = seatsHeld + :one");
    } else {
      useGeneral();
      useQuota();
      // Only when no seat is to be had: a seat freed since the read sends us round again.
      conditions.push("(generalHeld >= :general OR waiting > :zero)");
      if (quota) {
        conditions.push("(quotaHeld.#k >= :quota OR waitingFrom.#k > :zero OR seatsHeld >= :capacity)");
      }
      sets.push("waiting = waiting + :one");
      if (quota) sets.push("waitingFrom.#k = waitingFrom.#k + :one");
    }
    try {
      const { Attributes } = await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.session(sessionId),
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: conditions.join(" AND "),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "UPDATED_NEW",
        }),
      );
      return { arrival: Number(Attributes?.arrivals), seat };
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  }
  throw new AppError(
    "unavailable",
    "Layanan sedang sibuk",
    "Terlalu banyak pendaftaran bersamaan. Coba lagi.",
  );
}

/**
 * Enrols a registered person (their receipt code proves it is them): confirmed on a free seat,
 * otherwise waitlisted. The same person and session again answers with the first enrolment (a
 * double submission), never a second seat and never a 409. With an Idempotency-Key (`keyed`) the
 * key's record is written with the person's claim; the same key with another body is refused there.
 *
 * Unlike registrations and cases, a keyed replay here is not the stored answer: the record keeps
 * only the enrolment id, and the answer is built from the enrolment as it stands (its seat or
 * status may have changed since the first answer). And a
 * request that is answered or refused before the claim — an unknown session, wrong receipt code,
 * a closed session or a full waiting list — never reaches the record, so a reused key with another
 * body gets that answer rather than 422: no key can take a seat, or change one, for another body.
 */
export async function enrol(request: EnrolRequest, keyed?: KeyedSubmission): Promise<EnrolResult> {
  const session = await getSession(request.sessionId);
  if (!session) throw sessionNotFound();
  const registration = await getRegistration(request.registrationId);
  if (!registration || registration.erasedAt || !receiptMatches(registration, request.receiptCode)) {
    throw wrongCredentials();
  }
  assertEligible(session, registration);
  if (!enrolmentOpen(session)) {
    // Nothing is written for a closed session (a repeated POST must not grow its item): only a
    // doubled submission that got its answer before the close gets it again.
    const earlier = await enrolmentClaimedIn(session, registration.id);
    if (earlier) return answerEarlier(earlier);
    throw enrolmentClosed();
  }
  if (session.arrivals >= enrolmentLimit(session)) {
    // A doubled submission still gets its first answer.
    const earlier = await enrolmentClaimedIn(session, registration.id);
    if (earlier) return answerEarlier(earlier);
    throw waitingListFull();
  }
  const enrollmentId = await claimPersonLevel(session, registration.id, keyed);
  const earlier = await getEnrolment(enrollmentId);
  if (earlier) return answerEarlier(earlier);

  // Seats free while people wait and nobody is offered them: a decision whose enrolment was never
  // written may hold the list (a newcomer must not jump it). Finish it and offer the seats first.
  const offered = seatsStranded(session) ? await offerSeats(session.id) : [];
  const decided = {
    registrationId: registration.id,
    villageCode: registration.villageCode,
    kecamatanCode: parentRegion(registration.villageCode) ?? registration.villageCode,
    priority: await priorityOf(session, registration),
  };
  let decision: { arrival: number; seat: SeatDecision };
  try {
    decision = await takeArrival(session.id, enrollmentId, decided);
  } catch (error) {
    // No seat decision was made: the person's claim is released so they may enrol elsewhere.
    if (error instanceof AppError && error.kind !== "unavailable") {
      await releaseClaim(registration.id, session.level, enrollmentId);
    }
    throw error;
  }
  const at = nowIso();
  const { enrolment, created } = await putEnrolment(
    decidedEnrolment(session, enrollmentId, { ...decided, at }, decision.arrival, decision.seat),
  );
  // The doubled submission (or a repair) wrote it first, and tells.
  if (!created) return { ...(await answerEarlier(enrolment)), offered };
  const position = await waitingPosition(enrolment);
  await notifyParticipant(enrolment, enrolment.status === "confirmed" ? "confirmed" : "waitlisted", {
    session,
    registration,
    position,
  }).catch((error: unknown) => {
    logger.warn("Enrolment email not sent", { enrollmentId, error: error as Error });
  });
  // Told (or the warning logged): the decision's copy is no longer needed on the session.
  await settleDecision(session.id, enrollmentId);
  logger.info("Bimtek enrolment", { enrollmentId, sessionId: session.id, status: enrolment.status });
  return { enrolment, position, offered };
}

/** The enrolment of this person in this session, if their claim points at one (read only). */
async function enrolmentClaimedIn(
  session: BimtekSession,
  registrationId: string,
): Promise<Enrolment | undefined> {
  const { Item: claim } = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.personLevel(registrationId, session.level),
      ConsistentRead: true,
    }),
  );
  if (claim?.sessionId !== session.id) return undefined;
  return getEnrolment(String(claim.enrollmentId));
}

/** A doubled submission's answer: the first one, unless the session was cancelled meanwhile (409). */
async function answerEarlier(e: Enrolment): Promise<EnrolResult> {
  if (e.status === "session-cancelled") throw sessionCancelled();
  return { enrolment: e, position: await waitingPosition(e) };
}

/**
 * The decision's copy (`decidedFor`) is dropped once its enrolment is written and told: only
 * decisions in flight stay on the session item, which must stay far below DynamoDB's 400 KB.
 */
async function settleDecision(sessionId: string, enrollmentId: string): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.session(sessionId),
        UpdateExpression: "REMOVE decidedFor.#e",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#e": enrollmentId },
      }),
    )
    .catch((error: unknown) => {
      // Left for the next repair (it finds the item written and the person told).
      logger.warn("Bimtek decision not settled", { enrollmentId, sessionId, error: error as Error });
    });
}

/** The enrolment item a seat decision stands for. */
function decidedEnrolment(
  session: BimtekSession,
  id: string,
  decided: DecidedFor,
  arrival: number,
  seat: SeatDecision,
): Enrolment {
  return {
    id,
    sessionId: session.id,
    level: session.level,
    registrationId: decided.registrationId,
    villageCode: decided.villageCode,
    kecamatanCode: decided.kecamatanCode,
    status: seat === "waiting" ? "waitlisted" : "confirmed",
    ...(seat === "waiting" ? {} : { seat }),
    priority: decided.priority,
    arrival,
    createdAt: decided.at,
    updatedAt: nowIso(),
  };
}

/** Writes a decided enrolment unless it is there (the enrol and a repair converge): the stored one. */
async function putEnrolment(enrolment: Enrolment): Promise<{ enrolment: Enrolment; created: boolean }> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.enrolment(enrolment.id),
          ...keys.bySession(enrolment.sessionId, enrolment.arrival),
          ...(enrolment.status === "waitlisted"
            ? keys.waiting(enrolment.sessionId, enrolment.priority, enrolment.arrival)
            : {}),
          entity: "bimtek-enrolment",
          ...enrolment,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return { enrolment, created: true };
  } catch (error) {
    if (!conditionFailed(error)) throw error;
    const first = await getEnrolment(enrolment.id);
    if (first) return { enrolment: first, created: false };
    throw error;
  }
}

/**
 * The enrolment the session decided for `enrollmentId`, written if its enrol did not get there.
 * Undefined when no seat was decided for it (or the decision predates `decidedFor`).
 */
async function writeDecidedEnrolment(
  item: Record<string, unknown>,
  enrollmentId: string,
): Promise<{ enrolment: Enrolment; created: boolean; session: BimtekSession } | undefined> {
  const sessionId = String(item.id);
  const arrival = arrivalsOf(item)[enrollmentId];
  const decided = decisionsOf(item)[enrollmentId];
  if (!decided || arrival === undefined || arrival === VOIDED) return undefined;
  const seat = (item.seatOf as Record<string, SeatDecision>)[enrollmentId] ?? "waiting";
  const session = sessionFromItem(item);
  const written = await putEnrolment(decidedEnrolment(session, enrollmentId, decided, arrival, seat));
  if (written.created) {
    logger.warn("Bimtek enrolment finished after its enrol stopped", {
      enrollmentId,
      sessionId,
      status: written.enrolment.status,
    });
  }
  return { ...written, session };
}

/** The enrolment's first answer (confirmed or waitlisted), if it was never given; once. */
async function tellDecision(e: Enrolment, session: BimtekSession): Promise<void> {
  const told = [`confirmed:${e.id}`, `waitlisted:${e.id}`, `offer:${e.id}`];
  if (session.status !== "scheduled" || e.notified?.some((marker) => told.includes(marker))) return;
  // Once the session has started a seat or place is no news: the start ends the list (`endUnseated`).
  if (session.startsAt <= nowIso()) return;
  if (e.status !== "confirmed" && e.status !== "waitlisted") return;
  await notifyParticipant(e, e.status, { session, position: await waitingPosition(e) });
}

/**
 * Finishes the session's enrolments whose enrol stopped after the seat decision (older than the
 * grace period): the missing item written from the decision, the person told once — also when the
 * item was written but the email never went out. Run before anything reads the participants or
 * offers seats. Returns the enrolments written now.
 */
export async function finishDecidedEnrolments(sessionId: string): Promise<Enrolment[]> {
  const item = await getSessionItem(sessionId);
  if (!item) return [];
  const session = sessionFromItem(item);
  const cutoff = graceCutoff();
  const listed = new Map((await listEnrolments(sessionId)).map((e) => [e.id, e]));
  const finished: Enrolment[] = [];
  for (const [id, decided] of Object.entries(decisionsOf(item))) {
    if (decided.at > cutoff) continue;
    let e = listed.get(id);
    if (!e) {
      const written = await writeDecidedEnrolment(item, id);
      if (!written) continue;
      e = written.enrolment;
      if (written.created) finished.push(e);
    }
    const told = await tellDecision(e, session).then(
      () => true,
      (error: unknown) => {
        logger.warn("Enrolment email not sent", { enrollmentId: id, error: error as Error });
        return false;
      },
    );
    if (told) await settleDecision(sessionId, id);
  }
  return finished;
}

/** Seats a waiting person could take but nobody was offered (healthy only between a release and its offer). */
function seatsStranded(session: BimtekSession): boolean {
  if (session.waiting > 0 && session.generalHeld < generalSeats(session)) return true;
  return Object.entries(session.quotas).some(
    ([code, seats]) => (session.waitingFrom?.[code] ?? 0) > 0 && (session.quotaHeld[code] ?? 0) < seats,
  );
}

async function releaseClaim(registrationId: string, level: Enrolment["level"], enrollmentId: string) {
  await db()
    .send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.personLevel(registrationId, level),
        ConditionExpression: "enrollmentId = :id",
        ExpressionAttributeValues: { ":id": enrollmentId },
      }),
    )
    .catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
    });
}

// ---------------------------------------------------------------------------------------------
// Leaving: cancel, decline, lapse, session cancelled

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * The transaction item that gives up the person's one-active-enrolment claim with the enrolment's
 * last status change: only while the claim still names this enrolment (or is already gone).
 */
export function claimRelease(e: Pick<Enrolment, "id" | "registrationId" | "level">): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: keys.personLevel(e.registrationId, e.level),
      ConditionExpression: "attribute_not_exists(pk) OR enrollmentId = :id",
      ExpressionAttributeValues: { ":id": e.id },
    },
  };
}

/** The session update giving back what an enrolment held: its seat, or its place in the list. */
function releaseOnSession(session: BimtekSession, e: Enrolment, beforeStartAt?: string): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ":one": 1, ...(beforeStartAt ? { ":now": beforeStartAt } : {}) };
  const sets: string[] = [];
  const quota = quotaKecamatan(session, e.kecamatanCode);
  if (e.status === "waitlisted") {
    sets.push("waiting = waiting - :one");
    if (quota) sets.push("waitingFrom.#k = waitingFrom.#k - :one");
  } else {
    sets.push("seatsHeld = seatsHeld - :one");
    if (e.seat === "quota" && quota) sets.push("quotaHeld.#k = quotaHeld.#k - :one");
    else sets.push("generalHeld = generalHeld - :one");
  }
  if (quota && sets.some((set) => set.includes("#k"))) names["#k"] = quota;
  return {
    Update: {
      TableName: tableName(),
      Key: keys.session(session.id),
      UpdateExpression: `SET ${sets.join(", ")}`,
      // A participant's cancellation: only before the start (`endEnrolment`'s `beforeStart`).
      ConditionExpression: beforeStartAt
        ? "attribute_exists(pk) AND startsAt > :now"
        : "attribute_exists(pk)",
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Ends an active enrolment with `status` (seat or place given back, person free to enrol again), if
 * it still is `expected`. Returns the ended enrolment, or undefined when it had changed.
 */
async function endEnrolment(
  e: Enrolment,
  status: EnrolmentStatus,
  options: { releaseSeat: boolean; session?: BimtekSession; beforeStart?: boolean },
): Promise<Enrolment | undefined> {
  const at = nowIso();
  const session = options.session ?? (await getSession(e.sessionId));
  if (!session) throw sessionNotFound();
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tableName(),
        Key: keys.enrolment(e.id),
        UpdateExpression: `SET #status = :status, updatedAt = :at REMOVE gsi1pk, gsi1sk, ${executionKeys.attributes.join(", ")}`,
        ConditionExpression: "#status = :was",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":status": status, ":at": at, ":was": e.status },
      },
    },
    claimRelease(e),
  ];
  // Held on the write, not just checked on a read: the start may pass between the two.
  const startGuard = options.beforeStart ? 2 : -1;
  if (options.releaseSeat) items.push(releaseOnSession(session, e, options.beforeStart ? at : undefined));
  else if (options.beforeStart) {
    items.push({
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.session(session.id),
        ConditionExpression: "startsAt > :now",
        ExpressionAttributeValues: { ":now": at },
      },
    });
  }
  try {
    await withConflictRetry(() => db().send(new TransactWriteCommand({ TransactItems: items })));
  } catch (error) {
    if (conditionFailed(error, 0)) return undefined;
    if (options.beforeStart && conditionFailed(error, startGuard)) throw sessionStarted();
    throw error;
  }
  return { ...e, status, updatedAt: at };
}

/** What a cancellation ended: the session (its seat is offered on) and, if it was offered, the enrolment. */
export interface CancelledEnrolment {
  sessionId: string;
  /** The enrolment as it was while offered: its offer execution is to be stopped. */
  offer?: Enrolment;
}

/** Once the session has started a participant no longer cancels: the seat is not offered on. */
export const sessionStarted = () =>
  new AppError(
    "conflict",
    "Sesi sudah dimulai",
    "Sesi ini sudah dimulai; pendaftaran tidak dapat dibatalkan lagi. Hubungi penyelenggara bila berhalangan.",
  );

/**
 * The participant (or an organiser, with a reason the participant is told) cancels a confirmed,
 * waitlisted or offered enrolment: the seat is freed. Returns the session id so the caller offers
 * the seat on. Already cancelled: the same answer. A participant cannot cancel once the session has
 * started (409).
 */
export async function cancelEnrolment(
  id: string,
  by: "participant" | "staff" = "participant",
  reason?: string,
): Promise<CancelledEnrolment> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const e = await getEnrolment(id);
    if (!e) throw new AppError("not-found", "Pendaftaran Bimtek tidak ditemukan");
    if (e.status === "cancelled") return { sessionId: e.sessionId };
    if (!isActiveEnrolment(e)) {
      throw new AppError(
        "conflict",
        "Pendaftaran tidak dapat dibatalkan",
        "Pendaftaran ini sudah berakhir dan tidak dapat dibatalkan lagi.",
      );
    }
    const session = await getSession(e.sessionId);
    if (!session) throw sessionNotFound();
    if (by === "participant" && session.startsAt <= nowIso()) throw sessionStarted();
    const ended = await endEnrolment(e, "cancelled", {
      releaseSeat: true,
      session,
      beforeStart: by === "participant",
    });
    if (!ended) continue; // it changed meanwhile (offered, accepted): look again
    logger.info("Bimtek enrolment cancelled", { enrollmentId: id, sessionId: e.sessionId, by });
    const told = by === "participant" ? "cancelled" : "cancelled-by-organiser";
    await notifyParticipant(ended, told, { session, ...(reason ? { reason } : {}) }).catch(
      (error: unknown) => {
        logger.warn("Cancellation email not sent", { enrollmentId: id, error: error as Error });
      },
    );
    return { sessionId: e.sessionId, ...(e.status === "offered" ? { offer: e } : {}) };
  }
  throw changing();
}

/** An offered seat is declined or its claim window passed: the seat is freed. Idempotent. */
export async function releaseOffer(
  id: string,
  reason: "declined" | "lapsed",
): Promise<Enrolment | undefined> {
  const e = await getEnrolment(id);
  if (!e) return undefined;
  if (e.status !== "offered") return e.status === reason ? e : undefined;
  const ended = await endEnrolment(e, reason, { releaseSeat: true });
  if (!ended) {
    const now = await getEnrolment(id);
    return now?.status === reason ? now : undefined;
  }
  logger.info("Bimtek seat offer released", { enrollmentId: id, sessionId: e.sessionId, reason });
  return ended;
}

/** An offered seat is accepted: confirmed. Idempotent (already confirmed: the same answer). */
export async function acceptOffer(id: string): Promise<Enrolment> {
  const e = await getEnrolment(id);
  if (!e) throw new AppError("not-found", "Pendaftaran Bimtek tidak ditemukan");
  if (e.status === "confirmed") return e;
  if (e.status !== "offered") {
    throw new AppError("conflict", "Tawaran tidak berlaku lagi", "Tawaran kursi ini sudah berakhir.");
  }
  const at = nowIso();
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.enrolment(id),
        UpdateExpression: "SET #status = :confirmed, updatedAt = :at",
        ConditionExpression: "#status = :offered",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":confirmed": "confirmed", ":offered": "offered", ":at": at },
      }),
    );
  } catch (error) {
    if (!conditionFailed(error)) throw error;
    const now = await getEnrolment(id);
    if (now?.status === "confirmed") return now;
    throw new AppError("conflict", "Tawaran tidak berlaku lagi", "Tawaran kursi ini sudah berakhir.");
  }
  return { ...e, status: "confirmed", updatedAt: at };
}

/**
 * Every active enrolment of a session ends with `status` (the session was cancelled): no seat is
 * given back (there is no session to give it to), the people are free to enrol elsewhere. Returns
 * those ended now; a repeat ends nobody twice.
 *
 * No seat is decided once the session is cancelled, but an enrol decided just before may not have
 * written its item yet, and an offer may be accepted meanwhile: every decided enrolment is written
 * first (conditionally: the late enrol finds it), then the enrolments are read consistently and
 * ended until none is active.
 */
export async function endSessionEnrolments(
  sessionId: string,
  status: EnrolmentStatus,
  options: { which?: (e: Enrolment) => boolean; releaseSeat?: boolean } = {},
): Promise<Enrolment[]> {
  const which = options.which ?? isActiveEnrolment;
  const session = await writeDecidedEnrolments(sessionId);
  if (!session) return [];
  const ended: Enrolment[] = [];
  for (let round = 0; round < 10; round++) {
    const active = (await sessionEnrolments(sessionId)).filter((e) => isActiveEnrolment(e) && which(e));
    if (active.length === 0) return ended;
    for (const e of active) {
      const done = await endEnrolment(e, status, { releaseSeat: options.releaseSeat ?? false, session });
      if (done) ended.push(done);
    }
  }
  throw changing();
}

/**
 * Every seat decision of the session written as its enrolment, whatever its age (no grace period:
 * the caller ends or tells everyone, nobody may be missed): the session item is read once, the
 * decided ids looked up together, and only those not found are written. Returns the session.
 */
export async function writeDecidedEnrolments(sessionId: string): Promise<BimtekSession | undefined> {
  const item = await getSessionItem(sessionId);
  if (!item) return undefined;
  const decided = Object.entries(arrivalsOf(item))
    .filter(([, arrival]) => arrival !== VOIDED)
    .map(([id]) => id);
  const found = await getMany<Record<string, unknown>>(decided.map((id) => keys.enrolment(id)));
  const written = new Set(found.map((e) => String(e.id)));
  for (const id of decided) {
    if (!written.has(id)) await writeDecidedEnrolment(item, id);
  }
  return sessionFromItem(item);
}

// ---------------------------------------------------------------------------------------------
// Offers

/** Enrolment closed: every quota seat not taken becomes a general seat. Idempotent. */
export async function closeEnrolment(sessionId: string): Promise<BimtekSession | undefined> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.session(sessionId),
        UpdateExpression: "SET enrolmentClosed = :yes, updatedAt = :at",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":yes": true, ":at": nowIso() },
      }),
    );
  } catch (error) {
    if (conditionFailed(error)) return undefined;
    throw error;
  }
  return getSession(sessionId);
}

/** The seat a waiting person could take now, if any. */
function offerableSeat(session: BimtekSession, e: Enrolment): "quota" | "general" | undefined {
  const quota = quotaKecamatan(session, e.kecamatanCode);
  if (session.seatsHeld >= session.capacity) return undefined;
  if (session.enrolmentClosed) return "general";
  if (quota && (session.quotaHeld[quota] ?? 0) < (session.quotas[quota] ?? 0)) return "quota";
  return session.generalHeld < generalSeats(session) ? "general" : undefined;
}

/**
 * While a seat is free and someone waits who may take it, the first of them (priority, arrival)
 * is offered it: `offered`, the claim window from the policy, the offer workflow's start-pending
 * marker, and the seat held — in one transaction conditional on the seat still being free.
 * Returns the newly offered; the caller starts their offer workflows (the reconciler starts any
 * it misses).
 */
export async function offerSeats(sessionId: string): Promise<Enrolment[]> {
  // The waiting list must be whole first: a waiting count without its enrolment would hold seats back.
  await finishDecidedEnrolments(sessionId);
  const offered: Enrolment[] = [];
  for (let round = 0; round < 500; round++) {
    const session = await getSession(sessionId);
    if (session?.status !== "scheduled") break;
    // Once the session has started nobody is offered a seat in it (they could not attend it whole).
    if (session.startsAt <= nowIso()) break;
    const waiting = await listWaiting(sessionId);
    let next: { e: Enrolment; seat: "quota" | "general" } | undefined;
    for (const e of waiting) {
      const seat = offerableSeat(session, e);
      if (seat) {
        next = { e, seat };
        break;
      }
    }
    if (!next) break;
    const made = await offer(session, next.e, next.seat);
    if (made) offered.push(made);
  }
  return offered;
}

async function offer(
  session: BimtekSession,
  e: Enrolment,
  seat: "quota" | "general",
): Promise<Enrolment | undefined> {
  const at = nowIso();
  // Never past the start: a seat claimed after it could not be attended whole.
  const claimEnds = new Date(Date.parse(at) + workflowPolicy().bimtek.offerClaimSeconds * 1000).toISOString();
  const offerExpiresAt = claimEnds < session.startsAt ? claimEnds : session.startsAt;
  const marker = startPending(OFFER_WORKFLOW, e.id);
  const quota = quotaKecamatan(session, e.kecamatanCode);
  const names: Record<string, string> = { "#status": "status" };
  const values: Record<string, unknown> = {
    ":one": 1,
    ":scheduled": "scheduled",
    ":now": at,
    ":capacity": session.capacity,
  };
  const sets = ["waiting = waiting - :one", "seatsHeld = seatsHeld + :one"];
  // Never past the capacity (quota seats may have gone out as general ones), never once started.
  const conditions = ["#status = :scheduled", "startsAt > :now", "seatsHeld < :capacity"];
  if (quota) {
    names["#k"] = quota;
    sets.push("waitingFrom.#k = waitingFrom.#k - :one");
  }
  if (seat === "quota" && quota) {
    values[":quota"] = session.quotas[quota];
    sets.push("quotaHeld.#k = quotaHeld.#k + :one");
    conditions.push("quotaHeld.#k < :quota", "attribute_not_exists(enrolmentClosed)");
  } else {
    sets.push("generalHeld = generalHeld + :one");
    if (!session.enrolmentClosed) {
      values[":general"] = generalSeats(session);
      conditions.push("generalHeld < :general");
    }
  }
  try {
    await withConflictRetry(() =>
      db().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName(),
                Key: keys.enrolment(e.id),
                UpdateExpression:
                  "SET #status = :offered, seat = :seat, offerExpiresAt = :expires, updatedAt = :at, gsi3pk = :g3pk, gsi3sk = :g3sk REMOVE gsi1pk, gsi1sk",
                ConditionExpression: "#status = :waitlisted",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: {
                  ":offered": "offered",
                  ":waitlisted": "waitlisted",
                  ":seat": seat,
                  ":expires": offerExpiresAt,
                  ":at": at,
                  ":g3pk": marker.gsi3pk,
                  ":g3sk": marker.gsi3sk,
                },
              },
            },
            {
              Update: {
                TableName: tableName(),
                Key: keys.session(session.id),
                UpdateExpression: `SET ${sets.join(", ")}`,
                ConditionExpression: conditions.join(" AND "),
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
          ],
        }),
      ),
    );
  } catch (error) {
    // Someone else took the seat, or the person left the list: the caller looks again.
    if (conditionFailed(error)) return undefined;
    throw error;
  }
  logger.info("Bimtek seat offered", { enrollmentId: e.id, sessionId: session.id });
  return { ...e, status: "offered", seat, offerExpiresAt, updatedAt: at };
}

// ---------------------------------------------------------------------------------------------
// Telling the participant

export type ParticipantMessage =
  | "confirmed"
  | "waitlisted"
  | "offer"
  | "offer-lapsed"
  | "declined"
  | "cancelled"
  | "cancelled-by-organiser"
  | "not-seated";

/**
 * Emails the participant once per message and enrolment (marker in `notified`, claimed before the
 * send and given back if it fails, so a retry neither repeats nor loses it). No email address (or
 * erased data): nobody to tell; their page shows the status.
 */
export async function notifyParticipant(
  e: Enrolment,
  message: ParticipantMessage,
  context: {
    session?: BimtekSession;
    registration?: Registration;
    position?: number;
    /** For `not-seated`: the next session of the level and organiser still open. */
    next?: BimtekSession;
    /** For `cancelled-by-organiser`: the organiser's reason. */
    reason?: string;
  } = {},
): Promise<boolean> {
  const registration = context.registration ?? (await getRegistration(e.registrationId));
  if (!registration?.email || registration.erasedAt) return false;
  const session = context.session ?? (await getSession(e.sessionId));
  if (!session) return false;
  const marker = `${message}:${e.id}`;
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.enrolment(e.id),
        UpdateExpression: "SET notified = list_append(if_not_exists(notified, :none), :item)",
        ConditionExpression: "attribute_exists(pk) AND NOT contains(notified, :marker)",
        ExpressionAttributeValues: { ":none": [], ":item": [marker], ":marker": marker },
      }),
    );
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
  const email = (() => {
    switch (message) {
      case "confirmed":
        return confirmedEmail(registration, session, e);
      case "waitlisted":
        return waitlistedEmail(registration, session, e, context.position ?? 1);
      case "offer":
        return offerEmail(registration, session, e);
      case "offer-lapsed":
        return offerLapsedEmail(registration, session, e);
      case "declined":
        return declinedEmail(registration, session, e);
      case "cancelled":
        return cancelledByYouEmail(registration, session, e);
      case "cancelled-by-organiser":
        return cancelledByOrganiserEmail(registration, session, e, context.reason ?? "-");
      case "not-seated":
        return notSeatedEmail(registration, session, e, context.next);
    }
  })();
  try {
    await sendMail({ to: [registration.email], ...email });
  } catch (error) {
    const current = await getEnrolment(e.id);
    const index = current?.notified?.indexOf(marker) ?? -1;
    if (index >= 0) {
      await db()
        .send(
          new UpdateCommand({
            TableName: tableName(),
            Key: keys.enrolment(e.id),
            UpdateExpression: `REMOVE notified[${index}]`,
            ConditionExpression: `notified[${index}] = :marker`,
            ExpressionAttributeValues: { ":marker": marker },
          }),
        )
        .catch(() => undefined);
    }
    throw error;
  }
  return true;
}
