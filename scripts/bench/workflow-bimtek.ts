// `npm run bench`, the Bimtek workflows' paths (see scripts/bench/workflows.ts): sessions created,
// rescheduled and cancelled through the core functions the routes call, candidates registered
// through the API and moved to the Bimtek dasar stage directly (as test/support/bimtek.ts does).
//
// A session's timeline is absolute times, not policy durations: the bench schedules one seconds
// ahead, so its whole timeline (reminders, close, start, attendance, certificates; each policy
// offset shrunk to Step Functions' 1 s by SLA_SCALE) runs in about ten seconds. Who attends does
// not change the timeline's transitions: every event is one task either way.
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { answerStaffRequest } from "../../packages/core/src/action/ask";
import { cancelEnrolment, enrol, getEnrolment, offerSeats } from "../../packages/core/src/bimtek/enrolment";
import { bimtekKeys } from "../../packages/core/src/bimtek/keys";
import {
  type BimtekSession,
  ENROLMENT_SUBJECT,
  OFFER_STEP,
  OFFER_WORKFLOW,
  SESSION_WORKFLOW,
} from "../../packages/core/src/bimtek/model";
import { cancelSession, createSession, rescheduleSession } from "../../packages/core/src/bimtek/sessions";
import {
  offerReconciler,
  sessionReconciler,
  startOffer,
  startSessionWorkflow,
  supersedeSessionWorkflow,
} from "../../packages/core/src/bimtek/workflow";
import { db } from "../../packages/core/src/db/client";
import { registrationKeys } from "../../packages/core/src/registration/keys";
import { tableName } from "../../packages/core/src/resources";
import type { Staff } from "../../packages/core/src/staff/auth";
import type { AppStack } from "../../test/support/app-stack";
import { applicant } from "./registration";
import { expectStatuses, type PathResult, sleep, transitionsOf, until } from "./workflow-history";

const GARUT_OFFICER = {
  sub: "district-32.05",
  email: "bimtek.bench@dinsos.garutkab.example.go.id",
  role: "district",
  region: "32.05",
} as Staff;
const SECOND = 1000;

interface Candidate {
  registrationId: string;
  receiptCode: string;
}

/** A candidate of Garut waiting for Bimtek dasar. */
async function candidate(stack: AppStack, n: number): Promise<Candidate> {
  const response = await stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(applicant(n)),
  });
  if (response.status !== 202) throw new Error(`registration answered ${response.status}`);
  const { id, receiptCode } = (await response.json()) as { id: string; receiptCode: string };
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: registrationKeys.registration(id),
      UpdateExpression: "SET #status = :candidate, stage = :stage",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":candidate": "candidate", ":stage": "basic-training" },
    }),
  );
  return { registrationId: id, receiptCode };
}

const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();
let sessions = 0;

/** A one-day-or-less dasar session of Garut starting `startsIn` from now, ending `lasts` later. */
function session(startsIn: number, lasts: number, capacity: number): Promise<BimtekSession> {
  return createSession(GARUT_OFFICER, {
    level: "dasar",
    title: `Bimtek Dasar PSM Garut (bench ${++sessions})`,
    regionCode: "32.05",
    venue: "Aula Dinas Sosial Garut",
    startsAt: ahead(startsIn),
    endsAt: ahead(startsIn + lasts),
    capacity,
    speakers: [{ name: "Narasumber Kemensos", email: "narasumber@kemensos.example.go.id" }],
  });
}

const enrolled = async (s: BimtekSession, person: Candidate) =>
  (await enrol({ sessionId: s.id, ...person })).enrolment;

/** Happy: one participant; reminders, enrolment close, start, attendance, certificates, done. */
export async function sessionHappy(stack: AppStack, n: number): Promise<PathResult> {
  const person = await candidate(stack, n);
  const s = await session(5 * SECOND, 2 * SECOND, 2);
  await enrolled(s, person);
  await startSessionWorkflow(s);
  const { transitions, statuses } = await transitionsOf(stack, SESSION_WORKFLOW, [
    sessionReconciler.executionName(s),
  ]);
  expectStatuses("session happy path", statuses, ["SUCCEEDED"]);
  return {
    workflow: SESSION_WORKFLOW,
    path: "happy: reminders → close → start → attendance → certificates",
    transitions,
    executions: 1,
  };
}

/** Rescheduled once before the start: the first attempt is stopped, the second runs the timeline. */
export async function sessionRescheduled(stack: AppStack, n: number): Promise<PathResult> {
  const person = await candidate(stack, n);
  const s = await session(12 * SECOND, 2 * SECOND, 2);
  await enrolled(s, person);
  await startSessionWorkflow(s);
  // The first attempt waits for its first reminder (its start lies within its lifetime: not parking).
  await sleep(SECOND);
  const moved = await rescheduleSession(GARUT_OFFICER, s.id, {
    startsAt: ahead(5 * SECOND),
    endsAt: ahead(7 * SECOND),
  });
  await supersedeSessionWorkflow(moved);
  const { transitions, statuses } = await transitionsOf(stack, SESSION_WORKFLOW, [
    sessionReconciler.executionName(s),
    sessionReconciler.executionName(moved),
  ]);
  expectStatuses("session rescheduled path", statuses, ["ABORTED", "SUCCEEDED"]);
  return {
    workflow: SESSION_WORKFLOW,
    path: "rescheduled once: attempt 1 stopped, attempt 2 notice → whole timeline",
    transitions,
    executions: 2,
  };
}

/** Cancelled before the start: the first attempt is stopped, the second tells everyone once. */
export async function sessionCancelled(stack: AppStack, n: number): Promise<PathResult> {
  const person = await candidate(stack, n);
  const s = await session(12 * SECOND, 2 * SECOND, 2);
  await enrolled(s, person);
  await startSessionWorkflow(s);
  await sleep(SECOND);
  const cancelled = await cancelSession(GARUT_OFFICER, s.id, "Narasumber berhalangan hadir.");
  await supersedeSessionWorkflow(cancelled);
  const { transitions, statuses } = await transitionsOf(stack, SESSION_WORKFLOW, [
    sessionReconciler.executionName(s),
    sessionReconciler.executionName(cancelled),
  ]);
  expectStatuses("session cancelled path", statuses, ["ABORTED", "SUCCEEDED"]);
  return {
    workflow: SESSION_WORKFLOW,
    path: "cancelled: attempt 1 stopped, attempt 2 tells everyone",
    transitions,
    executions: 2,
  };
}

/**
 * A seat freed in a full session (capacity 1: a holder and one waiting) and offered to the one
 * waiting. The claim window (2 days, 1 s under SLA_SCALE) is set to `windowMs` before the offer's
 * execution starts: 1 s can pass before its first task runs, and a window already closed takes
 * another path (`OfferWindow` → `OfferLapsed`) than the one being measured.
 */
async function offered(stack: AppStack, n: number, windowMs: number) {
  const [holder, waiting] = [await candidate(stack, n), await candidate(stack, n + 1)];
  const s = await session(10 * 60 * SECOND, SECOND, 1);
  const seat = await enrolled(s, holder as Candidate);
  await enrolled(s, waiting as Candidate);
  await cancelEnrolment(seat.id);
  const [offer] = await offerSeats(s.id);
  if (!offer) throw new Error("no seat was offered");
  const offerExpiresAt = ahead(windowMs);
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: bimtekKeys.enrolment(offer.id),
      UpdateExpression: "SET offerExpiresAt = :expires",
      ExpressionAttributeValues: { ":expires": offerExpiresAt },
    }),
  );
  await startOffer({ ...offer, offerExpiresAt });
  return offer;
}

const statusIs = (id: string, status: string) =>
  until(async () => ((await getEnrolment(id))?.status === status ? true : undefined), `${id} ${status}`);

/** Happy: the one offered accepts on their enrolment page: confirmed. */
export async function offerAccepted(stack: AppStack, n: number): Promise<PathResult> {
  const offer = await offered(stack, n, 60 * SECOND);
  const subject = { subjectType: ENROLMENT_SUBJECT, subjectId: offer.id, step: OFFER_STEP };
  // Recorded once the execution has asked (its request exists).
  await until(
    async () =>
      (await answerStaffRequest(subject, { decision: "accept", decidedBy: "peserta" }))?.recorded ||
      undefined,
    "the accept recorded",
  );
  await statusIs(offer.id, "confirmed");
  const { transitions, statuses } = await transitionsOf(stack, OFFER_WORKFLOW, [
    offerReconciler.executionName(offer),
  ]);
  expectStatuses("offer accepted path", statuses, ["SUCCEEDED"]);
  return { workflow: OFFER_WORKFLOW, path: "happy: offered → accepts", transitions, executions: 1 };
}

/** Escalation: silence until the claim window closes: lapsed (and the seat would go to the next). */
export async function offerLapsed(stack: AppStack, n: number): Promise<PathResult> {
  const offer = await offered(stack, n, 3 * SECOND);
  await statusIs(offer.id, "lapsed");
  const { transitions, statuses } = await transitionsOf(stack, OFFER_WORKFLOW, [
    offerReconciler.executionName(offer),
  ]);
  expectStatuses("offer lapsed path", statuses, ["SUCCEEDED"]);
  return {
    workflow: OFFER_WORKFLOW,
    path: "escalation: silence → claim window closes → lapsed",
    transitions,
    executions: 1,
  };
}
