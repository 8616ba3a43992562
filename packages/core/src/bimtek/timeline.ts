import type { Policy } from "../config/durations";
import type { BimtekSession } from "./model";

/**
 * A session's timeline: the events its `bimtek-session` execution waits for and runs, in order,
 * computed from the session record alone (so a restarted execution picks up where the record
 * stands). Each event is done once per schedule version (`eventsDone`: `<event>@<version>`): a
 * reschedule or a cancellation bumps the version, so the new schedule's reminders and notices go
 * out once more, and a crash or a retried task never runs one twice.
 *
 * - `reschedule-notice` (version > 1, at the reschedule): everyone enrolled or waiting, and the
 *   speakers, get the new dates;
 * - `reminder-7`, `reminder-1` (the policy's offsets before the start): confirmed participants and
 *   speakers; a reminder whose time had already passed when the schedule was set is skipped;
 * - `close-enrolment`: unused quota seats become general and go to the waiting list;
 * - `start` (at the start): whoever still waits or holds an unanswered offer gets no seat
 *   (`not-seated`), is released to enrol elsewhere and told once, with the next open session;
 * - `attendance` (at the end): the organisers get the attendance page;
 * - `attendance-reminder` (halfway between the end and the certificates): the organisers are
 *   reminded when no attendance was saved at all (otherwise everyone would be marked incomplete);
 * - `certificates` (the policy's delay after the end): certificates for whoever attended every day;
 * - `cancellation` (a cancelled session, instead of all the above): everyone active is told once.
 */
export const SESSION_EVENTS = [
  "reschedule-notice",
  "reminder-7",
  "close-enrolment",
  "reminder-1",
  "start",
  "attendance",
  "attendance-reminder",
  "certificates",
  "cancellation",
] as const;
export type SessionEvent = (typeof SESSION_EVENTS)[number];

export interface TimelineEvent {
  event: SessionEvent;
  /** UTC ISO 8601: when it is due. */
  at: string;
}

export type BimtekPolicy = Policy["bimtek"];

type Scheduled = Pick<
  BimtekSession,
  | "status"
  | "startsAt"
  | "endsAt"
  | "enrolmentClosesAt"
  | "scheduleVersion"
  | "scheduledAt"
  | "eventsDone"
  | "cancelledAt"
>;

/** The once-marker of an event of one schedule version. */
export const eventKey = (event: SessionEvent, version: number) => `${event}@${version}`;

const shift = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** Every event of the session's current schedule, due first first (done or not). */
export function timelineOf(session: Scheduled, policy: BimtekPolicy): TimelineEvent[] {
  if (session.status === "completed") return [];
  if (session.status === "cancelled") {
    return [{ event: "cancellation", at: session.cancelledAt ?? session.scheduledAt }];
  }
  const set = Date.parse(session.scheduledAt);
  const reminder = (event: SessionEvent, seconds: number): TimelineEvent[] => {
    const at = shift(session.startsAt, -seconds);
    // Its time had passed when the schedule was set: a late reminder would only confuse.
    return Date.parse(at) < set ? [] : [{ event, at }];
  };
  const events: TimelineEvent[] = [
    ...(session.scheduleVersion > 1
      ? [{ event: "reschedule-notice" as const, at: session.scheduledAt }]
      : []),
    ...reminder("reminder-7", policy.firstReminderSeconds),
    { event: "close-enrolment", at: session.enrolmentClosesAt },
    ...reminder("reminder-1", policy.secondReminderSeconds),
    { event: "start", at: session.startsAt },
    { event: "attendance", at: session.endsAt },
    { event: "attendance-reminder", at: shift(session.endsAt, policy.certificatesAfterSeconds / 2) },
    { event: "certificates", at: shift(session.endsAt, policy.certificatesAfterSeconds) },
  ];
  // Stable: events due at the same moment keep the order above.
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}

/** The next event not yet done in the current schedule version; undefined when the timeline is over. */
export function nextEvent(session: Scheduled, policy: BimtekPolicy): TimelineEvent | undefined {
  const done = new Set(session.eventsDone ?? []);
  return timelineOf(session, policy).find((e) => !done.has(eventKey(e.event, session.scheduleVersion)));
}

/**
 * Still carried by the workflow: a scheduled session with events left, or a cancelled one whose
 * cancellation was not yet announced.
 */
export const isTimelineOpen = (session: Scheduled, policy: BimtekPolicy) =>
  nextEvent(session, policy) !== undefined;
