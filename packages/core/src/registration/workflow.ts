import { approvalToResume, deliverStoredDecision, type ResumedApproval } from "../action/decision";
import { type CurrentRequest, getCurrentRequest } from "../action/repository";
import { workflowPolicy } from "../config/durations";
import { attemptOf, defineReconciler, type ReconcileCounts, type Reconciled } from "../workflow/executions";
import { registrationKeys } from "./keys";
import type { Registration } from "./model";
import type { RecruitmentStep } from "./recruitment";
import { getRegistration, listEvents, openRegistrationPages, RECRUITMENT_WORKFLOW } from "./repository";

/** The steps that wait on a request in the action table (the training's is answered by staff). */
const approvalSteps: ReadonlySet<string> = new Set<RecruitmentStep | "basic-training">([
  "village-recommendation",
  "basic-training",
  "district-verification",
]);

/** The request of the approval step the registration is at, if it is at one and it was asked. */
function currentRequestOf(registration: Registration): Promise<CurrentRequest | undefined> {
  if (!approvalSteps.has(registration.stage)) return Promise.resolve(undefined);
  return getCurrentRequest({
    subjectType: "registration",
    subjectId: registration.id,
    step: registration.stage,
  });
}

/**
 * The execution input that starts recruitment at the stage the registration records. `resume`
 * skips the acknowledgement (already sent); `approval` continues the step's approval where it
 * stood (same level, reminder, deadline and links, or the decision already recorded).
 */
function recruitmentInput(registration: Registration, resume: boolean, approval?: ResumedApproval) {
  return {
    registrationId: registration.id,
    startAt: registration.stage,
    resume,
    policy: workflowPolicy(),
    ...(approval ? { approval } : {}),
  };
}

/** Registrations in the recruitment workflow: started, resumed and restarted from what they record. */
export const recruitmentReconciler = defineReconciler<Registration>({
  workflow: RECRUITMENT_WORKFLOW,
  executionPrefix: "reg",
  key: registrationKeys.registration,
  load: getRegistration,
  isOpen: (registration) => registration.status === "submitted" || registration.status === "candidate",
  async input(registration, attempt) {
    const current = await currentRequestOf(registration);
    // A restart, or a first start after a crash that got beyond the acknowledgement, resumes.
    const resume = attempt > 1 || current !== undefined || (await listEvents(registration.id)).length > 1;
    return recruitmentInput(registration, resume, approvalToResume(current));
  },
  whileRunning: (registration) =>
    deliverStoredDecision(
      approvalSteps.has(registration.stage)
        ? { subjectType: "registration", subjectId: registration.id, step: registration.stage }
        : undefined,
    ),
  openItems: openRegistrationPages,
});

/** One execution per registration and attempt: a retried start with the same name is a no-op. */
export function executionName(registration: Pick<Registration, "id" | "workflowAttempt">): string {
  return recruitmentReconciler.executionName(registration as Registration);
}

/**
 * Starts a new registration's recruitment. Its first task, the acknowledgement, clears the start
 * marker with the read it makes anyway (`acknowledge`); a registration no longer at its first stage
 * (the same submission again, moved on) does not pass there, so its marker is cleared here.
 */
export function startRecruitment(registration: Registration): Promise<string> {
  const input = recruitmentInput(registration, false);
  const acknowledgedFirst = registration.stage === "village-recommendation" && attemptOf(registration) === 1;
  return acknowledgedFirst
    ? recruitmentReconciler.startLeavingMarker(registration, input)
    : recruitmentReconciler.start(registration, input);
}

/** Makes sure one open registration has a running execution, continuing where it stood. */
export function reconcileRegistration(registration: Registration): Promise<Reconciled> {
  return recruitmentReconciler.reconcileItem(registration);
}

/**
 * Scheduled job: registrations marked "start pending" (never started, or their execution ended
 * while they are open) get their execution. Reads only those, never every open registration.
 */
export function reconcileRegistrations(options: { signal?: AbortSignal } = {}): Promise<ReconcileCounts> {
  return recruitmentReconciler.reconcile(options);
}
