import type { Actor } from "../registration/model";

export type { Actor };

/** `reported` → `in-progress` (someone took it) → `closed`; a reporter's "not yet" makes it `reopened`. */
export type CaseStatus = "reported" | "in-progress" | "closed" | "reopened";
export const CASE_STATUSES: readonly CaseStatus[] = ["reported", "in-progress", "closed", "reopened"];

/** Who is handling it now: the village, the district Dinsos (kabupaten/kota), the province, or the UPTD PPA. */
export type CaseLevel = "village" | "district" | "province" | "ppa";
export const CASE_LEVELS: readonly CaseLevel[] = ["village", "district", "province", "ppa"];

export type CaseOutcome = "resolved" | "not-ppks" | "duplicate" | "already-handled";
export const CASE_OUTCOMES: readonly CaseOutcome[] = ["resolved", "not-ppks", "duplicate", "already-handled"];

export type Urgency = "emergency" | "high" | "normal";
export const URGENCIES: readonly Urgency[] = ["emergency", "high", "normal"];

export type ReporterKind = "psm" | "resident" | "anonymous";

/**
 * Where the case stands in the escalation workflow; the reconciler resumes from here. The workflow
 * (case/escalation.ts) owns the meaning of each stage.
 */
export type CaseStage = "response" | "handling" | "confirmation" | "completed";

/**
 * UU PDP lawful basis: a report is a public service (Permensos 8/2012); a violence report or an
 * emergency is processed to protect someone's vital interest.
 */
export type CaseLawfulBasis = "public-task" | "vital-interest";

export interface CaseSubject {
  name?: string;
  nikMasked?: string;
  nikEncrypted?: string;
  /** Keyed hash (identity/protect.ts `hashNik`): finds earlier cases of the same person. */
  nikHash?: string;
  gender?: "L" | "P";
  ageYears?: number;
  peopleCount?: number;
}

export interface CaseReporter {
  kind: ReporterKind;
  name?: string;
  phone?: string;
  email?: string;
  /** As the reporter gave it (`PSM-3205-000001`). */
  memberNumber?: string;
  /** Set when the member number names an active PSM of the case's kabupaten: the case is theirs. */
  psmRegistrationId?: string;
}

export interface Coordinates {
  lat: number;
  lng: number;
}

export interface Case {
  id: string;
  status: CaseStatus;
  level: CaseLevel;
  stage: CaseStage;
  createdAt: string;
  updatedAt: string;
  ppksType: string;
  conditions: string[];
  urgency: Urgency;
  villageCode: string;
  location: string;
  coordinates?: Coordinates;
  description: string;
  subject: CaseSubject;
  reporter: CaseReporter;
  /** From the type's flags, kept on the case so every reader redacts alike. */
  sensitive: boolean;
  violence: boolean;
  child: boolean;
  lawfulBasis: CaseLawfulBasis;
  /** `hmac1.` + keyed hash of each tracking code: the first reporter's and any folded report's. */
  trackingHashes: string[];
  /** The first reporter's tracking code, encrypted, so the workflow's email can carry the status link. */
  trackingEncrypted: string;
  /** Reports folded into this case (anonymous near-duplicates), the first one included. */
  reportCount: number;
  /** Earlier (or later) cases that may be the same: same subject NIK, or same village, type and a similar name. */
  possibleDuplicates?: string[];
  /** `possible-duplicate`, `psm-attributed`, … for the handler. */
  flags?: string[];
  /** Plausible-but-odd data (e.g. a NIK from a split kecamatan). */
  warnings: string[];
  /** The waiting step's deadline (ISO); overdue when passed and the case is not closed. */
  dueAt?: string;
  /** Who took the case (a PSM member number or staff email), set by the workflow. */
  assignee?: string;
  outcome?: CaseOutcome;
  outcomeSummary?: string;
  closedAt?: string;
  /** Which execution carries this case: the reconciler bumps it. */
  workflowAttempt?: number;
}

export interface CaseEvent {
  at: string;
  event: string;
  status: CaseStatus;
  level: CaseLevel;
  actor: Actor;
  /** Staff notes and reasons: in the audit trail, never shown to the reporter. */
  note?: string;
}

/** A report folded into an existing case: its own text, for the handler. */
export interface FoldedReport {
  at: string;
  location: string;
  description: string;
  urgency: Urgency;
  subjectName?: string;
}

export const caseStatusLabels: Record<CaseStatus, string> = {
  reported: "Dilaporkan",
  "in-progress": "Sedang ditangani",
  closed: "Selesai",
  reopened: "Dibuka kembali",
};

export const caseLevelLabels: Record<CaseLevel, string> = {
  village: "Desa/kelurahan",
  district: "Dinas Sosial kabupaten/kota",
  province: "Dinas Sosial provinsi",
  ppa: "UPTD Perlindungan Perempuan dan Anak (PPA)",
};

export const caseOutcomeLabels: Record<CaseOutcome, string> = {
  resolved: "Sudah ditangani",
  "not-ppks": "Bukan kasus PPKS",
  duplicate: "Sama dengan laporan lain",
  "already-handled": "Sudah ditangani sebelumnya",
};

export const urgencyLabels: Record<Urgency, string> = {
  emergency: "Darurat",
  high: "Tinggi",
  normal: "Biasa",
};

/**
 * The audit-trail events a reporter sees on the tracking page, with their labels; every other
 * event (notes, reminders, requests to staff, folded reports) stays in the staff audit trail.
 */
export const reporterMilestones: Record<string, string> = {
  reported: "Laporan diterima",
  escalated: "Dialihkan ke tingkat di atasnya",
  taken: "Kasus diambil untuk ditangani",
  referred: "Dirujuk ke tingkat di atasnya",
  extended: "Batas waktu penanganan diperpanjang",
  "handling-lapsed": "Hasil penanganan belum dilaporkan; dialihkan ke tingkat di atasnya",
  closed: "Kasus ditutup",
  reopened: "Kasus dibuka kembali",
};
