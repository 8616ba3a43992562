import type { RecordTrail } from "../record/keys";
import type { CaseStatus } from "./model";

/** A case id: `c` and 12 characters of a–z0–9 (62 bits), so it never looks like a registration id. */
export const CASE_ID_PATTERN = /^c[a-z0-9]{12}$/;

/** Every DynamoDB key of the case domain, built here and nowhere else. */
export const caseKeys = {
  case: (id: string) => ({ pk: `CASE#${id}`, sk: "CASE" }),
  /** The audit trail: every change, with actor and time, in order; the suffix keeps two apart. */
  event: (id: string, at: string, suffix: string) => ({ pk: `CASE#${id}`, sk: `EVENT#${at}#${suffix}` }),
  eventPrefix: (id: string) => ({ pk: `CASE#${id}`, skPrefix: "EVENT#" }),
  /** Who read the details, and when (UU PDP). */
  access: (id: string, at: string, suffix: string) => ({ pk: `CASE#${id}`, sk: `ACCESS#${at}#${suffix}` }),
  accessPrefix: (id: string) => ({ pk: `CASE#${id}`, skPrefix: "ACCESS#" }),
  /** Both trails of one case, for the shared record modules (record/trail.ts). */
  trail: (id: string): RecordTrail => ({
    entity: "case",
    event: (at, suffix) => caseKeys.event(id, at, suffix),
    access: (at, suffix) => caseKeys.access(id, at, suffix),
    events: caseKeys.eventPrefix(id),
  }),
  /** A report folded into the case (its own text), beside the case. */
  foldedReport: (id: string, at: string, suffix: string) => ({
    pk: `CASE#${id}`,
    sk: `REPORT#${at}#${suffix}`,
  }),
  foldedReportPrefix: (id: string) => ({ pk: `CASE#${id}`, skPrefix: "REPORT#" }),
  /** One per case with a subject NIK, under the NIK's keyed hash: earlier cases of the same person. */
  subjectNik: (nikHash: string, createdAt: string, id: string) => ({
    pk: `CASE-NIK#${nikHash}`,
    sk: `CASE#${createdAt}#${id}`,
  }),
  subjectNikPrefix: (nikHash: string) => ({ pk: `CASE-NIK#${nikHash}`, skPrefix: "CASE#" }),
  /** gsi1: cases by status, oldest first (work lists, the reconciler). */
  byStatus: (status: CaseStatus, createdAt: string, id: string) => ({
    gsi1pk: caseKeys.statusPartition(status),
    gsi1sk: `${createdAt}#${id}`,
  }),
  statusPartition: (status: CaseStatus) => `CASE#STATUS#${status}`,
  /** gsi2: cases by province, sorted by village code then time, so a code prefix selects a region. */
  byRegion: (villageCode: string, createdAt: string, id: string) => ({
    gsi2pk: caseKeys.provincePartition(villageCode),
    gsi2sk: `${villageCode}#${createdAt}#${id}`,
  }),
  /** Any code of the province (its first two digits) names the partition. */
  provincePartition: (regionCode: string) => `CASE#PROVINCE#${regionCode.slice(0, 2)}`,
  /** The sort-key range of one village's cases created at or after `since`. */
  villageSince: (villageCode: string, since: string) => ({
    from: `${villageCode}#${since}`,
    to: `${villageCode}#~`,
  }),
  /** The key attributes a gsi2 page position needs (table key and index key). */
  regionPageKey: ["pk", "sk", "gsi2pk", "gsi2sk"] as const,
  /**
   * One submission (a keyed hash of every field) for a day: a double click answers with the case
   * and tracking code the first one got, instead of a second case. Expires through the table's TTL.
   */
  submission: (submissionHash: string) => ({ pk: `CASE-SUBMISSION#${submissionHash}`, sk: "SUBMISSION" }),
  /** Anonymous reports in one fixed window, per client (keyed hash of its address) or per village. */
  anonymousQuota: (scope: "client" | "village", subject: string, window: number) => ({
    pk: `CASE-QUOTA#${scope}#${subject}#${window}`,
    sk: "QUOTA",
  }),
};
