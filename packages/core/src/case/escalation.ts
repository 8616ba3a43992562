import * as v from "valibot";
import {
  type ApprovalAskTask,
  type ApprovalResolveTask,
  askForDecision,
  askFromTask,
  readForAsk,
  resolveApprovalLevel,
} from "../action/ask";
import {
  approvalToResume,
  type RecordedDecision,
  type ResumedApproval,
  recordedDecision,
} from "../action/decision";
import {
  type ActionInput,
  type ActionOption,
  getAction,
  getCurrentRequest,
  markDecisionApplied,
  type RequestSubject,
  unappliedDecision,
} from "../action/repository";
import { nowIso } from "../clock";
import { workflowPolicy } from "../config/durations";
import { AppError } from "../error";
import { logger } from "../log";
import { sendMail } from "../mail/send";
import { addOnce } from "../record/once";
import { activeMemberId, getRegistration } from "../registration/repository";
import { type Approver, regionAtLevel } from "../staff/directory";
import { clearStartMarker, lifetimeEnd } from "../workflow/executions";
import { caseKeys } from "./keys";
import { assignedPsmEmail } from "./messages";
import type { Actor, Case, CaseLevel, CaseOutcome, CaseStage } from "./model";
import { CASE_WORKFLOW, getCase, recordCaseTransition } from "./repository";

/**
 * The case-escalation workflow's task operations (`escalation.workflow.ts`). Each is safe to
 * repeat (Lambda retries, the reconciler): a decision is applied once — the case's recorded stage
 * and the request's `appliedAt` say whether it was — and a repeat reports where the case went.
 * Logs carry the case id, its type and level only: never a name, description or location.
 */

export type CaseStep = "response" | "handling" | "confirmation";

const subjectOf = (caseId: string, step: CaseStep): RequestSubject => ({
  subjectType: "case",
  subjectId: caseId,
  step,
});

/** The level a case goes to when referred or escalated; none above the province. */
export const levelAbove: Record<CaseLevel, CaseLevel | undefined> = {
  village: "district",
  district: "province",
  ppa: "province",
  province: undefined,
};

/** The policy for one case's urgency, as its execution reads it (`$.sla`). */
export function caseSla(c: Pick<Case, "urgency">, policy = workflowPolicy()) {
  const key = `${c.urgency}Seconds` as const;
  const response = policy.cases.response;
  return {
    /** Per level: how long it has to take the case in, and between reminders. */
    responseSeconds: {
      village: response.village[key],
      district: response.district[key],
      province: response.province[key],
      ppa: response.ppa[key],
    } satisfies Record<CaseLevel, number>,
    handlingSeconds: policy.cases.handling[key],
    reminders: policy.cases.reminders,
    confirmationSeconds: policy.cases.confirmationSeconds,
  };
}
export type CaseSla = ReturnType<typeof caseSla>;

type OpenStage = Exclude<CaseStage, "completed">;

/**
 * Where the case goes next; the execution's `Dispatch` routes on it. `seconds`: the pace of the
 * reminders at each level of that stage (the levels' response times); `firstSeconds`: each level's
 * first wait — for handling, the urgency's deadline at the level that took it; `approval`, on a
 * resume only: where the stage's request stood (level, reminder, time left).
 */
export type NextStep =
  | {
      stage: OpenStage;
      level: CaseLevel;
      seconds: Record<CaseLevel, number>;
      firstSeconds: Record<CaseLevel, number>;
      approval?: ResumedApproval;
    }
  | { stage: "completed" };

/**
 * What a decision task returns to the execution: where the case goes, and when it got there
 * (`at`). `Dispatch` parks an execution whose `at` is past its input's `parkAfter`.
 */
export type Onward = NextStep & { at: string };

/** Stamps a decision task's result with the time the case reached its next step. */
function onward<A extends unknown[]>(apply: (...args: A) => Promise<NextStep>) {
  return async (...args: A): Promise<Onward> => ({ ...(await apply(...args)), at: nowIso() });
}

type OpenStep = Extract<NextStep, { level: CaseLevel }>;

function enter(stage: OpenStage, level: CaseLevel, sla: CaseSla): OpenStep {
  const seconds = { ...sla.responseSeconds };
  const firstSeconds = stage === "handling" ? { ...seconds, [level]: sla.handlingSeconds } : seconds;
  return { stage, level, seconds, firstSeconds };
}

/**
 * Where a case continues from what it records: its stage, and that stage's request (the level,
 * reminder and deadline it reached, or a decision waiting to be applied). The reconciler starts a
 * lost or parked execution with this, and a repeated apply task reports it.
 */
export async function nextOf(c: Case, options: { justCreated?: boolean } = {}): Promise<NextStep> {
  if (c.stage === "completed") return { stage: "completed" };
  const fresh = enter(c.stage, c.level, caseSla(c));
  // A case saved a moment ago has no request yet: nothing to resume, nothing to read.
  if (options.justCreated) return fresh;
  const approval = approvalToResume(await getCurrentRequest(subjectOf(c.id, c.stage)));
  return approval ? { ...fresh, approval } : fresh;
}

/**
 * The execution input that starts a case, or resumes it where it stands. `parkAfter`: past this,
 * the execution ends at the next stage boundary (`Parked`) and the reconciler starts a new one, so
 * none comes near Step Functions' one-year limit however long the case goes on.
 */
export async function escalationInput(
  c: Case,
  options: { justCreated?: boolean } = {},
): Promise<Record<string, unknown>> {
  const policy = workflowPolicy();
  const parkAfter = lifetimeEnd(policy.cases.executionLifetimeSeconds);
  return { caseId: c.id, policy, sla: caseSla(c), next: await nextOf(c, options), parkAfter };
}

async function mustGet(caseId: string): Promise<Case> {
  const found = await getCase(caseId);
  if (!found) throw new AppError("not-found", `Case ${caseId} does not exist`);
  return found;
}

/** What a log may say about a case: never a name, a description or a location. */
const logFields = (c: Case) => ({ caseId: c.id, ppksType: c.ppksType, caseLevel: c.level });

// ---------------------------------------------------------------------------------------------
// Asking

/**
 * The PSM a handler may assign on `handle`: a member number of the case's own kabupaten/kota
 * (member numbers carry it: `PSM-3205-000001`), told of the assignment once the case is taken.
 */
function assigneeInput(c: Case): ActionInput {
  const digits = regionAtLevel(c.villageCode, "district").replace(".", "");
  return {
    field: "assignee",
    label: "Tugaskan PSM: nomor anggota",
    pattern: `PSM-${digits}-\\d{6}`,
    hint: `Nomor anggota PSM kabupaten/kota ini, misalnya PSM-${digits}-000001.`,
    uppercase: true,
  };
}

const responseOptions = (c: Case, level: CaseLevel): ActionOption[] => [
  { value: "handle", label: "Tangani", input: assigneeInput(c) },
  ...(levelAbove[level]
    ? [{ value: "refer", label: "Rujuk ke tingkat di atasnya", requiresReason: true }]
    : []),
  { value: "close-not-ppks", label: "Tutup: bukan kasus PPKS", requiresReason: true },
  { value: "close-duplicate", label: "Tutup: sama dengan laporan lain", requiresReason: true },
  { value: "close-already-handled", label: "Tutup: sudah ditangani sebelumnya", requiresReason: true },
];

const handlingOptions = (c: Case, level: CaseLevel): ActionOption[] => [
  { value: "resolved", label: "Sudah ditangani (tuliskan ringkasannya)", requiresReason: true },
  ...(levelAbove[level]
    ? [{ value: "refer", label: "Rujuk ke tingkat di atasnya", requiresReason: true }]
    : []),
  // Once per case: a second extension is a reason to escalate, not to wait.
  ...(c.flags?.includes("extended")
    ? []
    : [{ value: "extend", label: "Perpanjang batas waktu (sekali, dengan alasan)", requiresReason: true }]),
];

const reporterOptions: ActionOption[] = [
  { value: "handled", label: "Sudah tertangani" },
  { value: "not-yet", label: "Belum tertangani" },
];

const questions: Record<CaseStep, string> = {
  response: "Bagaimana laporan kasus ini akan ditindaklanjuti?",
  handling: "Bagaimana hasil penanganan kasus ini?",
  confirmation: "Apakah masalah yang Anda laporkan sudah benar-benar tertangani?",
};

/** Whoever took the case: the addressee of the response step's decision, at their level. */
async function handlerOf(caseId: string): Promise<{ person: Approver; level: CaseLevel } | undefined> {
  const current = await getCurrentRequest(subjectOf(caseId, "response"));
  const decided = current?.decidedActionId ? await getAction(current.decidedActionId) : undefined;
  const level = current?.approval?.level as CaseLevel | undefined;
  return decided && level ? { person: decided.addressee, level } : undefined;
}

/**
 * The response or handling step's ask (`requestDecision` from `approvalStates`): the directory's
 * case handlers at the level (the kabupaten's PPA on the violence route), or — handling, at the
 * level that took the case — the person who took it. The case then records the level holding it
 * and the deadline (`asked` in approval-subject.ts).
 */
export async function askCase(caseId: string, task: ApprovalAskTask): Promise<{ actionRefs: string[] }> {
  // The case and the step's request in one read, handed to the ask (which would read both again).
  const read = await readForAsk({ subjectType: "case", subjectId: caseId, step: task.step });
  const c = read.item as Case | undefined;
  if (!c) throw new AppError("not-found", `Case ${caseId} does not exist`);
  const step = task.step === "handling" ? "handling" : "response";
  const level = task.level as CaseLevel;
  const handler = step === "handling" ? await handlerOf(c.id) : undefined;
  return askFromTask(task, {
    workflow: CASE_WORKFLOW,
    subjectType: "case",
    subjectId: c.id,
    ...(handler && handler.level === level ? { addressees: [handler.person] } : {}),
    question: questions[step],
    options: step === "response" ? responseOptions(c, level) : handlingOptions(c, level),
    read,
  });
}

/**
 * The level an ask really goes to: this one, or — nobody listed — the next one up with somebody.
 * A new case's execution starts here (the response step at its chain's first level): this reads
 * the case and clears the start marker the intake left (`startCaseEscalation`) in one write.
 */
export async function resolveCaseLevel(caseId: string, task: ApprovalResolveTask) {
  const entering = task.step === "response" && task.level === task.levels[0];
  const c = entering ? await clearStartMarker<Case>(caseKeys.case(caseId), 1) : undefined;
  return resolveApprovalLevel({
    subjectType: "case",
    subjectId: caseId,
    ...task,
    ...(c ? { regionCode: c.villageCode } : {}),
  });
}

export const ReporterAsk = v.object({
  caseId: v.string(),
  validForSeconds: v.pipe(v.number(), v.integer(), v.minValue(1)),
  taskToken: v.pipe(v.string(), v.minLength(1)),
});

/**
 * Raised when a closed case has no reporter address left to ask (anonymous, or erased on request
 * after closing): the workflow catches it by name and lets the confirmation lapse at once.
 */
export class NoReporterToAsk extends Error {
  override readonly name = "NoReporterToAsk";
}

/** Raised for a decision the step never offers (a bug or a forged payload); not retried. */
export class UnknownCaseDecision extends Error {
  override readonly name = "InvalidTaskInput";
}

/** The closed case's reporter is asked, by email, whether the problem is really handled. */
export async function askReporter(
  request: v.InferOutput<typeof ReporterAsk>,
): Promise<{ actionRefs: string[] }> {
  const c = await mustGet(request.caseId);
  const email = c.reporter.kind === "anonymous" ? undefined : c.reporter.email;
  // Closing sends only cases with a reporter's address here; one erased since asks nobody.
  if (!email) throw new NoReporterToAsk(`Case ${c.id} has no reporter address to ask`);
  return askForDecision({
    workflow: CASE_WORKFLOW,
    ...subjectOf(c.id, "confirmation"),
    startLevel: c.level,
    level: c.level,
    reminders: 0,
    validForSeconds: request.validForSeconds,
    taskToken: request.taskToken,
    addressees: [{ name: c.reporter.name ?? "Pelapor", email }],
    audience: "reporter",
    question: questions.confirmation,
    options: reporterOptions,
  });
}

// ---------------------------------------------------------------------------------------------
// Applying decisions

/** What a decision task receives: a `RecordedDecision`. */
export const CaseDecision = v.object({
  decision: v.string(),
  reason: v.optional(v.string()),
  note: v.optional(v.string()),
  actionRef: v.string(),
  decidedBy: v.object({ name: v.string(), email: v.string(), level: v.string() }),
  onBehalf: v.boolean(),
  /** An option's own field, e.g. `assignee` (the PSM member number) with `handle`. */
  answer: v.optional(v.record(v.string(), v.string())),
});

const staffActor = (decision: RecordedDecision): Actor => ({
  kind: "staff",
  email: decision.decidedBy.email,
  role: decision.decidedBy.level,
});

const closeOutcomes: Record<string, CaseOutcome> = {
  "close-not-ppks": "not-ppks",
  "close-duplicate": "duplicate",
  "close-already-handled": "already-handled",
};

/**
 * The chain level a step's decision was made at (its request's level), or — the decision already
 * applied (a retried task), or arriving at a case that moved on — where the case went instead.
 */
async function decidedLevel(c: Case, step: CaseStep): Promise<CaseLevel | { repeated: NextStep }> {
  const current = await getCurrentRequest(subjectOf(c.id, step));
  if (c.stage === step && !current?.appliedAt) return (current?.approval?.level ?? c.level) as CaseLevel;
  await markDecisionApplied(subjectOf(c.id, step));
  return { repeated: await nextOf(c) };
}

/** Fails loudly on a decision the step's options never offer at this level; never guesses one. */
function unknownDecision(c: Case, step: CaseStep, level: CaseLevel, decision: RecordedDecision): never {
  logger.error("Unknown case decision", {
    ...logFields(c),
    step,
    decidedLevel: level,
    decision: decision.decision,
  });
  throw new UnknownCaseDecision(`Case ${c.id}: no ${step} decision "${decision.decision}" at ${level}`);
}

/** The response step's decision: take the case, refer it up, or close it. */
async function decideResponse(caseId: string, decision: RecordedDecision): Promise<NextStep> {
  const c = await mustGet(caseId);
  const level = await decidedLevel(c, "response");
  if (typeof level !== "string") return level.repeated;
  const sla = caseSla(c);
  const actor = staffActor(decision);
  const closing = Object.hasOwn(closeOutcomes, decision.decision)
    ? closeOutcomes[decision.decision]
    : undefined;
  let next: NextStep;
  if (closing) {
    next = await close(c, closing, decision.reason ?? "", level, actor, "response");
  } else if (decision.decision === "refer" && levelAbove[level]) {
    next = await refer(c, level, decision, "response");
  } else if (decision.decision !== "handle") {
    unknownDecision(c, "response", level, decision);
  } else {
    // The PSM member number the handler assigned, checked by the action page against the option's input.
    const member = decision.answer?.assignee;
    const taken = await recordCaseTransition(c.id, {
      event: "taken",
      actor,
      ...(decision.note ? { note: decision.note } : {}),
      status: "in-progress",
      level,
      stage: "handling",
      expectedStage: "response",
      set: { assignee: member ?? decision.decidedBy.email },
    });
    if (member) await tellAssignedPsm(taken, member, decision.decidedBy.name);
    next = enter("handling", level, sla);
  }
  await markDecisionApplied(subjectOf(c.id, "response"));
  logger.info("Case response applied", { ...logFields(c), decision: decision.decision, next: next.stage });
  return next;
}
export const applyResponse = onward(decideResponse);

/** The handling step's outcome: resolved (closes it), refer (to the level above), extend (once). */
async function decideHandling(caseId: string, decision: RecordedDecision): Promise<NextStep> {
  const c = await mustGet(caseId);
  const level = await decidedLevel(c, "handling");
  if (typeof level !== "string") return level.repeated;
  const actor = staffActor(decision);
  let next: NextStep;
  if (decision.decision === "resolved") {
    next = await close(c, "resolved", decision.reason ?? "", level, actor, "handling");
  } else if (decision.decision === "refer" && levelAbove[level]) {
    next = await refer(c, level, decision, "handling");
  } else if (decision.decision !== "extend") {
    unknownDecision(c, "handling", level, decision);
  } else {
    // Extend: once per case (the option is offered only once); the deadline starts again.
    await addOnce(caseKeys.case(c.id), "flags", "extended");
    await recordCaseTransition(c.id, {
      event: "extended",
      actor,
      note: decision.reason ?? "",
      level,
      expectedStage: "handling",
    });
    next = enter("handling", level, caseSla(c));
  }
  await markDecisionApplied(subjectOf(c.id, "handling"));
  logger.info("Case handling applied", { ...logFields(c), decision: decision.decision, next: next.stage });
  return next;
}
export const applyHandling = onward(decideHandling);

/**
 * Whoever took the case reported no outcome by the deadline nor after the reminders: the level
 * above is asked to take it over (its response step: handle, refer or close). A decision recorded
 * meanwhile (the handler answered as the last reminder lapsed) is applied instead.
 */
async function lapseHandling(caseId: string, lapsedAt: CaseLevel): Promise<NextStep> {
  const c = await mustGet(caseId);
  const decided = await unappliedDecision(await getCurrentRequest(subjectOf(c.id, "handling")));
  if (decided) return decideHandling(caseId, recordedDecision(decided));
  const up = levelAbove[lapsedAt];
  if (c.stage !== "handling" || !up) return nextOf(c);
  await recordCaseTransition(c.id, {
    event: "handling-lapsed",
    actor: { kind: "system" },
    note: "Hasil penanganan tidak dilaporkan dalam batas waktu; tingkat di atasnya diminta mengambil alih.",
    stage: "response",
    expectedStage: "handling",
    remove: ["assignee", "dueAt"],
  });
  logger.info("Case handling lapsed; the level above is asked to take it over", {
    ...logFields(c),
    lapsedAt,
  });
  return enter("response", up, caseSla(c));
}
export const handlingLapsed = onward(lapseHandling);

/** To the level above, which is asked to take the case in. */
async function refer(
  c: Case,
  level: CaseLevel,
  decision: RecordedDecision,
  from: CaseStep,
): Promise<NextStep> {
  const up = levelAbove[level] as CaseLevel;
  await recordCaseTransition(c.id, {
    event: "referred",
    actor: staffActor(decision),
    note: decision.reason ?? "",
    level: up,
    stage: "response",
    expectedStage: from as CaseStage,
    remove: ["assignee", "dueAt"],
  });
  return enter("response", up, caseSla(c));
}

/**
 * Closes the case with its outcome. A reporter who gave an address (never an anonymous one) is
 * then asked whether it is really handled; otherwise the tracking view alone shows the outcome.
 */
async function close(
  c: Case,
  outcome: CaseOutcome,
  summary: string,
  level: CaseLevel,
  actor: Actor,
  from: CaseStep,
): Promise<NextStep> {
  // Nobody is told of their own action: a reporter who closed the case themselves (a village head or
  // an officer reporting what they then handled) is not asked whether it is handled.
  const closedByReporter =
    c.reporter.email !== undefined && c.reporter.email.toLowerCase() === actor.email?.toLowerCase();
  const ask = c.reporter.kind !== "anonymous" && Boolean(c.reporter.email) && !closedByReporter;
  await recordCaseTransition(c.id, {
    event: "closed",
    actor,
    ...(summary ? { note: summary } : {}),
    status: "closed",
    level,
    stage: ask ? "confirmation" : "completed",
    expectedStage: from as CaseStage,
    set: { outcome, ...(summary ? { outcomeSummary: summary } : {}), closedAt: nowIso() },
    remove: ["dueAt"],
  });
  return ask ? enter("confirmation", level, caseSla(c)) : { stage: "completed" };
}

/** The reporter's answer: handled (done), or not yet (reopened where it was closed; the second time, one level up). */
async function decideConfirmation(caseId: string, decision: RecordedDecision): Promise<NextStep> {
  const c = await mustGet(caseId);
  const asked = await decidedLevel(c, "confirmation");
  if (typeof asked !== "string") return asked.repeated;
  const reporter: Actor = { kind: "applicant" };
  let next: NextStep;
  if (decision.decision !== "not-yet" && decision.decision !== "handled") {
    unknownDecision(c, "confirmation", asked, decision);
  }
  if (decision.decision === "not-yet") {
    const reopenings = (c.flags ?? []).filter((f) => f.startsWith("reopened-")).length;
    const reopenAt = reopenings === 0 ? c.level : (levelAbove[c.level] ?? c.level);
    await addOnce(caseKeys.case(c.id), "flags", `reopened-${reopenings + 1}`);
    // The reporter's remark ("still being hit last night") is what the next handler must read first.
    const remark = decision.reason || decision.note;
    await recordCaseTransition(c.id, {
      event: "reopened",
      actor: reporter,
      note: `Pelapor: belum tertangani.${remark ? ` ${remark}` : ""}`,
      status: "reopened",
      level: reopenAt,
      stage: "response",
      expectedStage: "confirmation",
      remove: ["outcome", "outcomeSummary", "closedAt", "assignee"],
    });
    next = enter("response", reopenAt, caseSla(c));
  } else {
    await recordCaseTransition(c.id, {
      event: "confirmed",
      actor: reporter,
      stage: "completed",
      expectedStage: "confirmation",
    });
    next = { stage: "completed" };
  }
  await markDecisionApplied(subjectOf(c.id, "confirmation"));
  logger.info("Case confirmation applied", {
    ...logFields(c),
    decision: decision.decision,
    next: next.stage,
  });
  return next;
}
export const applyConfirmation = onward(decideConfirmation);

/** The reporter did not answer within the window: the case stays closed. */
export async function confirmationLapsed(caseId: string): Promise<void> {
  const c = await mustGet(caseId);
  if (c.stage !== "confirmation") return;
  await recordCaseTransition(c.id, {
    event: "confirmation-lapsed",
    actor: { kind: "system" },
    stage: "completed",
    expectedStage: "confirmation",
  });
}

/** The PSM a handler assigned is told once (when the number names an active PSM of the kabupaten with an address). */
async function tellAssignedPsm(c: Case, memberNumber: string, assignedBy: string): Promise<void> {
  const kabupaten = regionAtLevel(c.villageCode, "district");
  const psmId = await activeMemberId(kabupaten, memberNumber);
  const psm = psmId ? await getRegistration(psmId) : undefined;
  if (!psm?.email) {
    logger.info("Assigned PSM not told: no active PSM with an address", logFields(c));
    return;
  }
  if (c.flags?.includes(`psm-told:${memberNumber}`)) return;
  await sendMail({ to: [psm.email], ...assignedPsmEmail(c, psm.fullName, assignedBy) });
  await addOnce(caseKeys.case(c.id), "flags", `psm-told:${memberNumber}`);
}
