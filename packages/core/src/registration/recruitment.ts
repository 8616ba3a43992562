import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import {
  ApprovalAskTask,
  ApprovalResolveTask,
  answerStaffRequest,
  askFromTask,
  awaitStaffAnswer,
  resolveApprovalLevel,
} from "../action/ask";
import { storedDecision } from "../action/decision";
import { type ActionOption, markDecisionApplied } from "../action/repository";
import { now, nowIso } from "../clock";
import { workflowPolicy } from "../config/durations";
import { conditionFailed, db } from "../db/client";
import { AppError } from "../error";
import { sendMail } from "../mail/send";
import { nextNumber } from "../record/counter";
import { tableName } from "../resources";
import { regionAtLevel, resolveDuty } from "../staff/directory";
import { localDate } from "../time";
import { clearStartMarker } from "../workflow/executions";
import { addFlag, addOnce } from "./flags";
import { registrationKeys } from "./keys";
import {
  acknowledgementEmail,
  approvedEmail,
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

/**
 * The execution's first task: claims the acknowledgement and clears the start marker the API left,
 * in one write (see `startRecruitment`), then sends it. A retried or re-run task (a crashed
 * execution started again) finds it claimed and sends nothing: never twice. A failed send gives the
 * claim back, so the task's retry sends it.
 */
export async function acknowledge(registrationId: string): Promise<void> {
  const key = registrationKeys.registration(registrationId);
  const r =
    (await clearStartMarker<Registration>(key, 1, "acknowledgedAt")) ??
    (await claimAcknowledgement(registrationId));
  if (!r?.acknowledgedAt) return;
  try {
    await mailApplicant(r, acknowledgementEmail(r));
  } catch (error) {
    await releaseAcknowledgement(registrationId, r.acknowledgedAt);
    throw error;
  }
}

/** The claim on a later attempt (its marker is the reconciler's); undefined when it was made before. */
async function claimAcknowledgement(registrationId: string): Promise<Registration | undefined> {
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: registrationKeys.registration(registrationId),
        UpdateExpression: "SET acknowledgedAt = :at",
        ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(acknowledgedAt)",
        ExpressionAttributeValues: { ":at": nowIso() },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes as Registration | undefined;
  } catch (error) {
    if (conditionFailed(error)) return undefined;
    throw error;
  }
}

/** The send failed: the claim is given back (only our own) for the retry to take. */
async function releaseAcknowledgement(registrationId: string, claimedAt: string): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: registrationKeys.registration(registrationId),
        UpdateExpression: "REMOVE acknowledgedAt",
        ConditionExpression: "acknowledgedAt = :at",
        ExpressionAttributeValues: { ":at": claimedAt },
      }),
    )
    .catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
    });
}

/**
 * The ask task of the recruitment's approval steps (`approvalStates`' payload, with the
 * registration id). Executions started before escalation chains send only the first fields.
 */
export const DecisionRequest = v.object({
  ...ApprovalAskTask.entries,
  registrationId: v.string(),
  step: v.picklist(["village-recommendation", "district-verification"]),
});

/**
 * Asks for the step's decision through the approval service (action/ask.ts): the people of the
 * level asked, with new links superseding the previous ones; a decision already recorded or links
 * already sent are continued, not asked again.
 */
export function requestDecision(
  request: v.InferOutput<typeof DecisionRequest>,
): Promise<{ actionRefs: string[] }> {
  const { registrationId, ...task } = request;
  return askFromTask(task, {
    workflow: "recruitment",
    subjectType: "registration",
    subjectId: registrationId,
    question: questionByStep[request.step],
    options: optionsByStep[request.step],
  });
}

export const ResolveApprovalLevel = v.object({
  ...ApprovalResolveTask.entries,
  registrationId: v.string(),
});

/** The level an approval step really asks at (empty levels skipped). */
export function resolveRegistrationLevel(request: v.InferOutput<typeof ResolveApprovalLevel>) {
  const { registrationId, ...task } = request;
  return resolveApprovalLevel({ ...task, subjectType: "registration", subjectId: registrationId });
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
  const r = await recordTransition(
    registrationId,
    {
      event: outcome,
      actor,
      ...(note ? { note } : {}),
      ...afterOutcome[outcome],
      expectedStage: step,
      ...(set ? { set } : {}),
    },
    current,
  );
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
  const kabupaten = regionAtLevel(r.villageCode, "district");
  // The decree's year is the kabupaten's own: an SK approved at 06:00 WIB on 1 January is that year's.
  const year = localDate(now(), r.villageCode).slice(0, 4);
  const digits = kabupaten.replace(".", "");
  const sk = await nextNumber(registrationKeys.skCounter(kabupaten, year));
  const member = await nextNumber(registrationKeys.memberCounter(kabupaten));
  return {
    skNumber: `SK-PSM/${digits}/${year}/${String(sk).padStart(4, "0")}`,
    memberNumber: `PSM-${digits}-${String(member).padStart(6, "0")}`,
  };
}

const TRAINING_STEP = "basic-training";

export const TrainingWait = v.object({
  registrationId: v.string(),
  taskToken: v.pipe(v.string(), v.minLength(1)),
  /** Absent in executions started before the wait was recorded as a request: the policy's. */
  validForSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

/**
 * The waiting Bimtek dasar step: its token recorded as a request in the action table (no email,
 * no link), answered by the staff endpoint through the one decide path (`answerTraining`).
 */
export async function awaitTraining(
  request: v.InferOutput<typeof TrainingWait>,
  options: { deliverOwed?: boolean } = {},
): Promise<void> {
  const r = await mustGet(request.registrationId);
  await awaitStaffAnswer({
    workflow: "recruitment",
    subjectType: "registration",
    subjectId: r.id,
    step: TRAINING_STEP,
    taskToken: request.taskToken,
    validForSeconds: request.validForSeconds ?? workflowPolicy().recruitment.basicTrainingSeconds,
    level: "district",
    regionCode: regionAtLevel(r.villageCode, "district"),
    question: "Apakah calon PSM ini sudah menyelesaikan Bimtek dasar?",
    options: [{ value: "completed", label: "Sudah menyelesaikan Bimtek dasar" }],
  });
  // A completion that came before this wait was recorded (`oweTraining`) answers it now — unless
  // this wait is being adopted by `answerTraining` itself, which answers right after (no loop).
  if (options.deliverOwed === false) return;
  const owed = await owedTraining(r.id);
  if (!owed) return;
  await answerTraining(r, owed);
  // Handed over — or the step was decided already (a retried wait): nothing is owed any more.
  await clearOwedTraining(r.id);
}

/**
 * Bimtek dasar completed while the recruitment had not recorded its training wait yet (its
 * execution still on its way there): the answer is kept on the registration, then tried once more.
 * Whichever comes second — this, or the wait being recorded (`awaitTraining` reads it after asking)
 * — hands it over, so it is never lost nor makes the certificates fail.
 */
export async function oweTraining(
  r: Registration,
  answer: TrainingAnswer,
): Promise<"delivered" | "stored" | "not-waiting" | "already-answered"> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: registrationKeys.registration(r.id),
      UpdateExpression: "SET owedTraining = :answer",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":answer": answer },
    }),
  );
  return answerTraining(r, answer);
}

/** The owed completion is delivered or applied: it is not handed over again. */
async function clearOwedTraining(registrationId: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: registrationKeys.registration(registrationId),
      UpdateExpression: "REMOVE owedTraining",
      ConditionExpression: "attribute_exists(pk)",
    }),
  );
}

/** The completion kept for a wait not yet recorded, read consistently (see `oweTraining`). */
async function owedTraining(registrationId: string): Promise<TrainingAnswer | undefined> {
  const { Item } = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: registrationKeys.registration(registrationId),
      ProjectionExpression: "owedTraining",
      ConsistentRead: true,
    }),
  );
  return (Item as Pick<Registration, "owedTraining"> | undefined)?.owedTraining;
}

/** A staff member records the candidate's Bimtek dasar completion. */
export interface TrainingAnswer {
  completedAt: string;
  recordedBy: { email: string; role: string; sub: string };
  note?: string;
}

/**
 * Records a Bimtek dasar completion for the waiting step: stored first, then handed to the waiting
 * task ("stored": the task was gone; the next wait applies it). "not-waiting" when the step waits
 * for nothing; "already-answered" when another answer came first. A wait recorded before requests
 * lived in the action table (`trainingTaskToken`) is adopted as a request first — without
 * handing over an owed answer (`deliverOwed: false`): that would call back here, endlessly when
 * there is nothing left to answer (already decided).
 */
export async function answerTraining(
  r: Registration,
  answer: TrainingAnswer,
): Promise<"delivered" | "stored" | "not-waiting" | "already-answered"> {
  if (r.stage !== TRAINING_STEP) return "not-waiting";
  const subject = { subjectType: "registration", subjectId: r.id, step: TRAINING_STEP };
  const choice = {
    decision: "completed",
    decidedBy: answer.recordedBy.email,
    ...(answer.note ? { note: answer.note } : {}),
    answer: {
      completedAt: answer.completedAt,
      recordedByEmail: answer.recordedBy.email,
      recordedByRole: answer.recordedBy.role,
      recordedBySub: answer.recordedBy.sub,
    },
  };
  let outcome = await answerStaffRequest(subject, choice);
  if (!outcome && r.trainingTaskToken) {
    await awaitTraining({ registrationId: r.id, taskToken: r.trainingTaskToken }, { deliverOwed: false });
    outcome = await answerStaffRequest(subject, choice);
  }
  if (!outcome) return "not-waiting";
  if (!outcome.recorded) return "already-answered";
  return outcome.delivery === "delivered" ? "delivered" : "stored";
}

/**
 * Bimtek dasar not recorded in time: the kabupaten's Bimtek organiser (falling back to the district
 * officer) and the applicant are told, once per round (a retried task mails nobody again). A
 * completion stored but not yet applied is no reason to tell anyone.
 */
export async function trainingOverdue(registrationId: string): Promise<void> {
  const r = await mustGet(registrationId);
  if (await storedDecision({ subjectType: "registration", subjectId: r.id, step: TRAINING_STEP })) return;
  const round = `training-overdue:${r.workflowAttempt ?? 1}`;
  if (r.notified?.includes(round)) return;
  const organisers = await resolveDuty(r.villageCode, "district", "bimtek-organiser");
  for (const person of organisers?.people ?? []) {
    await sendMail({ to: [person.email], ...trainingOverdueStaffEmail(r, person.name) });
  }
  await mailApplicant(r, trainingOverdueApplicantEmail(r));
  await addFlag(r.id, "training-overdue");
  await recordTransition(r.id, { event: "training-overdue", actor: { kind: "system" } }, r);
  await addOnce(r.id, "notified", round);
}

/** What the Bimtek dasar wait receives: the recorded answer (`RecordedDecision`)… */
const TrainingDecision = v.object({
  decision: v.literal("completed"),
  note: v.optional(v.string()),
  answer: v.object({
    completedAt: v.string(),
    recordedByEmail: v.string(),
    recordedByRole: v.string(),
    recordedBySub: v.string(),
  }),
});

/** …or, in executions whose wait was answered before that, the completion itself. */
export const TrainingCompletion = v.object({
  completedAt: v.string(),
  recordedBy: v.object({ email: v.string(), role: v.string(), sub: v.string() }),
  note: v.optional(v.string()),
});

export const TrainingOutcome = v.union([TrainingDecision, TrainingCompletion]);

export async function recordTraining(
  registrationId: string,
  training: v.InferOutput<typeof TrainingOutcome>,
): Promise<void> {
  const completion =
    "answer" in training
      ? {
          completedAt: training.answer.completedAt,
          recordedBy: {
            email: training.answer.recordedByEmail,
            role: training.answer.recordedByRole,
            sub: training.answer.recordedBySub,
          },
          note: training.note,
        }
      : training;
  const current = await mustGet(registrationId);
  const subject = { subjectType: "registration", subjectId: registrationId, step: TRAINING_STEP };
  if (current.stage !== TRAINING_STEP) {
    await markDecisionApplied(subject); // already recorded (a retry)
    if (current.owedTraining) await clearOwedTraining(registrationId);
    return;
  }
  await recordTransition(
    registrationId,
    {
      event: "training-completed",
      actor: {
        kind: "staff",
        id: completion.recordedBy.sub,
        email: completion.recordedBy.email,
        role: completion.recordedBy.role,
      },
      note: `Selesai ${completion.completedAt}${completion.note ? `: ${completion.note}` : ""}`,
      stage: "district-verification" satisfies RecruitmentStage,
      expectedStage: TRAINING_STEP,
    },
    current,
  );
  await markDecisionApplied(subject);
  if (current.owedTraining) await clearOwedTraining(registrationId);
}
