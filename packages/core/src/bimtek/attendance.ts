import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { now, nowIso } from "../clock";
import { conditionFailed, db, getMany } from "../db/client";
import { AppError, type FieldError } from "../error";
import { hashEmail } from "../identity/protect";
import { MailDeliveryError, sendMail } from "../mail/send";
import { doOnce, sendAtLeastOnce } from "../record/once";
import { appendEvent, recordAccess, type TrailEvent } from "../record/trail";
import { registrationKeys } from "../registration/keys";
import type { Registration } from "../registration/model";
import { tableName } from "../resources";
import { resolveDuty } from "../staff/directory";
import { localDate } from "../time";
import { attendanceReminderEmail, attendanceRequestEmail } from "./attendance-messages";
import { sessionEnrolments } from "./enrolment";
import { bimtekKeys } from "./keys";
import type { BimtekSession, Enrolment } from "./model";
import { getSession, getSessionItem, sessionFromItem } from "./sessions";

/**
 * Attendance of a session: the organisers are asked for it when the session ends, record it per
 * participant and local calendar day (the link page or the staff API), and may correct it until
 * certificates go out (certificates.ts reads it then).
 */

/**
 * The addresses already sent a session's attendance link, as keyed hashes, on the session item
 * beside its bookkeeping (a retried task mails nobody twice).
 */
const ATTENDANCE_ASKED = "attendanceRequestedTo";

/**
 * The session's local calendar days (YYYY-MM-DD, in the region's zone), first to last: a session
 * from 08:00 on the 1st to 16:00 on the 2nd (WIB) has two, whatever the UTC dates say.
 */
export function sessionDays(session: Pick<BimtekSession, "startsAt" | "endsAt" | "regionCode">): string[] {
  const first = localDate(new Date(session.startsAt), session.regionCode);
  const last = localDate(new Date(session.endsAt), session.regionCode);
  const days: string[] = [];
  for (let day = new Date(`${first}T00:00:00Z`); ; day = new Date(day.getTime() + 86_400_000)) {
    const iso = day.toISOString().slice(0, 10);
    if (iso > last) break;
    days.push(iso);
  }
  return days;
}

/** Did the participant attend every day of the session? */
export const attendedEveryDay = (session: BimtekSession, enrolment: Pick<Enrolment, "days">) => {
  const attended = new Set(enrolment.days ?? []);
  return sessionDays(session).every((_, index) => attended.has(index + 1));
};

/**
 * At the end of the session (the session workflow's `attendance` event): the organisers — the
 * region's `bimtek-organiser` (falling back to that level's officer) and whoever created the
 * session — get the attendance link, each once (a retried task mails nobody twice).
 */
export async function requestAttendance(session: Pick<BimtekSession, "id">): Promise<{ asked: number }> {
  const item = await getSessionItem(session.id);
  const current = item ? sessionFromItem(item) : undefined;
  if (!item || !current || current.status === "cancelled" || current.certifiedAt) return { asked: 0 };
  const alreadyAsked = (item[ATTENDANCE_ASKED] as string[] | undefined) ?? [];
  let asked = 0;
  let busy = 0;
  for (const [email, name] of await organisersOf(current)) {
    const marker = hashEmail(email);
    if (alreadyAsked.includes(marker)) continue;
    // At least once, never twice at the same time (see `sendAtLeastOnce`): the link is how
    // attendance gets recorded at all, so a crash between the claim and the send must not lose it.
    const outcome = await sendAtLeastOnce(bimtekKeys.session(current.id), ATTENDANCE_ASKED, marker, () =>
      sendMail({ to: [email], ...attendanceRequestEmail(current, name) }),
    );
    if (outcome === "sent") asked += 1;
    if (outcome === "busy") busy += 1;
  }
  // Another run holds a claim: not done yet — the task is retried until it is sent or stale.
  if (busy > 0) throw new MailDeliveryError(`${busy} attendance link(s) still being sent by another run`);
  return { asked };
}

/** The session's organisers by address (lower case) → name: the region's duty and the creator. */
async function organisersOf(session: BimtekSession): Promise<Map<string, string | undefined>> {
  const level = session.level === "dasar" ? "district" : "province";
  const organisers = await resolveDuty(session.regionCode, level, "bimtek-organiser");
  const recipients = new Map<string, string | undefined>();
  for (const person of organisers?.people ?? []) recipients.set(person.email.toLowerCase(), person.name);
  const creator = session.createdBy.email.toLowerCase();
  if (!recipients.has(creator)) recipients.set(creator, undefined);
  return recipients;
}

/**
 * Halfway through the correction window (the `attendance-reminder` event, once per schedule
 * version `key`): when no attendance was saved at all — no participant has any days recorded, not
 * even an empty list — the organisers are reminded, each once, that certificates would otherwise
 * mark everyone incomplete. A sheet saved at all (even with absences) needs no reminder.
 */
export async function remindAttendance(
  session: Pick<BimtekSession, "id">,
  key: string,
): Promise<{ reminded: number }> {
  const current = await getSession(session.id);
  if (current?.status !== "scheduled" || current.certifiedAt) return { reminded: 0 };
  const participants = (await sessionEnrolments(current.id)).filter((e) => e.status === "confirmed");
  if (participants.length === 0 || participants.some((e) => e.days !== undefined)) return { reminded: 0 };
  let reminded = 0;
  for (const [email, name] of await organisersOf(current)) {
    const sent = await doOnce(bimtekKeys.session(current.id), "notified", `${key}:${hashEmail(email)}`, () =>
      sendMail({ to: [email], ...attendanceReminderEmail(current, name) }),
    );
    if (sent) reminded += 1;
  }
  return { reminded };
}

/** One participant's attendance: the session's local days (1-based) they were present. */
export interface AttendanceRecord {
  enrollmentId: string;
  days: number[];
}

export interface AttendanceActor {
  kind: "staff" | "link";
  id?: string;
  role?: string;
  email?: string;
}

interface AttendanceEvent extends TrailEvent {
  recorded: number;
}

/** Certificates not out yet and the session over: the only time attendance may be written. */
function assertAttendanceOpen(session: BimtekSession): void {
  if (session.status === "cancelled") {
    throw new AppError("conflict", "Sesi dibatalkan", "Sesi ini dibatalkan; tidak ada daftar hadir.");
  }
  if (session.certifiedAt || session.status === "completed") {
    throw new AppError(
      "conflict",
      "Daftar hadir sudah ditutup",
      "Sertifikat sudah diterbitkan; daftar hadir tidak dapat diubah lagi.",
    );
  }
  if (now().getTime() < Date.parse(session.endsAt)) {
    throw new AppError("conflict", "Sesi belum selesai", "Daftar hadir dapat diisi setelah sesi selesai.");
  }
}

/** A transaction holds at most 100 items: one is the session's condition. */
const RECORDS_PER_TRANSACTION = 99;

/**
 * Saves the attended days of the listed participants (each replaces what was recorded for them),
 * every error at once (422 with the field). Refused (409) before the session ended and once
 * certificates went out — the latter held by a condition on the session in the same transaction,
 * so a save racing the certificates either lands before them or not at all.
 */
export async function recordAttendance(
  sessionId: string,
  records: AttendanceRecord[],
  actor: AttendanceActor,
): Promise<{ recorded: number }> {
  const session = await getSession(sessionId);
  if (!session) throw new AppError("not-found", "Sesi tidak ditemukan");
  assertAttendanceOpen(session);
  const dayCount = sessionDays(session).length;
  const enrolments = new Map((await sessionEnrolments(sessionId)).map((e) => [e.id, e]));

  const errors: FieldError[] = [];
  const seen = new Set<string>();
  records.forEach((record, index) => {
    const enrolment = enrolments.get(record.enrollmentId);
    if (enrolment?.status !== "confirmed") {
      errors.push({
        field: `records.${index}.enrollmentId`,
        message: "Bukan peserta terkonfirmasi pada sesi ini.",
      });
    } else if (seen.has(record.enrollmentId)) {
      errors.push({ field: `records.${index}.enrollmentId`, message: "Peserta ini disebut dua kali." });
    }
    seen.add(record.enrollmentId);
    const outside = record.days.filter((day) => !Number.isInteger(day) || day < 1 || day > dayCount);
    if (outside.length > 0) {
      errors.push({
        field: `records.${index}.days`,
        message: `Hari harus antara 1 dan ${dayCount} (hari sesi menurut waktu setempat).`,
      });
    }
  });
  if (errors.length > 0) throw new AppError("validation", "Data kehadiran tidak valid", undefined, errors);
  if (records.length === 0) return { recorded: 0 };

  const at = nowIso();
  for (let start = 0; start < records.length; start += RECORDS_PER_TRANSACTION) {
    const chunk = records.slice(start, start + RECORDS_PER_TRANSACTION);
    try {
      await db().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName(),
                Key: bimtekKeys.session(sessionId),
                ConditionExpression: "attribute_not_exists(certifiedAt) AND #status = :scheduled",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":scheduled": "scheduled" },
              },
            },
            ...chunk.map((record) => ({
              Update: {
                TableName: tableName(),
                Key: bimtekKeys.enrolment(record.enrollmentId),
                UpdateExpression: "SET #days = :days, updatedAt = :at",
                ConditionExpression: "#status = :confirmed AND sessionId = :session",
                ExpressionAttributeNames: { "#days": "days", "#status": "status" },
                ExpressionAttributeValues: {
                  ":days": [...new Set(record.days)].sort((a, b) => a - b),
                  ":at": at,
                  ":confirmed": "confirmed",
                  ":session": sessionId,
                },
              },
            })),
          ],
        }),
      );
    } catch (error) {
      if (conditionFailed(error, 0)) {
        throw new AppError(
          "conflict",
          "Daftar hadir sudah ditutup",
          "Sertifikat sudah diterbitkan; daftar hadir tidak dapat diubah lagi.",
        );
      }
      if (conditionFailed(error)) {
        throw new AppError("conflict", "Peserta berubah", "Status peserta berubah; muat ulang daftar hadir.");
      }
      throw error;
    }
  }
  await appendEvent<AttendanceEvent>(bimtekKeys.trail(sessionId), {
    at,
    event: "attendance-recorded",
    actor,
    recorded: records.length,
  });
  return { recorded: records.length };
}

/** A participant as the organiser sees them on the attendance sheet. */
export interface AttendanceRow {
  enrollmentId: string;
  name: string;
  villageCode: string;
  status: Enrolment["status"];
  days: number[];
}

export interface AttendanceSheet {
  session: BimtekSession;
  /** The local calendar days, 1-based in this order. */
  days: string[];
  rows: AttendanceRow[];
  /** Whether attendance can be written now (ended, certificates not out). */
  open: boolean;
}

/**
 * The sheet the organiser fills in: confirmed participants (and, after certificates, those who
 * completed or missed a day), their names read from their registrations — a read of personal data,
 * recorded on the session's access trail.
 */
export async function attendanceSheet(sessionId: string, reader: AttendanceActor): Promise<AttendanceSheet> {
  const session = await getSession(sessionId);
  if (!session) throw new AppError("not-found", "Sesi tidak ditemukan");
  const participants = (await sessionEnrolments(sessionId)).filter((e) =>
    ["confirmed", "completed", "incomplete"].includes(e.status),
  );
  const registrations = new Map(
    (
      await getMany<Registration>(participants.map((e) => registrationKeys.registration(e.registrationId)))
    ).map((r) => [r.id, r]),
  );
  if (participants.length > 0) await recordAccess(bimtekKeys.trail(sessionId), reader, "attendance-sheet");
  let open = true;
  try {
    assertAttendanceOpen(session);
  } catch {
    open = false;
  }
  return {
    session,
    days: sessionDays(session),
    open,
    rows: participants.map((e) => ({
      enrollmentId: e.id,
      name: registrations.get(e.registrationId)?.fullName ?? "(data dihapus)",
      villageCode: e.villageCode,
      status: e.status,
      days: e.days ?? [],
    })),
  };
}
