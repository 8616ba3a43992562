import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { prepareAsk } from "../action/decision";
import {
  type Action,
  type ActionOption,
  actionRef,
  createActions,
  markDecisionApplied,
  markMailed,
} from "../action/repository";
import { now } from "../clock";
import { settings } from "../config/settings";
import { db } from "../db/client";
import { AppError } from "../error";
import { logger } from "../log";
import { sendMail } from "../mail/send";
import { nextNumber as nextInSequence } from "../record/counter";
import { addOnce as addOnceTo } from "../record/once";
import { tableName } from "../resources";
import { type ApprovalLevel, regionAtLevel, resolveApprovers } from "../staff/directory";
import { localDate } from "../time";
import { registrationKeys } from "./keys";
import {
  acknowledgementEmail,
  approvedEmail,
  decisionRequestEmail,
  recommendedEmail,
  rejectedEmail,
  trainingOverdueApplicantEmail,
  trainingOverdueStaffEmail,
} from "./messages";
import type { Actor, RecruitmentStage, Registration } from "./model";
import { getRegistration, recordTransition } from "./repository";

/** The recruitment workflow's task operations. Each is safe to repeat (Lambda retries, reconciler). */

export type RecruitmentStep = "village-recommendation" | "district-verification";

const optionsByStep: Record<RecruitmentStep, ActionOption[]> = {
  "village-recommendation": [
    { value: "recommend", label: "Rekomendasikan" },
    { value: "reject", label: "Tolak", requiresReason: true },
  ],
  "district-verification": [
    { value: "approve", label: "Setujui dan terbitkan SK" },
    { value: "reject", label: "Tolak", requiresReason: true },
  ],
};

const questionByStep: Record<RecruitmentStep, string> = {
  "village-recommendation": "Apakah Anda merekomendasikan warga ini sebagai Pekerja Sosial Masyarakat (PSM)?",
  "district-verification": "Apakah calon PSM ini memenuhi syarat dan dapat diterbitkan SK-nya?",
};

async function mustGet(id: string): Promise<Registration> {
  const registration = await getRegistration(id);
  if (!registration) throw new AppError("not-found", `Registration ${id} does not exist`);
  return registration;
}

async function mailApplicant(r: Registration, email: { subject: string; text: string; html: string }) {
  if (r.email) await sendMail({ to: [r.email], ...email });
}

export async function acknowledge(registrationId: string): Promise<void> {
  const r = await mustGet(registrationId);
  await mailApplicant(r, acknowledgementEmail(r));
}

export const DecisionRequest = v.object({
  registrationId: v.string(),
  step: v.picklist(["village-recommendation", "district-verification"]),
  startLevel: v.picklist(["village", "district", "province"]),
  level: v.picklist(["village", "district", "province"]),
  reminders: v.pipe(v.number(), v.integer(), v.minValue(0)),
  validForSeconds: v.pipe(v.number(), v.integer(), v.minValue(1)),
  taskToken: v.pipe(v.string(), v.minLength(1)),
});

/** Adds `value` to a list attribute of the registration once (a set kept as a list). */
async function addOnce(id: string, attribute: "flags" | "notified", value: string): Promise<void> {
  await addOnceTo(registrationKeys.registration(id), attribute, value);
}

/** Flags for the verifying officer (a missing approver, a decision made on behalf, …). */
const addFlag = (id: string, flag: string) => addOnce(id, "flags", flag);

/**
 * Asks the approvers of `level` (falling back to the level above when none are listed) with a new
 * action link that supersedes the previous one, and records it in the audit trail. Asked again for
 * the same level and reminder (a resumed execution, a retried task), it hands over a decision
 * already recorded, or keeps the links already sent, mailing only those not yet sent.
 */
export async function requestDecision(
  request: v.InferOutput<typeof DecisionRequest>,
): Promise<{ actionRefs: string[] }> {
  const r = await mustGet(request.registrationId);
  const subject = { subjectType: "registration", subjectId: r.id, step: request.step };
  let prepared = await prepareAsk(subject, request);
  let actions: Action[] | undefined;
  let approverMissing = false;
  let addressees: string[] = [];
  if (prepared.kind === "ask") {
    const resolved = await resolveApprovers(r.villageCode, request.level);
    approverMissing = !resolved || resolved.fellBack;
    if (approverMissing) await addFlag(r.id, `approver-missing:${request.level}`);
    // Nobody listed at all: the operator is asked to fill the directory; the next reminder re-resolves.
    const approvers = resolved?.approvers ?? [
      { name: "Operator SIGAP", email: settings().operatorEmail, title: "Penyetuju belum terdaftar" },
    ];
    const decidingLevel: ApprovalLevel = resolved?.level ?? request.level;
    actions = await createActions(
      {
        taskToken: request.taskToken,
        workflow: "recruitment",
        ...subject,
        level: decidingLevel,
        regionCode: resolved?.regionCode ?? regionAtLevel(r.villageCode, request.level),
        onBehalf: decidingLevel !== request.startLevel,
        question: questionByStep[request.step],
        options: optionsByStep[request.step],
      },
      approvers,
      request.validForSeconds,
      { startLevel: request.startLevel, level: request.level, reminders: request.reminders },
    );
    addressees = approvers.map((a) => a.email);
    // Decided between our look and our ask: hand that decision over instead.
    if (!actions) prepared = await prepareAsk(subject, request);
  } else if (prepared.kind === "rebound") {
    actions = prepared.actions;
    approverMissing = r.flags?.includes(`approver-missing:${request.level}`) ?? false;
    addressees = actions.map((a) => a.addressee.email);
  }
  if (prepared.kind === "decided") {
    const ref = actionRef(prepared.action.id);
    logger.info("Recorded decision handed to the workflow", {
      registrationId: r.id,
      step: request.step,
      actionRef: ref,
    });
    return { actionRefs: [ref] };
  }
  // Decided and applied while we asked: this execution is stale; the failure hands it to the reconciler.
  if (!actions) throw new AppError("conflict", `The ${request.step} request of ${r.id} changed while asking`);
  const escalated = request.reminders === 0 && request.level !== request.startLevel;
  // Each addressee gets their own link; a crash between sending and marking it sends it again.
  const unsent = actions.filter((a) => !a.mailedAt);
  for (const action of unsent) {
    await sendMail({
      to: [action.addressee.email],
      ...decisionRequestEmail(r, action, { reminders: request.reminders, escalated, approverMissing }),
    });
    await markMailed(action.id);
  }
  const decidingLevel = actions[0]?.level ?? request.level;
  if (unsent.length > 0) {
    await recordTransition(r.id, {
      event: request.reminders > 0 ? "reminder-sent" : escalated ? "escalated" : "decision-requested",
      actor: { kind: "system" },
      note: `${request.step} → ${decidingLevel} ${actions[0]?.regionCode ?? ""} (${addressees.join(", ")})`,
    });
  }
  const actionRefs = actions.map((a) => actionRef(a.id));
  logger.info(prepared.kind === "rebound" ? "Decision request resumed" : "Decision requested", {
    registrationId: r.id,
    step: request.step,
    // `level` is reserved by the logger.
    approvalLevel: decidingLevel,
    reminders: request.reminders,
    actionRefs,
    mailed: unsent.length,
  });
  return { actionRefs };
}

/** What an approval task receives (a `RecordedDecision`): the action's reference, never its id. */
export const Decision = v.object({
  decision: v.picklist(["recommend", "approve", "reject"]),
  reason: v.optional(v.string()),
  note: v.optional(v.string()),
  actionRef: v.string(),
  decidedBy: v.object({ name: v.string(), email: v.string(), level: v.string() }),
  onBehalf: v.boolean(),
});
export type Decision = v.InferOutput<typeof Decision>;

/** Numbers issued in sequence per kabupaten/kota, atomically. */
const nextNumber = (counter: string) => nextInSequence(registrationKeys.counter(counter));

/**
 * Applies a decision to the registration (status, audit, applicant email). A repeat of a decision
 * already applied (a Lambda retry) changes nothing and reports the same outcome.
 */
export async function applyDecision(
  registrationId: string,
  step: RecruitmentStep,
  decision: Decision,
): Promise<{ outcome: Outcome }> {
  const actor: Actor = { kind: "staff", email: decision.decidedBy.email, role: decision.decidedBy.level };
  const note = [
    decision.onBehalf ? `Diputuskan oleh ${decision.decidedBy.level} atas nama tingkat di bawahnya.` : "",
    decision.note ?? "",
  ]
    .filter(Boolean)
    .join(" ");
  const current = await mustGet(registrationId);
  if (current.stage !== step) {
    // Already applied (a retry): make sure the applicant was told, and report what happened.
    const outcome: Outcome = current.status === "rejected" ? "rejected" : outcomeOfApproval[step];
    await notifyApplicant(current, outcome);
    await markDecisionApplied({ subjectType: "registration", subjectId: registrationId, step });
    return { outcome };
  }
  if (decision.onBehalf) await addFlag(registrationId, `decided-on-behalf:${step}`);

  const outcome: Outcome = decision.decision === "reject" ? "rejected" : outcomeOfApproval[step];
  const reason = decision.reason?.trim() || "Tidak memenuhi persyaratan.";
  const set =
    outcome === "rejected"
      ? { rejectionReason: reason }
      : outcome === "approved"
        ? await issueNumbers(current)
        : undefined;
  const r = await recordTransition(registrationId, {
    event: outcome,
    actor,
    ...(note ? { note } : {}),
    ...afterOutcome[outcome],
    expectedStage: step,
    ...(set ? { set } : {}),
  });
  await markDecisionApplied({ subjectType: "registration", subjectId: registrationId, step });
  await notifyApplicant(r, outcome);
  return { outcome };
}

type Outcome = "recommended" | "approved" | "rejected";

/**
 * Tells the applicant an outcome once. A failed send throws MailDeliveryFailed, the workflow retries
 * the task, and the retry — finding the decision already applied — sends what is still owed.
 */
async function notifyApplicant(r: Registration, outcome: Outcome): Promise<void> {
  if (r.notified?.includes(outcome)) return;
  const email =
    outcome === "rejected"
      ? rejectedEmail(r, r.rejectionReason ?? "Tidak memenuhi persyaratan.")
      : outcome === "recommended"
        ? recommendedEmail(r)
        : approvedEmail(r);
  await mailApplicant(r, email);
  await addOnce(r.id, "notified", outcome);
}
const outcomeOfApproval: Record<RecruitmentStep, Outcome> = {
  "village-recommendation": "recommended",
  "district-verification": "approved",
};
const afterOutcome: Record<Outcome, { status: Registration["status"]; stage: RecruitmentStage }> = {
  recommended: { status: "candidate", stage: "basic-training" },
  approved: { status: "active", stage: "completed" },
  rejected: { status: "rejected", stage: "completed" },
};

/** The SK number and member number, in sequence per kabupaten/kota. */
async function issueNumbers(r: Registration): Promise<Pick<Registration, "skNumber" | "memberNumber">> {
  const regency = regionAtLevel(r.villageCode, "district");
  // The decree's year is the kabupaten's own: an SK approved at 06:00 WIB on 1 January is that year's.
  const year = localDate(now(), r.villageCode).slice(0, 4);
  const digits = regency.replace(".", "");
  const sk = await nextNumber(`SK#${regency}#${year}`);
  const member = await nextNumber(`MEMBER#${regency}`);
  return {
    skNumber: `SK-PSM/${digits}/${year}/${String(sk).padStart(4, "0")}`,
    memberNumber: `PSM-${digits}-${String(member).padStart(6, "0")}`,
  };
}

/** Keeps the token of the waiting Bimtek dasar step, for whoever records the completion. */
export async function awaitTraining(registrationId: string, taskToken: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: registrationKeys.registration(registrationId),
      UpdateExpression: "SET trainingTaskToken = :token",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":token": taskToken },
    }),
  );
}

export async function trainingOverdue(registrationId: string): Promise<void> {
  const r = await mustGet(registrationId);
  const district = await resolveApprovers(r.villageCode, "district");
  for (const approver of district?.approvers ?? []) {
    await sendMail({ to: [approver.email], ...trainingOverdueStaffEmail(r, approver.name) });
  }
  await mailApplicant(r, trainingOverdueApplicantEmail(r));
  await addFlag(r.id, "training-overdue");
  await recordTransition(r.id, { event: "training-overdue", actor: { kind: "system" } });
}

export const TrainingCompletion = v.object({
  completedAt: v.string(),
  recordedBy: v.object({ email: v.string(), role: v.string(), sub: v.string() }),
  note: v.optional(v.string()),
});

export async function recordTraining(
  registrationId: string,
  completion: v.InferOutput<typeof TrainingCompletion>,
): Promise<void> {
  const current = await mustGet(registrationId);
  if (current.stage !== "basic-training") return; // already recorded
  await recordTransition(registrationId, {
    event: "training-completed",
    actor: {
      kind: "staff",
      id: completion.recordedBy.sub,
      email: completion.recordedBy.email,
      role: completion.recordedBy.role,
    },
    note: `Selesai ${completion.completedAt}${completion.note ? `: ${completion.note}` : ""}`,
    stage: "district-verification" satisfies RecruitmentStage,
    expectedStage: "basic-training",
  });
}
