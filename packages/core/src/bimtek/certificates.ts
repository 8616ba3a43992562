import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { now, nowIso } from "../clock";
import { conditionFailed, db } from "../db/client";
import { logger } from "../log";
import { MailDeliveryError, sendMail } from "../mail/send";
import { nextNumber } from "../record/counter";
import { addOnce, doOnce, type SendOutcome, sendAtLeastOnce } from "../record/once";
import { appendEvent, type TrailEvent } from "../record/trail";
import { writeTransition } from "../record/transition";
import type { Registration } from "../registration/model";
import { answerTraining, oweTraining } from "../registration/recruitment";
import { getRegistration } from "../registration/repository";
import { tableName } from "../resources";
import { localDate } from "../time";
import { attendedEveryDay } from "./attendance";
import { certificateEmail, incompleteEmail, type NextSession } from "./attendance-messages";
import { claimRelease, getEnrolment, sessionEnrolments, type TransactItem } from "./enrolment";
import { bimtekKeys } from "./keys";
import { certificateCode, certificateCodeHash } from "./links";
import { maskName } from "./messages";
import type { BimtekSession, Certificate, Enrolment } from "./model";
import { getSession, listSessions } from "./sessions";

/**
 * Certificates: when attendance can no longer be corrected (the session workflow's `certificates`
 * event), whoever attended every day completes the session — a numbered certificate behind a
 * derived verification code, an email, and for Bimtek dasar the recruitment's training wait
 * answered — and whoever missed a day is told where to enrol again. Every step is once per
 * participant (status conditions and `notified` markers), so a crash and a retry owe nobody twice.
 */

/** `BIMTEK-DASAR/3205/2026/0001`: per level, organiser and the organiser's local year. */
async function nextCertificateNumber(session: BimtekSession): Promise<string> {
  const year = localDate(new Date(session.endsAt), session.regionCode).slice(0, 4);
  const sequence = await nextNumber(bimtekKeys.certificateCounter(session.level, session.regionCode, year));
  const digits = session.regionCode.replace(/\D/g, "");
  return `BIMTEK-${session.level.toUpperCase()}/${digits}/${year}/${String(sequence).padStart(4, "0")}`;
}

/** Who records a completion on the registration: the session itself. */
const systemRecorder = (sessionId: string) => ({
  email: "sistem",
  role: "system",
  sub: `bimtek:${sessionId}`,
});

interface CertificatesEvent extends TrailEvent {
  completed: number;
  incomplete: number;
}

/**
 * Issues the session's certificates. Attendance is closed first (`certifiedAt`, which every
 * attendance write is conditional on), then each confirmed participant is completed or marked
 * incomplete, then the session is `completed`. Safe to repeat: a participant already handled only
 * gets what is still owed (an email, the training answer).
 */
export async function issueCertificates(
  session: Pick<BimtekSession, "id">,
): Promise<{ completed: number; incomplete: number } | "not-due"> {
  const held = await getSession(session.id);
  if (held && now().getTime() < Date.parse(held.endsAt)) {
    // A session not yet held certifies nobody (a stale caller, the session moved meanwhile): the
    // event is not done — the current schedule's timeline calls again when it is due.
    logger.warn("Certificates not issued: the session has not ended", { sessionId: session.id });
    return "not-due";
  }
  const current = await closeAttendance(session.id);
  if (!current) return { completed: 0, incomplete: 0 };
  const next = await nextOpenSession(current);
  let completed = 0;
  let incomplete = 0;
  let mailInProgress = 0;
  for (const enrolment of await sessionEnrolments(current.id)) {
    let participant = enrolment;
    if (participant.status === "confirmed") {
      participant = attendedEveryDay(current, participant)
        ? await complete(current, participant)
        : await markIncomplete(current, participant);
    }
    if (participant.status === "completed") {
      if ((await deliverCertificate(current, participant)) === "busy") mailInProgress += 1;
      completed += 1;
    } else if (participant.status === "incomplete") {
      await tellIncomplete(current, participant, next);
      incomplete += 1;
    }
  }
  if (mailInProgress > 0) {
    // Another run claimed these emails moments ago (or died doing so): the session stays open and
    // the task is retried (MailDeliveryFailed) until they are sent or their claims are stale.
    throw new MailDeliveryError(`${mailInProgress} certificate email(s) still being sent by another run`);
  }
  await writeTransition<CertificatesEvent>({
    key: bimtekKeys.session(current.id),
    trail: bimtekKeys.trail(current.id),
    set: { status: "completed", updatedAt: nowIso() },
    expect: { status: "scheduled" },
    event: { at: nowIso(), event: "certificates-issued", actor: { kind: "system" }, completed, incomplete },
  });
  return { completed, incomplete };
}

/** Sets `certifiedAt` once (attendance is read-only from then on); undefined for a cancelled session. */
async function closeAttendance(sessionId: string): Promise<BimtekSession | undefined> {
  const session = await getSession(sessionId);
  if (!session || session.status === "cancelled") return undefined;
  if (session.certifiedAt) return session;
  const at = nowIso();
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: bimtekKeys.session(sessionId),
        UpdateExpression: "SET certifiedAt = :at, updatedAt = :at",
        ConditionExpression: "attribute_not_exists(certifiedAt) AND #status = :scheduled",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":at": at, ":scheduled": "scheduled" },
      }),
    );
    await appendEvent(bimtekKeys.trail(sessionId), {
      at,
      event: "attendance-closed",
      actor: { kind: "system" },
    });
  } catch (error) {
    if (!conditionFailed(error)) throw error;
  }
  const closed = await getSession(sessionId);
  return closed && closed.status !== "cancelled" && closed.certifiedAt ? closed : undefined;
}

/** Completed: the number and the certificate item, with the enrolment's status, in one transaction. */
async function complete(session: BimtekSession, enrolment: Enrolment): Promise<Enrolment> {
  const registration = await getRegistration(enrolment.registrationId);
  const number = await nextCertificateNumber(session);
  const at = nowIso();
  const certificate: Certificate = {
    number,
    enrollmentId: enrolment.id,
    sessionId: session.id,
    level: session.level,
    nameMasked: registration?.fullName ? maskName(registration.fullName) : "***",
    sessionTitle: session.title,
    regionCode: session.regionCode,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    issuedAt: at,
  };
  const written = await settleConfirmed(session, enrolment, "completed", { certificateNumber: number }, [
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...bimtekKeys.certificate(certificateCodeHash(certificateCode(enrolment.id))),
          entity: "bimtek-certificate",
          ...certificate,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
  ]);
  // Handled by a concurrent run instead: the number drawn here stays unused (a gap, never a duplicate).
  return written ?? (await getEnrolment(enrolment.id)) ?? enrolment;
}

/**
 * A confirmed participant's last status change (completed or incomplete), with `set` and `also`
 * (the certificate) in one transaction, releasing their one-active-enrolment claim: whoever missed a
 * day may enrol in the next session (the email points there). The claim goes only while it still
 * names this enrolment. Undefined when a concurrent run changed the enrolment first.
 */
async function settleConfirmed(
  session: BimtekSession,
  enrolment: Enrolment,
  status: "completed" | "incomplete",
  set: Partial<Pick<Enrolment, "certificateNumber">>,
  also: TransactItem[] = [],
): Promise<Enrolment | undefined> {
  const at = nowIso();
  const { Item: claim } = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: bimtekKeys.personLevel(enrolment.registrationId, session.level),
      ConsistentRead: true,
    }),
  );
  const sets = Object.keys(set).map((attribute) => `${attribute} = :${attribute}`);
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          ...(claim?.enrollmentId === enrolment.id ? [claimRelease(enrolment)] : []),
          {
            Update: {
              TableName: tableName(),
              Key: bimtekKeys.enrolment(enrolment.id),
              UpdateExpression: `SET ${["#status = :status", "updatedAt = :at", ...sets].join(", ")}`,
              ConditionExpression: "#status = :confirmed AND sessionId = :session",
              ExpressionAttributeNames: { "#status": "status" },
              ExpressionAttributeValues: {
                ":status": status,
                ":confirmed": "confirmed",
                ":session": session.id,
                ":at": at,
                ...Object.fromEntries(
                  Object.entries(set).map(([attribute, value]) => [`:${attribute}`, value]),
                ),
              },
            },
          },
          ...also,
        ],
      }),
    );
    return { ...enrolment, ...set, status, updatedAt: at };
  } catch (error) {
    if (!conditionFailed(error)) throw error;
    return undefined;
  }
}

async function markIncomplete(session: BimtekSession, enrolment: Enrolment): Promise<Enrolment> {
  return (
    (await settleConfirmed(session, enrolment, "incomplete", {})) ??
    (await getEnrolment(enrolment.id)) ??
    enrolment
  );
}

const CERTIFICATE_MAILED = "certificate";
const TRAINING_ANSWERED = "training-answered";
const INCOMPLETE_TOLD = "incomplete";

/**
 * What a completed participant is owed: the email — at least once (`sendAtLeastOnce`: the
 * verification code reaches the person only there, so a crash between its claim and its send must
 * not lose it) — and for dasar the recruitment's training answer, kept on the registration when its
 * wait is not recorded yet (`oweTraining`), never failing the other participants. Answers the
 * email's outcome (`busy`: another run holds its claim).
 */
async function deliverCertificate(session: BimtekSession, enrolment: Enrolment): Promise<SendOutcome> {
  const registration = await getRegistration(enrolment.registrationId);
  const key = bimtekKeys.enrolment(enrolment.id);
  const email = registration?.email;
  const number = enrolment.certificateNumber;
  let mail: SendOutcome = "done";
  if (!enrolment.notified?.includes(CERTIFICATE_MAILED)) {
    mail = await sendAtLeastOnce(key, "notified", CERTIFICATE_MAILED, async () => {
      if (email && number && registration) {
        await sendMail({ to: [email], ...certificateEmail(session, registration, enrolment.id, number) });
      }
    });
  }
  if (session.level !== "dasar" || !registration || enrolment.notified?.includes(TRAINING_ANSWERED)) {
    return mail;
  }
  const answer = {
    completedAt: localDate(new Date(session.endsAt), session.regionCode),
    recordedBy: systemRecorder(session.id),
    note: `Sertifikat ${number ?? ""}`.trim(),
  };
  let outcome = await answerTraining(registration, answer);
  // The recruitment execution has not recorded its wait yet: its wait answers itself later.
  if (outcome === "not-waiting" && registration.stage === "basic-training") {
    outcome = await oweTraining(registration, answer);
  }
  logger.info("bimtek training answered", {
    enrollmentId: enrolment.id,
    registrationId: registration.id,
    outcome,
  });
  await addOnce(key, "notified", TRAINING_ANSWERED);
  return mail;
}

async function tellIncomplete(
  session: BimtekSession,
  enrolment: Enrolment,
  next: NextSession | undefined,
): Promise<void> {
  if (enrolment.notified?.includes(INCOMPLETE_TOLD)) return;
  const registration: Registration | undefined = await getRegistration(enrolment.registrationId);
  const email = registration?.email;
  await doOnce(bimtekKeys.enrolment(enrolment.id), "notified", INCOMPLETE_TOLD, async () => {
    if (email && registration) {
      await sendMail({ to: [email], ...incompleteEmail(session, registration, next) });
    }
  });
}

/** The next session of the same level and organiser still open for enrolment, if any. */
async function nextOpenSession(session: BimtekSession): Promise<NextSession | undefined> {
  const open = await listSessions({ level: session.level, regionCode: session.regionCode, openOnly: true });
  return open.find((s) => s.id !== session.id);
}

/** The public view of a certificate by its verification code; undefined for an unknown code. */
export async function getCertificate(code: string): Promise<Certificate | undefined> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(code)) return undefined;
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: bimtekKeys.certificate(certificateCodeHash(code)) }),
  );
  if (!Item) return undefined;
  const c = Item as Certificate;
  return {
    number: c.number,
    enrollmentId: c.enrollmentId,
    sessionId: c.sessionId,
    level: c.level,
    nameMasked: c.nameMasked,
    sessionTitle: c.sessionTitle,
    regionCode: c.regionCode,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    issuedAt: c.issuedAt,
  };
}
