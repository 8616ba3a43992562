import { DeleteCommand, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "../clock";
import { conditionFailed, db, getMany, queryAll, queryPages } from "../db/client";
import { itemsOf } from "../db/lean-index";
import { AppError } from "../error";
import { newRecordId } from "../record/ids";
import * as trail from "../record/trail";
import { isWithin } from "../region/regions";
import { tableName } from "../resources";
import { assertAccess, type Staff } from "../staff/auth";
import { attemptOf, startPending } from "../workflow/executions";
import { executionKeys } from "../workflow/keys";
import { bimtekKeys as keys } from "./keys";
import { type BimtekLevel, type BimtekSession, SESSION_WORKFLOW } from "./model";
import { type SessionInput, validateReschedule, validateSession } from "./schema";

/** Bimtek sessions: created, listed, rescheduled and cancelled by staff, each change on the session's trail. */

const newSessionId = () => newRecordId("b");

/** Attributes that live on the stored item only (keys, markers, seat bookkeeping), never in a view. */
const STORAGE_ATTRIBUTES = [
  "pk",
  "sk",
  "entity",
  "gsi1pk",
  "gsi1sk",
  ...executionKeys.attributes,
  "arrivalOf",
  "seatOf",
  "decidedFor",
] as const;

/** The session as the domain sees it, without the storage attributes. */
export function sessionFromItem(item: Record<string, unknown>): BimtekSession {
  const session = { ...item };
  for (const attribute of STORAGE_ATTRIBUTES) delete session[attribute];
  return session as unknown as BimtekSession;
}

export interface SessionEvent {
  at: string;
  event: string;
  actor: { kind: string; id?: string; role?: string; email?: string };
  note?: string;
  scheduleVersion: number;
}

const actorOf = (staff: Staff) => ({ kind: "staff", id: staff.sub, email: staff.email, role: staff.role });

/**
 * Who may organise a session of `level` in `regionCode`: dasar the kabupaten/kota's district officer,
 * lanjutan the province officer, an admin anywhere. Outside their region: 404 (nothing revealed).
 */
export function assertOrganiser(staff: Staff, level: BimtekLevel, regionCode: string): void {
  assertAccess(staff, regionCode);
  if (staff.role === "admin") return;
  const role = level === "dasar" ? "district" : "province";
  if (staff.role !== role || staff.region !== regionCode) {
    throw new AppError(
      "forbidden",
      "Tidak berwenang",
      level === "dasar"
        ? "Bimtek dasar diselenggarakan oleh Dinas Sosial kabupaten/kota."
        : "Bimtek lanjutan diselenggarakan oleh Dinas Sosial provinsi.",
    );
  }
}

/**
 * Creates a session (validated: every error at once), saved with its workflow's start-pending
 * marker and its first audit event in one transaction. The caller starts its workflow; should that
 * start not happen, the reconciler does.
 */
export async function createSession(staff: Staff, input: SessionInput): Promise<BimtekSession> {
  const valid = validateSession(input);
  assertOrganiser(staff, valid.level, valid.regionCode);
  const at = nowIso();
  const id = newSessionId();
  const quotaKecamatan = Object.keys(valid.quotas);
  const session: BimtekSession = {
    ...valid,
    id,
    status: "scheduled",
    seatsHeld: 0,
    generalHeld: 0,
    quotaHeld: Object.fromEntries(quotaKecamatan.map((code) => [code, 0])),
    waiting: 0,
    waitingFrom: Object.fromEntries(quotaKecamatan.map((code) => [code, 0])),
    arrivals: 0,
    scheduleVersion: 1,
    scheduledAt: at,
    workflowAttempt: 1,
    workflowFailures: 0,
    createdBy: { sub: staff.sub, email: staff.email, role: staff.role },
    createdAt: at,
    updatedAt: at,
  };
  const event: SessionEvent = { at, event: "created", actor: actorOf(staff), scheduleVersion: 1 };
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: {
              ...keys.session(id),
              ...keys.byRegion(session.level, session.regionCode, session.startsAt, id),
              ...startPending(SESSION_WORKFLOW, id),
              entity: "bimtek-session",
              ...session,
              // Enrolment ids → arrival and seat: a retried seat decision finds its first answer; and
              // → who it is for, so a crash before the enrolment item is written loses nothing.
              arrivalOf: {},
              seatOf: {},
              decidedFor: {},
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        { Put: { TableName: tableName(), Item: trail.eventItem(keys.trail(id), event) } },
        {
          Put: { TableName: tableName(), Item: { ...keys.openTimeline(id), entity: "bimtek-open-timeline" } },
        },
      ],
    }),
  );
  return session;
}

/** The stored item, with its bookkeeping (for the enrolment module). */
export async function getSessionItem(id: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.session(id), ConsistentRead: true }),
  );
  return Item;
}

export async function getSession(id: string): Promise<BimtekSession | undefined> {
  const item = await getSessionItem(id);
  return item ? sessionFromItem(item) : undefined;
}

/** The session's timeline is over (its last event done): its open-timeline marker goes. */
export async function closeTimeline(id: string): Promise<void> {
  const { pk, sk } = keys.openTimeline(id);
  await db().send(new DeleteCommand({ TableName: tableName(), Key: { pk, sk } }));
}

/**
 * Every session whose timeline is open, page by page (local start-up: its engine kept no
 * execution): the markers' keys from gsi3, then the sessions themselves (a marker whose session
 * is gone is skipped).
 */
export async function* openTimelinePages(pageSize = 100): AsyncGenerator<BimtekSession[]> {
  for await (const page of queryPages<Record<string, string>>({
    TableName: tableName(),
    IndexName: "gsi3",
    KeyConditionExpression: "gsi3pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.openTimelinePartition },
    Limit: pageSize,
  })) {
    const items = await getMany<Record<string, unknown>>(
      page.map((marker) => keys.session(marker.gsi3sk ?? "")),
    );
    if (items.length > 0) yield items.map(sessionFromItem);
  }
}

/** Enrolment is open: scheduled, its close not passed nor closed early. */
export function enrolmentOpen(session: BimtekSession, at: string = nowIso()): boolean {
  return session.status === "scheduled" && !session.enrolmentClosed && at < session.enrolmentClosesAt;
}

/** Seats nobody holds: the general ones, plus the quota seats (any kind once enrolment closed). */
export function seatsLeft(session: BimtekSession): number {
  return Math.max(0, session.capacity - session.seatsHeld);
}

/**
 * The sessions of one organiser (level and region), by start (gsi1 `byRegion`: keys from the lean
 * work-list index, then the sessions by key). `openOnly`: those still open for enrolment;
 * otherwise every session starting from `from` (default: all).
 */
export async function listSessions(query: {
  level: BimtekLevel;
  regionCode: string;
  openOnly?: boolean;
  from?: string;
}): Promise<BimtekSession[]> {
  const at = nowIso();
  const from = query.openOnly ? at : query.from;
  const entries = await queryAll<Record<string, unknown>>({
    TableName: tableName(),
    IndexName: "gsi1lean",
    KeyConditionExpression: from ? "gsi1pk = :pk AND gsi1sk >= :from" : "gsi1pk = :pk",
    ExpressionAttributeValues: {
      ":pk": keys.regionPartition(query.level, query.regionCode),
      ...(from ? { ":from": from } : {}),
    },
  });
  const sessions = (await itemsOf<Record<string, unknown>>(entries)).map(sessionFromItem);
  return query.openOnly ? sessions.filter((s) => enrolmentOpen(s, at)) : sessions;
}

/** The sessions staff see for a region: a kabupaten's dasar, a province's lanjutan (and its kabupaten's dasar). */
export async function listRegionSessions(regionCode: string): Promise<BimtekSession[]> {
  const level = regionCode.length === 2 ? "lanjutan" : "dasar";
  return listSessions({ level, regionCode });
}

/** The session, if the staff member may see it (404 otherwise). */
export async function scopedSession(staff: Staff, id: string): Promise<BimtekSession> {
  const session = await getSession(id);
  if (!session) throw new AppError("not-found", "Sesi Bimtek tidak ditemukan");
  assertAccess(staff, session.regionCode);
  return session;
}

/**
 * One conditional update of a scheduled session that starts a new schedule version: its own
 * changes, `scheduleVersion + 1`, `scheduledAt`, the next workflow attempt (failures reset) and
 * the start-pending marker, with the audit event, in one transaction. The caller supersedes the
 * running execution; the new one tells everyone, once per version.
 */
async function newScheduleVersion(
  staff: Staff,
  read: BimtekSession,
  changes: Partial<BimtekSession>,
  event: string,
  note?: string,
): Promise<BimtekSession> {
  let current = read;
  // The reconciler may restart the execution (the next attempt) between the read and the write:
  // the attempt is part of the condition, and only such a change is worth another try.
  for (let tries = 1; ; tries++) {
    try {
      return await writeScheduleVersion(staff, current, changes, event, note);
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      const fresh = await getSession(current.id);
      const onlyAttemptMoved =
        fresh?.status === "scheduled" &&
        fresh.scheduleVersion === current.scheduleVersion &&
        attemptOf(fresh) !== attemptOf(current);
      if (!fresh || !onlyAttemptMoved || tries >= 5) {
        throw new AppError(
          "conflict",
          "Sesi sudah berubah",
          "Sesi ini sudah dibatalkan, selesai, atau baru saja diubah. Muat ulang lalu coba lagi.",
        );
      }
      current = fresh;
    }
  }
}

/** The one conditional write of `newScheduleVersion`: throws the condition failure to its caller. */
async function writeScheduleVersion(
  staff: Staff,
  current: BimtekSession,
  changes: Partial<BimtekSession>,
  event: string,
  note?: string,
): Promise<BimtekSession> {
  const at = nowIso();
  const seenAttempt = attemptOf(current);
  const attempt = seenAttempt + 1;
  const version = current.scheduleVersion + 1;
  const { enrolmentClosed, ...fields } = changes;
  const reopen = enrolmentClosed === false;
  const set: Record<string, unknown> = {
    ...fields,
    scheduleVersion: version,
    scheduledAt: at,
    workflowAttempt: attempt,
    workflowFailures: 0,
    updatedAt: at,
    ...startPending(SESSION_WORKFLOW, current.id),
    ...(changes.startsAt
      ? { gsi1sk: keys.byRegion(current.level, current.regionCode, changes.startsAt, current.id).gsi1sk }
      : {}),
  };
  const names: Record<string, string> = { "#status": "status", "#version": "scheduleVersion" };
  names["#attempt"] = "workflowAttempt";
  const values: Record<string, unknown> = {
    ":scheduled": "scheduled",
    ":seen": current.scheduleVersion,
    ":seenAttempt": seenAttempt,
  };
  const assignments = Object.entries(set).map(([attribute, value], index) => {
    names[`#a${index}`] = attribute;
    values[`:a${index}`] = value;
    return `#a${index} = :a${index}`;
  });
  const trailEvent: SessionEvent = {
    at,
    event,
    actor: actorOf(staff),
    scheduleVersion: version,
    ...(note ? { note } : {}),
  };
  // An item never restarted has no attempt stored (attempt 1).
  const attemptCondition =
    seenAttempt === 1
      ? "(attribute_not_exists(#attempt) OR #attempt = :seenAttempt)"
      : "#attempt = :seenAttempt";
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tableName(),
            Key: keys.session(current.id),
            UpdateExpression: `SET ${assignments.join(", ")}${reopen ? " REMOVE enrolmentClosed" : ""}`,
            ConditionExpression: `#status = :scheduled AND #version = :seen AND ${attemptCondition}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        { Put: { TableName: tableName(), Item: trail.eventItem(keys.trail(current.id), trailEvent) } },
      ],
    }),
  );
  const updated: BimtekSession = {
    ...current,
    ...fields,
    scheduleVersion: version,
    scheduledAt: at,
    workflowAttempt: attempt,
    workflowFailures: 0,
    updatedAt: at,
  };
  if (reopen) delete updated.enrolmentClosed;
  return updated;
}

/**
 * Once a session has started it is no longer rescheduled or cancelled (409): from the start on it
 * runs its course — attendance is asked at the end and certificates follow — so what people
 * attended, and the attendance recorded, always belong to the times they were told.
 */
function assertNotStarted(session: BimtekSession, detail: string): void {
  if (session.startsAt <= nowIso()) throw new AppError("conflict", "Sesi sudah dimulai", detail);
}

/** Moves a session to new times (and venue). Enrolment reopens when its new close lies ahead. */
export async function rescheduleSession(
  staff: Staff,
  id: string,
  change: SessionInput,
): Promise<BimtekSession> {
  const current = await scopedSession(staff, id);
  assertOrganiser(staff, current.level, current.regionCode);
  if (current.status !== "scheduled") {
    throw new AppError("conflict", "Sesi tidak dapat diubah", "Sesi ini sudah dibatalkan atau selesai.");
  }
  assertNotStarted(current, "Sesi yang sudah dimulai tidak dapat dijadwalkan ulang.");
  const valid = validateReschedule(change);
  return newScheduleVersion(
    staff,
    current,
    {
      startsAt: valid.startsAt,
      endsAt: valid.endsAt,
      enrolmentClosesAt: valid.enrolmentClosesAt,
      ...(valid.venue ? { venue: valid.venue } : {}),
      ...(current.enrolmentClosed ? { enrolmentClosed: false } : {}),
    },
    "rescheduled",
  );
}

/** Cancels a session; its workflow tells everyone once and ends their enrolments. */
export async function cancelSession(staff: Staff, id: string, reason: string): Promise<BimtekSession> {
  const current = await scopedSession(staff, id);
  assertOrganiser(staff, current.level, current.regionCode);
  if (current.status !== "scheduled") {
    throw new AppError("conflict", "Sesi tidak dapat dibatalkan", "Sesi ini sudah dibatalkan atau selesai.");
  }
  assertNotStarted(current, "Sesi yang sudah dimulai tidak dapat dibatalkan.");
  const at = nowIso();
  return newScheduleVersion(
    staff,
    current,
    { status: "cancelled", cancelledAt: at, cancellationReason: reason },
    "cancelled",
    reason,
  );
}

/** The session's audit trail, oldest first. */
export function listSessionEvents(id: string): Promise<SessionEvent[]> {
  return trail.listEvents<SessionEvent>(keys.trail(id));
}

/** Is a region code (a village's, a kecamatan's) inside the session's organising region? */
export const withinSession = (session: BimtekSession, code: string) => isWithin(code, session.regionCode);
