import { deliverStoredDecision } from "../action/decision";
import { workflowPolicy } from "../config/durations";
import { logger } from "../log";
import { attemptOf, defineReconciler, lifetimeEnd } from "../workflow/executions";
import { getEnrolment, listEnrolments } from "./enrolment";
import { bimtekKeys } from "./keys";
import {
  type BimtekSession,
  ENROLMENT_SUBJECT,
  type Enrolment,
  OFFER_STEP,
  OFFER_WORKFLOW,
  SESSION_WORKFLOW,
} from "./model";
import { getSession, openTimelinePages } from "./sessions";
import { isTimelineOpen } from "./timeline";

/**
 * The Bimtek domain's two workflows as the executions module carries them: one `bimtek-session`
 * execution per session and attempt (`session-<id>-<attempt>`), one `bimtek-offer` per offered
 * enrolment and attempt (`offer-<id>-<attempt>`). Routes call the start functions after their
 * save; whatever they miss (a crash between the save and the start, an execution that failed or
 * parked) the reconcilers start from the marker the save set.
 */

/**
 * The session execution's input: ids and policy only (never personal data, never link codes).
 * Everything else — the times, the version, what is done — is read from the record by its tasks.
 */
function sessionInput(session: BimtekSession, attempt = attemptOf(session)): Record<string, unknown> {
  const policy = workflowPolicy();
  return {
    sessionId: session.id,
    attempt,
    parkAfter: lifetimeEnd(policy.bimtek.executionLifetimeSeconds),
    policy,
  };
}

export const sessionReconciler = defineReconciler<BimtekSession>({
  workflow: SESSION_WORKFLOW,
  executionPrefix: "session",
  key: bimtekKeys.session,
  load: getSession,
  // Scheduled with events left, or cancelled and not yet announced.
  isOpen: (session) => isTimelineOpen(session, workflowPolicy().bimtek),
  input: async (session, attempt) => sessionInput(session, attempt),
  openItems: openSessionPages,
});

/** Every session still carried by its workflow (local start-up only). */
async function* openSessionPages(): AsyncGenerator<BimtekSession[]> {
  const policy = workflowPolicy().bimtek;
  for await (const page of openTimelinePages()) yield page.filter((s) => isTimelineOpen(s, policy));
}

/**
 * Every seat offer waiting for its answer (local start-up only): offers live in sessions whose
 * timeline is open, so their enrolments are read session by session (gsi2), not from a table scan.
 */
async function* openOfferPages(): AsyncGenerator<Enrolment[]> {
  for await (const sessions of openTimelinePages()) {
    for (const session of sessions) {
      const offered = (await listEnrolments(session.id)).filter((e) => e.status === "offered");
      if (offered.length > 0) yield offered;
    }
  }
}

/** Starts a new session's timeline and clears its start marker (the create route, after the save). */
export function startSessionWorkflow(session: BimtekSession): Promise<string> {
  return sessionReconciler.start(session, sessionInput(session));
}

/**
 * A rescheduled or cancelled session (saved with `workflowAttempt + 1` and its marker): the previous
 * attempt's execution is stopped — its Wait cannot be moved — and the new attempt starts from the
 * record, announcing the change once. The stopped execution is an older attempt: no failure.
 */
export function supersedeSessionWorkflow(session: BimtekSession): Promise<string> {
  return sessionReconciler.supersede(session, sessionInput(session));
}

/** The offer execution's input: ids only (the claim window is the enrolment's `offerExpiresAt`). */
const offerInput = (enrolment: Enrolment, attempt = attemptOf(enrolment)) => ({
  enrolmentId: enrolment.id,
  attempt,
});

export const offerReconciler = defineReconciler<Enrolment>({
  workflow: OFFER_WORKFLOW,
  executionPrefix: "offer",
  key: bimtekKeys.enrolment,
  load: getEnrolment,
  isOpen: (enrolment) => enrolment.status === "offered",
  input: async (enrolment, attempt) => offerInput(enrolment, attempt),
  // An answer stored while Step Functions could not take it: hand it over now.
  whileRunning: (enrolment) =>
    deliverStoredDecision({ subjectType: ENROLMENT_SUBJECT, subjectId: enrolment.id, step: OFFER_STEP }),
  openItems: openOfferPages,
});

/** Starts the offer of a seat just offered (`offerSeats`), and clears its start marker. */
export function startOffer(enrolment: Enrolment): Promise<string> {
  return offerReconciler.start(enrolment, offerInput(enrolment));
}

/**
 * Starts the offers of seats just offered, one by one. A start that fails is only logged: the
 * offer was saved with its start marker, so the reconciler starts it.
 */
export async function startOffers(offered: readonly Enrolment[]): Promise<void> {
  for (const enrolment of offered) {
    await startOffer(enrolment).catch((error: unknown) => {
      logger.warn("Offer workflow not started; the reconciler will", {
        enrollmentId: enrolment.id,
        error: error as Error,
      });
    });
  }
}
