import * as v from "valibot";
import { answerStaffRequest, awaitStaffAnswer } from "../action/ask";
import { closeAtDeadline } from "../action/decision";
import { getCurrentRequest, markDecisionApplied } from "../action/repository";
import { now } from "../clock";
import { AppError } from "../error";
import { logger } from "../log";
import { attemptOf } from "../workflow/executions";
import { acceptOffer, getEnrolment, notifyParticipant, releaseOffer } from "./enrolment";
import { ENROLMENT_SUBJECT, type Enrolment, OFFER_STEP, OFFER_WORKFLOW } from "./model";
import { offerFreedSeats } from "./session-events";
import { getSession } from "./sessions";

/** The `bimtek-offer` workflow's tasks (offer.workflow.ts). Each is safe to repeat. */

export const OfferTaskSubject = {
  enrolmentId: v.string(),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
};

/**
 * The claim window left: `offered` false when the enrolment is no longer offered (or a newer
 * attempt carries it); `seconds` 0 when the window closed while nobody waited on it.
 */
export async function offerWindow(task: {
  enrolmentId: string;
  attempt: number;
}): Promise<{ offered: boolean; seconds: number }> {
  const enrolment = await getEnrolment(task.enrolmentId);
  if (enrolment?.status !== "offered" || attemptOf(enrolment) !== task.attempt || !enrolment.offerExpiresAt) {
    return { offered: false, seconds: 0 };
  }
  const left = Math.ceil((Date.parse(enrolment.offerExpiresAt) - now().getTime()) / 1000);
  return { offered: true, seconds: Math.max(0, left) };
}

const offerSubject = (enrolmentId: string) => ({
  subjectType: ENROLMENT_SUBJECT,
  subjectId: enrolmentId,
  step: OFFER_STEP,
});

export const OfferSeatTask = v.object({
  ...OfferTaskSubject,
  validForSeconds: v.pipe(v.number(), v.integer(), v.minValue(1)),
  taskToken: v.pipe(v.string(), v.minLength(1)),
});

/**
 * The offer's wait: recorded as a request the participant answers from their enrolment page
 * (`answerStaffRequest`, no action link), valid until the claim window closes; then the offer
 * email, once per enrolment. A restarted execution re-binds the request or gets the answer given.
 */
export async function offerSeat(
  task: v.InferOutput<typeof OfferSeatTask>,
): Promise<{ actionRefs: string[] }> {
  const enrolment = await getEnrolment(task.enrolmentId);
  const session = enrolment ? await getSession(enrolment.sessionId) : undefined;
  if (!enrolment || !session) throw new AppError("not-found", `Enrolment ${task.enrolmentId} does not exist`);
  const asked = await awaitStaffAnswer({
    workflow: OFFER_WORKFLOW,
    ...offerSubject(enrolment.id),
    taskToken: task.taskToken,
    validForSeconds: task.validForSeconds,
    level: session.level === "dasar" ? "district" : "province",
    regionCode: session.regionCode,
    question: "Apakah Anda menerima kursi Bimtek yang ditawarkan?",
    options: [
      { value: "accept", label: "Terima kursi" },
      { value: "decline", label: "Tolak tawaran" },
    ],
  });
  if (enrolment.status === "offered") await notifyParticipant(enrolment, "offer", { session });
  return asked;
}

/** The participant's answer (a `RecordedDecision`). */
export const OfferDecision = v.object({
  decision: v.picklist(["accept", "decline"], "Pilih terima (accept) atau tolak (decline)."),
});

/**
 * Applies the answer: accept → confirmed (and told so, with the cancel link); decline → the seat
 * goes to the next on the list. An offer no longer open (the session was cancelled meanwhile)
 * changes nothing. Safe to repeat.
 */
export async function applyOffer(
  enrolmentId: string,
  decision: v.InferOutput<typeof OfferDecision>,
): Promise<{ status: string }> {
  const enrolment = await getEnrolment(enrolmentId);
  if (!enrolment) throw new AppError("not-found", `Enrolment ${enrolmentId} does not exist`);
  let status: string = enrolment.status;
  if (decision.decision === "accept") {
    if (enrolment.status === "offered" || enrolment.status === "confirmed") {
      const accepted = await acceptOffer(enrolmentId);
      await notifyParticipant(accepted, "confirmed");
      status = accepted.status;
    }
  } else {
    const released = await releaseOffer(enrolmentId, "declined");
    if (released?.status === "declined") {
      await notifyParticipant(released, "declined");
      await offerFreedSeats(enrolment.sessionId);
      status = "declined";
    }
  }
  await markDecisionApplied(offerSubject(enrolmentId));
  logger.info("Bimtek seat offer answered", {
    enrollmentId: enrolmentId,
    decision: decision.decision,
    status,
  });
  return { status };
}

/**
 * The claim window closed without an answer reaching the workflow. The request is closed first
 * (`closeAtDeadline`: an answer given at the same instant is either stored before and wins, or
 * refused after), then the offer lapses, the participant is told, and the seat goes to the next.
 */
export async function offerLapsed(enrolmentId: string): Promise<{ status: string }> {
  const stored = await closeAtDeadline(offerSubject(enrolmentId));
  const answer = stored ? v.safeParse(OfferDecision, { decision: stored.decision }) : undefined;
  if (answer?.success) return applyOffer(enrolmentId, answer.output);
  const lapsed = await releaseOffer(enrolmentId, "lapsed");
  if (lapsed?.status !== "lapsed") return { status: lapsed?.status ?? "gone" };
  await notifyParticipant(lapsed, "offer-lapsed");
  await offerFreedSeats(lapsed.sessionId);
  logger.info("Bimtek seat offer lapsed", { enrollmentId: enrolmentId, sessionId: lapsed.sessionId });
  return { status: "lapsed" };
}

/**
 * What became of a participant's answer to an offer (for the enrolment page): `recorded` (stored
 * and handed to the offer workflow, which applies it), `applied` (no wait recorded yet: applied
 * here), `already-answered`, or `lapsed` (the claim window closed first — the workflow's
 * `offerLapsed` closed the request, or released the seat). `enrolment` is as it stands after.
 */
export interface OfferAnswerOutcome {
  outcome: "recorded" | "applied" | "already-answered" | "lapsed";
  enrolment: Enrolment | undefined;
}

/**
 * A participant answers a seat offer: through the one decide path when the offer workflow waits
 * for it; applied here when it has not asked yet. Races with the deadline end one way only:
 * `offerLapsed` closes the request before it looks for an answer, so an answer refused here is
 * reported as `lapsed`, never as accepted.
 */
export async function answerOffer(
  enrolmentId: string,
  decision: "accept" | "decline",
): Promise<OfferAnswerOutcome> {
  const subject = offerSubject(enrolmentId);
  const answered = await answerStaffRequest(subject, { decision, decidedBy: "participant" });
  const outcome = answered
    ? answered.recorded
      ? "recorded"
      : answered.action.status === "expired"
        ? "lapsed"
        : "already-answered"
    : await answerUnasked(enrolmentId, decision);
  return { outcome, enrolment: await getEnrolment(enrolmentId) };
}

/** No pending request to answer: closed at the deadline, decided, or not asked yet (applied here). */
async function answerUnasked(
  enrolmentId: string,
  decision: "accept" | "decline",
): Promise<OfferAnswerOutcome["outcome"]> {
  const current = await getCurrentRequest(offerSubject(enrolmentId));
  if (current?.decidedActionId) return "already-answered";
  if (current && current.actionIds.length > 0) return "lapsed";
  // Its workflow has not asked yet (starting, restarting, or past the window without asking):
  // the offer's own status decides, conditionally, between this answer and the lapse.
  if (decision === "accept") {
    const accepted = await acceptOffer(enrolmentId).catch((error: unknown) => {
      if (error instanceof AppError && error.kind === "conflict") return undefined;
      throw error;
    });
    if (accepted?.status === "confirmed") {
      // Told as the workflow's answer would tell (the confirmation carries the cancel link), once.
      await notifyParticipant(accepted, "confirmed");
      return "applied";
    }
  } else {
    const released = await releaseOffer(enrolmentId, "declined");
    if (released?.status === "declined") {
      await notifyParticipant(released, "declined");
      await offerFreedSeats(released.sessionId);
      return "applied";
    }
  }
  const now = await getEnrolment(enrolmentId);
  return now?.status === "lapsed" ? "lapsed" : "already-answered";
}
