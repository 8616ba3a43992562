import type { Case } from "./model";

/**
 * PLACEHOLDER until the case-escalation workflow lands (case/escalation.ts, owned by H5), which
 * replaces this module's body: start the `case-escalation` execution for a saved case. The intake
 * route calls it after the save, as registrations call `startRecruitment`; a failure is logged and
 * left to the reconciler. Until then nothing is started.
 */
export async function startCaseEscalation(_saved: Case): Promise<void> {}
