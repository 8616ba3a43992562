import * as v from "valibot";
import { nowIso } from "../clock";
import { workflowPolicy } from "../config/durations";
import { AppError } from "../error";
import { logger } from "../log";
import type { RenderedEmail } from "../mail/render";
import { sendMail } from "../mail/send";
import { addOnce, doOnce } from "../record/once";
import { appendEvent } from "../record/trail";
import { getRegistration } from "../registration/repository";
import type { Staff } from "../staff/auth";
import { attemptOf } from "../workflow/executions";
import { remindAttendance, requestAttendance } from "./attendance";
import { issueCertificates } from "./certificates";
import {
  cancelEnrolment,
  closeEnrolment,
  endSessionEnrolments,
  getEnrolment,
  notifyParticipant,
  offerSeats,
  sessionEnrolments,
  writeDecidedEnrolments,
} from "./enrolment";
import { bimtekKeys } from "./keys";
import { type BimtekSession, type Enrolment, isActiveEnrolment } from "./model";
import { type Recipient, reminderEmail, rescheduledEmail, sessionCancelledEmail } from "./session-messages";
import { assertOrganiser, closeTimeline, getSession, listSessions } from "./sessions";
import { type BimtekPolicy, eventKey, nextEvent, SESSION_EVENTS, type SessionEvent } from "./timeline";
import { offerReconciler, startOffers } from "./workflow";

/** The `bimtek-session` workflow's tasks (session.workflow.ts). Each is safe to repeat. */

const Positive = v.pipe(v.number(), v.integer(), v.minValue(1));
export const SessionTaskSubject = { sessionId: v.string(), attempt: Positive };

export const NextEventTask = v.object({
  ...SessionTaskSubject,
  policy: v.object({
    firstReminderSeconds: Positive,
    secondReminderSeconds: Positive,
    certificatesAfterSeconds: Positive,
    executionLifetimeSeconds: Positive,
    offerClaimSeconds: Positive,
    enrolmentClosesBeforeSeconds: Positive,
  }),
});

export type NextStep =
  | { event: "done" | "superseded"; at: string; version: number }
  | { event: string; at: string; version: number };

/**
 * What the execution waits for next, read from the session record: its next event not yet done,
 * `done` when the timeline is over, or `superseded` when a newer attempt carries the session.
 */
export async function planNextEvent(task: v.InferOutput<typeof NextEventTask>): Promise<NextStep> {
  const session = await getSession(task.sessionId);
  if (!session) return { event: "done", at: nowIso(), version: 0 };
  const version = session.scheduleVersion;
  if (attemptOf(session) !== task.attempt) return { event: "superseded", at: nowIso(), version };
  const next = nextEvent(session, task.policy as BimtekPolicy);
  return next ? { ...next, version } : { event: "done", at: nowIso(), version };
}

export const RunEventTask = v.object({
  ...SessionTaskSubject,
  event: v.picklist(SESSION_EVENTS),
  version: Positive,
});

/**
 * Does one event of the session's timeline, once per schedule version (`eventsDone`), each person
 * told once (markers per person and event). An older attempt's or version's task does nothing:
 * the next `nextEvent` answers `superseded` and its execution ends.
 */
export async function runEvent(task: v.InferOutput<typeof RunEventTask>): Promise<{ ran: boolean }> {
  const session = await getSession(task.sessionId);
  if (!session || attemptOf(session) !== task.attempt || session.scheduleVersion !== task.version) {
    return { ran: false };
  }
  const key = eventKey(task.event, task.version);
  if (session.eventsDone?.includes(key)) return { ran: false };
  // Every event reads the participants: enrolments whose enrol stopped after the seat decision are
  // finished first, and a seat freed while its offer could not be made (a crash) is offered now.
  await offerFreedSeats(session.id);
  // Not due after all (the session moved between the plan and now): not done; the plan is read again.
  if ((await eventHandlers[task.event](session, key)) === "not-due") return { ran: false };
  await addOnce(bimtekKeys.session(session.id), "eventsDone", key);
  const after = await getSession(session.id);
  if (after && !nextEvent(after, workflowPolicy().bimtek)) await closeTimeline(session.id);
  logger.info("Bimtek session event done", {
    sessionId: session.id,
    event: task.event,
    version: task.version,
  });
  return { ran: true };
}

/** `not-due`: the event's time has not come after all (see `runEvent`); anything else: done. */
type EventHandler = (session: BimtekSession, key: string) => Promise<unknown>;

const eventHandlers: Record<SessionEvent, EventHandler> = {
  "reschedule-notice": (session, key) =>
    tellEveryone(session, key, isActiveEnrolment, (r) => rescheduledEmail(r, session)),
  "reminder-7": (session, key) =>
    tellEveryone(
      session,
      key,
      (e) => e.status === "confirmed",
      (r) => reminderEmail(r, session),
    ),
  "reminder-1": (session, key) =>
    tellEveryone(
      session,
      key,
      (e) => e.status === "confirmed",
      (r) => reminderEmail(r, session),
    ),
  async "close-enrolment"(session) {
    await closeEnrolment(session.id);
    await offerFreedSeats(session.id);
  },
  async start(session) {
    if (nowIso() < session.startsAt) return "not-due";
    await endUnseated(session);
  },
  async attendance(session) {
    await requestAttendance(session);
  },
  async "attendance-reminder"(session, key) {
    await remindAttendance(session, key);
  },
  async certificates(session) {
    return (await issueCertificates(session)) === "not-due" ? "not-due" : undefined;
  },
  async cancellation(session, key) {
    // Every decided enrolment written first (an enrol that crashed after its seat decision: no
    // grace period, no decision follows a cancellation), then told from the consistent list (each
    // once), then ended: a crash in between tells the rest on the retry, and nobody is missed.
    await writeDecidedEnrolments(session.id);
    await tellEveryone(session, key, isActiveEnrolment, (r) => sessionCancelledEmail(r, session));
    await endSessionEnrolments(session.id, "session-cancelled");
    // Offers still waiting for an answer end with the session (stopping an ended one changes nothing).
    for (const e of await sessionEnrolments(session.id)) {
      if (e.status === "session-cancelled" && e.offerExpiresAt) {
        await offerReconciler.stop(e, "The session was cancelled");
      }
    }
  },
};

/**
 * The session started: whoever still waits or holds an offer not yet accepted gets no seat in it.
 * Their enrolments end `not-seated` (their place or offered seat given back, their one-per-level
 * claim released so they may enrol in another session), running offers are stopped, and each is
 * told once, pointed to the next session of the level and organiser still open. Ended first, then
 * told from the ended ones: a crash in between tells the rest on the retry.
 */
async function endUnseated(session: BimtekSession): Promise<void> {
  await endSessionEnrolments(session.id, "not-seated", {
    which: (e) => e.status === "waitlisted" || e.status === "offered",
    releaseSeat: true,
  });
  const unseated = (await sessionEnrolments(session.id)).filter((e) => e.status === "not-seated");
  if (unseated.length === 0) return;
  const next = (
    await listSessions({ level: session.level, regionCode: session.regionCode, openOnly: true })
  ).find((s) => s.id !== session.id);
  for (const e of unseated) {
    if (e.offerExpiresAt) await offerReconciler.stop(e, "The session started");
    await notifyParticipant(e, "not-seated", { session, ...(next ? { next } : {}) });
  }
}

/**
 * Emails the session's enrolled people who `match` (their enrolment's `notified` marks `key`) and
 * its speakers (the session's `notified` marks `key:speaker:<email>`), each once. Someone without
 * an email address, or whose data was erased, has nobody to tell: their page shows the status.
 */
async function tellEveryone(
  session: BimtekSession,
  key: string,
  match: (e: Enrolment) => boolean,
  email: (recipient: Recipient) => RenderedEmail,
): Promise<void> {
  // Read consistently: an enrolment written or changed a moment ago is not missed.
  for (const e of await sessionEnrolments(session.id)) {
    if (!match(e) || e.notified?.includes(key)) continue;
    const registration = await getRegistration(e.registrationId);
    if (!registration?.email || registration.erasedAt) continue;
    const to = registration.email;
    const recipient: Recipient = { kind: "participant", name: registration.fullName, enrolment: e };
    await doOnce(bimtekKeys.enrolment(e.id), "notified", key, () =>
      sendMail({ to: [to], ...email(recipient) }),
    );
  }
  for (const speaker of session.speakers) {
    await doOnce(
      bimtekKeys.session(session.id),
      "notified",
      `${key}:speaker:${speaker.email.toLowerCase()}`,
      () => sendMail({ to: [speaker.email], ...email({ kind: "speaker", name: speaker.name }) }),
    );
  }
}

/**
 * Freed seats go to the waiting list in order (`offerSeats`), each offer carried by its own
 * execution. A start that fails is logged; the offer's marker makes the reconciler start it.
 */
/**
 * An enrolment cancelled (by the participant from their page, or by an organiser with a reason): the
 * seat is freed, a running offer of it stopped, and the seat offered to the next on the list. A
 * failure after the cancellation is only logged: the next timeline event or enrolment offers it.
 */
export async function withdrawEnrolment(
  id: string,
  by: "participant" | "staff",
  reason?: string,
): Promise<void> {
  const { sessionId, offer } = await cancelEnrolment(id, by, reason);
  // A cancelled offer's execution would otherwise wait out its claim window for nothing.
  if (offer) {
    await offerReconciler.stop(offer, "The enrolment was cancelled").catch((error: unknown) => {
      logger.warn("Offer workflow not stopped", { enrollmentId: offer.id, error: error as Error });
    });
  }
  await offerFreedSeats(sessionId).catch((error: unknown) => {
    logger.warn("Freed seats not offered yet", { sessionId, error: error as Error });
  });
}

/**
 * An organiser takes a participant off a session (they phoned in, or cannot attend), with a reason
 * the participant is told; recorded on the session's trail. Only an enrolment of this session; one
 * already ended answers 409.
 */
export async function cancelEnrolmentByOrganiser(
  staff: Staff,
  session: BimtekSession,
  enrollmentId: string,
  reason: string,
): Promise<void> {
  assertOrganiser(staff, session.level, session.regionCode);
  const e = await getEnrolment(enrollmentId);
  if (e?.sessionId !== session.id) {
    throw new AppError("not-found", "Peserta tidak ditemukan", "Peserta ini tidak terdaftar pada sesi ini.");
  }
  if (!isActiveEnrolment(e)) {
    throw new AppError(
      "conflict",
      "Pendaftaran sudah berakhir",
      "Pendaftaran peserta ini sudah berakhir; tidak ada yang dibatalkan.",
    );
  }
  await withdrawEnrolment(enrollmentId, "staff", reason);
  await appendEvent(bimtekKeys.trail(session.id), {
    at: nowIso(),
    event: "enrolment-cancelled",
    actor: { kind: "staff", id: staff.sub, email: staff.email, role: staff.role },
    note: `${enrollmentId}: ${reason}`,
    scheduleVersion: session.scheduleVersion,
  });
}

export async function offerFreedSeats(sessionId: string): Promise<void> {
  await startOffers(await offerSeats(sessionId));
}
