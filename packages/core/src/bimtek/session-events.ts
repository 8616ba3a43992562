import * as v from "valibot";
import { nowIso } from "../clock";
import { attemptOf } from "../workflow/executions";
import { type BimtekPolicy, nextEvent } from "./timeline";
import { loadSession } from "./workflow";

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
  const session = await loadSession(task.sessionId);
  if (!session) return { event: "done", at: nowIso(), version: 0 };
  const version = session.scheduleVersion;
  if (attemptOf(session) !== task.attempt) return { event: "superseded", at: nowIso(), version };
  const next = nextEvent(session, task.policy as BimtekPolicy);
  return next ? { ...next, version } : { event: "done", at: nowIso(), version };
}
