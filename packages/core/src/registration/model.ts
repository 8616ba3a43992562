import type { RegistrationStatus } from "./keys";

/** Where a registration stands in the recruitment workflow; the reconciler resumes from here. */
export type RecruitmentStage =
  | "village-recommendation"
  | "basic-training"
  | "district-verification"
  | "completed";

export interface Actor {
  /** `system`, `applicant`, or the staff member's subject and role. */
  kind: "system" | "applicant" | "staff";
  id?: string;
  role?: string;
  email?: string;
}

export interface Registration {
  id: string;
  status: RegistrationStatus;
  stage: RecruitmentStage;
  createdAt: string;
  updatedAt: string;
  /** Lawful basis (UU PDP): the applicant's consent, and when it was given. */
  lawfulBasis: "consent";
  consentAt: string;
  nikMasked: string;
  nikEncrypted: string;
  nikHash: string;
  /** `hmac1.` + HMAC-SHA-256 of the receipt code (an unkeyed SHA-256 in records from before). */
  receiptHash: string;
  /** The receipt code, encrypted, so workflow emails can carry the applicant's status link. */
  receiptEncrypted: string;
  fullName: string;
  birthPlace: string;
  birthDate: string;
  gender: "L" | "P";
  phone: string;
  email?: string;
  address: string;
  villageCode: string;
  education: string;
  occupation: string;
  motivation: string;
  warnings: string[];
  /** Set when a decision was made in place of an absent approver, or an approver was missing. */
  flags?: string[];
  rejectionReason?: string;
  /** Outcomes the applicant has been told about (so a retried task does not tell twice or never). */
  notified?: string[];
  /** When the acknowledgement was claimed for sending: it is sent at most once (`acknowledge`). */
  acknowledgedAt?: string;
  skNumber?: string;
  memberNumber?: string;
  /** Which execution carries this registration: `reg-<id>-<attempt>`; the reconciler bumps it. */
  workflowAttempt?: number;
  /** The token of the waiting Bimtek dasar step; completing the training answers it. */
  /**
   * @deprecated Retired: the Bimtek dasar wait's token lives in the action table. Read only to adopt
   * the wait of an execution that recorded it here before.
   */
  trainingTaskToken?: string;
  /**
   * A Bimtek dasar completion given before the training wait was recorded (`oweTraining`): the
   * wait answers itself with it.
   */
  owedTraining?: {
    completedAt: string;
    recordedBy: { email: string; role: string; sub: string };
    note?: string;
  };
  /**
   * When its personal data was erased (retention or a data request; registration/erasure.ts): from
   * then on the personal fields are absent and only ids, status, dates, region and gender remain.
   */
  erasedAt?: string;
}

export interface RegistrationEvent {
  at: string;
  event: string;
  status: RegistrationStatus;
  stage: RecruitmentStage;
  actor: Actor;
  /** Staff notes: in the audit trail, never shown to the applicant. */
  note?: string;
}

/** Labels for people (the applicant's status page, emails). */
export const statusLabels: Record<RegistrationStatus, string> = {
  submitted: "Diajukan",
  candidate: "Calon PSM",
  active: "PSM aktif",
  rejected: "Ditolak",
};

export const stageLabels: Record<RecruitmentStage, string> = {
  "village-recommendation": "Menunggu rekomendasi kepala desa/lurah",
  "basic-training": "Menunggu penyelesaian Bimtek dasar",
  "district-verification": "Menunggu verifikasi Dinas Sosial kabupaten/kota",
  completed: "Selesai",
};

export const eventLabels: Record<string, string> = {
  submitted: "Pendaftaran diterima",
  "decision-requested": "Permohonan keputusan dikirim",
  "reminder-sent": "Pengingat dikirim",
  escalated: "Permohonan dialihkan ke tingkat di atasnya",
  recommended: "Direkomendasikan oleh desa/kelurahan",
  "training-completed": "Bimtek dasar selesai",
  "training-overdue": "Batas waktu Bimtek dasar terlewati",
  approved: "Disetujui; SK diterbitkan",
  rejected: "Ditolak",
};
