import type { WorkflowItem } from "../workflow/executions";

/**
 * Bimtek (bimbingan teknis): basic training (`dasar`) organised by a kabupaten/kota Dinas Sosial for
 * its candidates, advanced training (`lanjutan`) by the province for its active PSM. A session seats
 * `capacity` people, some seats reserved per kecamatan (`quotas`); the rest wait in a list that is
 * offered freed seats in order (villages without an active PSM first, then arrival).
 */
export type BimtekLevel = "dasar" | "lanjutan";
export const BIMTEK_LEVELS: readonly BimtekLevel[] = ["dasar", "lanjutan"];

/** `scheduled` while it runs its course; `completed` once certificates went out; `cancelled` by staff. */
export type SessionStatus = "scheduled" | "completed" | "cancelled";

export interface Speaker {
  name: string;
  email: string;
}

export interface SessionCreator {
  sub: string;
  email: string;
  role: string;
}

export interface BimtekSession extends WorkflowItem {
  /** `b` and 12 characters of a–z0–9. */
  id: string;
  level: BimtekLevel;
  title: string;
  /** The kabupaten/kota code (dasar) or province code (lanjutan) that organises it. */
  regionCode: string;
  venue: string;
  /** UTC ISO 8601 (given with an offset, stored as UTC). */
  startsAt: string;
  endsAt: string;
  /** Enrolment is open until then (default: one day before the start, scaled by SLA_SCALE). */
  enrolmentClosesAt: string;
  capacity: number;
  /** Seats reserved per kecamatan code (within the region); the rest are general seats. */
  quotas: Record<string, number>;
  speakers: Speaker[];
  status: SessionStatus;
  /** Seats held (confirmed and offered): in all, per quota kecamatan, and general. */
  seatsHeld: number;
  generalHeld: number;
  quotaHeld: Record<string, number>;
  /** On the waiting list and not yet offered a seat. */
  waiting: number;
  /**
   * Of those waiting, how many come from each quota kecamatan: a newcomer takes a free quota seat
   * only when nobody of that kecamatan waits for it (nobody jumps the list).
   */
  waitingFrom?: Record<string, number>;
  /** Arrival counter: each enrolment takes the next number (its place in arrival order). */
  arrivals: number;
  /** 1, then one more per reschedule: reminders and notices are once per version. */
  scheduleVersion: number;
  /** When the current schedule was set (creation or last reschedule). */
  scheduledAt: string;
  /** Timeline events done, as `<event>@<scheduleVersion>` (see session.workflow.ts). */
  eventsDone?: string[];
  /** Quota seats released to the waiting list (enrolment closed). */
  enrolmentClosed?: boolean;
  /** Certificates went out: attendance can no longer be corrected. */
  certifiedAt?: string;
  cancelledAt?: string;
  cancellationReason?: string;
  /** Flags for staff (e.g. `workflow-gave-up`: its executions kept failing). */
  flags?: string[];
  createdBy: SessionCreator;
  createdAt: string;
  updatedAt: string;
}

/**
 * `confirmed` holds a seat; `waitlisted` waits; `offered` holds a freed seat until it accepts,
 * declines or lets the claim window pass. Ends: `cancelled` (by the participant), `declined`,
 * `lapsed` (claim window passed), `session-cancelled`, `not-seated` (still waiting or offered when
 * the session started: free to enrol in another), `completed` (attended every day: certificate),
 * `incomplete` (missed a day).
 */
export type EnrolmentStatus =
  | "confirmed"
  | "waitlisted"
  | "offered"
  | "cancelled"
  | "declined"
  | "lapsed"
  | "session-cancelled"
  | "not-seated"
  | "completed"
  | "incomplete";
export const ACTIVE_ENROLMENT_STATUSES: readonly EnrolmentStatus[] = ["confirmed", "waitlisted", "offered"];
export const isActiveEnrolment = (e: Pick<Enrolment, "status">) =>
  ACTIVE_ENROLMENT_STATUSES.includes(e.status);

export interface Enrolment extends WorkflowItem {
  /** `e` and 12 characters of a–z0–9. */
  id: string;
  sessionId: string;
  level: BimtekLevel;
  /** The participant's registration: their personal data stays there, never copied here. */
  registrationId: string;
  villageCode: string;
  kecamatanCode: string;
  status: EnrolmentStatus;
  /** The kind of seat held (while confirmed or offered). */
  seat?: "general" | "quota";
  /** 0: the village had no active PSM when they enrolled (offered seats first); 1 otherwise. */
  priority: 0 | 1;
  /** Place in arrival order (the session's `arrivals` counter). */
  arrival: number;
  /** While offered: when the claim window closes. */
  offerExpiresAt?: string;
  /** Attendance: the session's local calendar days attended, 1-based. */
  days?: number[];
  /** Set when completed: the certificate's number (its verification code is derived, never stored). */
  certificateNumber?: string;
  /** Once-markers of what the participant was told (`reminder-7@1`, `rescheduled@2`, …). */
  notified?: string[];
  createdAt: string;
  updatedAt: string;
}

/** A certificate as its public verification page shows it: no NIK, the name masked. */
export interface Certificate {
  number: string;
  enrollmentId: string;
  sessionId: string;
  level: BimtekLevel;
  nameMasked: string;
  sessionTitle: string;
  regionCode: string;
  startsAt: string;
  endsAt: string;
  issuedAt: string;
}

/** The workflows and approval subject of the Bimtek domain. */
export const SESSION_WORKFLOW = "bimtek-session";
export const OFFER_WORKFLOW = "bimtek-offer";
/** A seat offer is a request the participant answers from their enrolment page (action table, no link). */
export const ENROLMENT_SUBJECT = "bimtek-enrolment";
export const OFFER_STEP = "seat-offer";
