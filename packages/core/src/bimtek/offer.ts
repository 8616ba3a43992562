import * as v from "valibot";
import { awaitStaffAnswer } from "../action/ask";
import { storedDecision } from "../action/decision";
import { markDecisionApplied } from "../action/repository";
import { now } from "../clock";
import { AppError } from "../error";
import { logger } from "../log";
import { attemptOf } from "../workflow/executions";
import { acceptOffer, getEnrolment, notifyParticipant, releaseOffer } from "./enrolment";
import { ENROLMENT_SUBJECT, OFFER_STEP, OFFER_WORKFLOW } from "./model";
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
export const OfferDecision = v.object({ decision: v.picklist(["accept", "decline"]) });

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
 * The claim window closed without an answer reaching the workflow. An answer stored meanwhile
 * (given just before the deadline, while Step Functions could not take it) wins; otherwise the
 * offer lapses, the participant is told, and the seat goes to the next on the list.
 */
export async function offerLapsed(enrolmentId: string): Promise<{ status: string }> {
  const stored = await storedDecision(offerSubject(enrolmentId));
  const answer = stored ? v.safeParse(OfferDecision, { decision: stored.decision }) : undefined;
  if (answer?.success) return applyOffer(enrolmentId, answer.output);
  const lapsed = await releaseOffer(enrolmentId, "lapsed");
  if (lapsed?.status !== "lapsed") return { status: lapsed?.status ?? "gone" };
  await notifyParticipant(lapsed, "offer-lapsed");
  await offerFreedSeats(lapsed.sessionId);
  logger.info("Bimtek seat offer lapsed", { enrollmentId: enrolmentId, sessionId: lapsed.sessionId });
  return { status: "lapsed" };
}
