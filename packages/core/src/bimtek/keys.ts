import type { RecordTrail } from "../record/keys";
import type { BimtekLevel } from "./model";

/** A session id: `b` and 12 characters of a–z0–9. */
export const SESSION_ID_PATTERN = /^b[a-z0-9]{12}$/;
/** An enrolment id: `e` and 12 characters of a–z0–9. */
export const ENROLLMENT_ID_PATTERN = /^e[a-z0-9]{12}$/;

const pad = (n: number) => String(n).padStart(8, "0");

/** Every DynamoDB key of the Bimtek domain, built here and nowhere else. */
export const bimtekKeys = {
  session: (id: string) => ({ pk: `BIMTEK#${id}`, sk: "SESSION" }),
  /** The session's audit trail (created, rescheduled, cancelled, attendance, certificates). */
  event: (id: string, at: string, suffix: string) => ({ pk: `BIMTEK#${id}`, sk: `EVENT#${at}#${suffix}` }),
  access: (id: string, at: string, suffix: string) => ({ pk: `BIMTEK#${id}`, sk: `ACCESS#${at}#${suffix}` }),
  trail: (id: string): RecordTrail => ({
    entity: "bimtek",
    event: (at, suffix) => bimtekKeys.event(id, at, suffix),
    access: (at, suffix) => bimtekKeys.access(id, at, suffix),
    events: { pk: `BIMTEK#${id}`, skPrefix: "EVENT#" },
  }),
  /** gsi1: sessions of one organiser (level and region), by start: the public list, the next session. */
  byRegion: (level: BimtekLevel, regionCode: string, startsAt: string, id: string) => ({
    gsi1pk: bimtekKeys.regionPartition(level, regionCode),
    gsi1sk: `${startsAt}#${id}`,
  }),
  regionPartition: (level: BimtekLevel, regionCode: string) => `BIMTEK#SESSIONS#${level}#${regionCode}`,
  /**
   * A small marker item per session whose timeline is open (written with the session, deleted when
   * its last event is done), on gsi3 — sparse and keys-only — so a local start-up finds the open
   * sessions, whatever their region, without the session item itself (large, rewritten by every
   * seat decision) being projected into one index partition.
   */
  openTimeline: (id: string) => ({
    pk: `BIMTEK-OPEN#${id}`,
    sk: "OPEN",
    gsi3pk: bimtekKeys.openTimelinePartition,
    gsi3sk: id,
  }),
  openTimelinePartition: "BIMTEK#OPEN-TIMELINES",

  enrolment: (id: string) => ({ pk: `BIMTEK-ENROL#${id}`, sk: "ENROL" }),
  /** gsi2: a session's enrolments in arrival order (participants, reminders, attendance). */
  bySession: (sessionId: string, arrival: number) => ({
    gsi2pk: bimtekKeys.sessionPartition(sessionId),
    gsi2sk: `ARRIVAL#${pad(arrival)}`,
  }),
  sessionPartition: (sessionId: string) => `BIMTEK#ENROLMENTS#${sessionId}`,
  /**
   * gsi1 while waitlisted (removed when offered or ended): the waiting list in the order seats are
   * offered — villages without an active PSM first, then arrival.
   */
  waiting: (sessionId: string, priority: 0 | 1, arrival: number) => ({
    gsi1pk: bimtekKeys.waitingPartition(sessionId),
    gsi1sk: `${priority}#${pad(arrival)}`,
  }),
  waitingPartition: (sessionId: string) => `BIMTEK#WAITING#${sessionId}`,
  /** One active enrolment per person and level: held while confirmed, waitlisted or offered. */
  personLevel: (registrationId: string, level: BimtekLevel) => ({
    pk: `BIMTEK-PERSON#${registrationId}`,
    sk: `LEVEL#${level}`,
  }),
  /** A certificate under the keyed hash of its verification code (the code itself is derived, never stored). */
  certificate: (codeHash: string) => ({ pk: `BIMTEK-CERT#${codeHash}`, sk: "CERT" }),
  /** Certificate numbers in sequence per level, organiser and year. */
  certificateCounter: (level: BimtekLevel, regionCode: string, year: string) => ({
    pk: `COUNTER#BIMTEK-CERT#${level}#${regionCode}#${year}`,
    sk: "COUNTER",
  }),
};
