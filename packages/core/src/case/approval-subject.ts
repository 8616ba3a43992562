import { getCurrentRequest } from "../action/repository";
import { type AskedEvent, registerSubject, type SubjectView } from "../action/subjects";
import { AppError } from "../error";
import { logger } from "../log";
import { describeRegion } from "../region/regions";
import { caseKeys } from "./keys";
import { caseFacts, caseRequestEmail, confirmationEmail, typeName } from "./messages";
import {
  type Case,
  type CaseLevel,
  type CaseStage,
  caseLevelLabels,
  caseOutcomeLabels,
  caseStatusLabels,
  urgencyLabels,
} from "./model";
import { householdCondition } from "./ppks";
import { getCase, recordCaseTransition } from "./repository";

/**
 * How the approval service describes a case: the details on the addressee's action page (behind
 * their own secret link), the emails — which for a sensitive or violence case carry only its code,
 * type and level — and what an ask records on the case (the level now holding it, its deadline).
 */

function details(c: Case): SubjectView["facts"] {
  const subject = c.subject;
  return [
    ...caseFacts(c),
    ...(c.sensitive
      ? [
          { label: "Urgensi", value: urgencyLabels[c.urgency] },
          { label: "Desa/Kelurahan", value: describeRegion(c.villageCode) },
          { label: "Lokasi", value: c.location },
        ]
      : []),
    { label: "Uraian", value: c.description },
    ...(subject.name ? [{ label: "Nama", value: subject.name }] : []),
    ...(subject.nikMasked ? [{ label: "NIK", value: subject.nikMasked }] : []),
    ...(subject.ageYears !== undefined ? [{ label: "Usia", value: `${subject.ageYears} tahun` }] : []),
    ...(subject.peopleCount !== undefined
      ? [{ label: "Jumlah orang", value: String(subject.peopleCount) }]
      : []),
    ...(c.conditions.length > 0
      ? [
          {
            label: "Kondisi rumah tangga",
            value: c.conditions.map((code) => householdCondition(code)?.name ?? code).join(", "),
          },
        ]
      : []),
    ...(c.coordinates ? [{ label: "Koordinat", value: `${c.coordinates.lat}, ${c.coordinates.lng}` }] : []),
    ...(c.reporter.kind !== "anonymous" && c.reporter.phone
      ? [{ label: "Telepon pelapor", value: c.reporter.phone }]
      : []),
    ...(c.possibleDuplicates?.length
      ? [{ label: "Mungkin sama dengan", value: c.possibleDuplicates.join(", ") }]
      : []),
  ];
}

function standing(c: Case): string {
  const at = caseLevelLabels[c.level];
  if (c.status === "closed")
    return `${caseStatusLabels.closed}: ${c.outcome ? caseOutcomeLabels[c.outcome] : ""} (${at})`;
  return `${caseStatusLabels[c.status]} — ${at}`;
}

/** An ask that mailed someone: the case records which level holds it now and until when. */
async function asked(id: string, event: AskedEvent): Promise<void> {
  if (event.step === "confirmation") return;
  const current = await getCurrentRequest({ subjectType: "case", subjectId: id, step: event.step });
  // The chain level asked (`ppa` on the violence route), not the directory level it is listed on.
  const level = event.level as CaseLevel;
  // Asked where the case already is (taken or referred there): a request, not an escalation. Asked
  // a level up with nobody missing below (a handler who let the deadline pass): an escalation.
  const before = await getCase(id);
  const moved = before !== undefined && before.level !== level;
  const recorded =
    event.event === "escalated" && !moved
      ? "decision-requested"
      : event.event === "decision-requested" && moved && event.missingLevels.length === 0
        ? "escalated"
        : event.event;
  try {
    await recordCaseTransition(id, {
      event: recorded,
      actor: { kind: "system" },
      level,
      // Only while the case is still at this step: a deadline passing as the ask finishes may
      // already have moved it on (a lapsed handling), and a stale ask must not write it back.
      expectedStage: event.step as CaseStage,
      // The request's first deadline, kept through reminders and escalation: past it, the case is overdue.
      ...(current?.validUntil ? { set: { dueAt: current.dueAt ?? current.validUntil } } : {}),
      ...(event.missingLevels.length > 0
        ? { note: `Tidak ada petugas terdaftar: ${event.missingLevels.join(", ")}` }
        : {}),
    });
  } catch (error) {
    if (!(error instanceof AppError && error.kind === "conflict")) throw error;
    logger.info("Case moved on while it was asked; the ask is not recorded", {
      caseId: id,
      step: event.step,
      caseLevel: level,
    });
    return;
  }
  logger.info("Case step asked", { caseId: id, step: event.step, caseLevel: level, event: recorded });
}

/**
 * What the reporter's own confirmation page shows: the case code, its type and outcome — never the
 * subject's personal data, the description, the location or who handled it (UU PDP).
 */
function reporterView(c: Case): SubjectView {
  return {
    regionCode: c.villageCode,
    title: `Laporan Anda: ${c.id}`,
    facts: [
      { label: "Kode kasus", value: c.id },
      { label: "Jenis PPKS", value: typeName(c) },
      { label: "Hasil", value: c.outcome ? caseOutcomeLabels[c.outcome] : caseStatusLabels[c.status] },
    ],
    standing: c.status === "closed" ? caseStatusLabels.closed : caseStatusLabels[c.status],
    sensitive: c.sensitive,
    requestEmail: (action) => confirmationEmail(c, action),
  };
}

/** The case as its addressees (handlers, PPA, the province) see it. */
function staffView(c: Case): SubjectView {
  return {
    regionCode: c.villageCode,
    title: `Kasus PPKS ${c.id}: ${typeName(c)}`,
    facts: details(c),
    standing: standing(c),
    sensitive: c.sensitive,
    // The title holds only the code and type: safe in a digest for every case, sensitive or not.
    digestSummary: `Kasus PPKS ${c.id}: ${typeName(c)}`,
    urgency: c.urgency,
    requestEmail: (action, context) =>
      action.step === "confirmation" ? confirmationEmail(c, action) : caseRequestEmail(c, action, context),
  };
}

registerSubject({
  type: "case",
  async load(id, action) {
    const c = await getCase(id);
    if (!c) return undefined;
    return action?.audience === "reporter" ? reporterView(c) : staffView(c);
  },
  // The ask (never the reporter's page) reads the case with its request in one batched read.
  stored: {
    key: caseKeys.case,
    view: (item) => staffView(item as unknown as Case),
  },
  asked,
});
