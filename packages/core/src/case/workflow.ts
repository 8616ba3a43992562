import { deliverStoredDecision } from "../action/decision";
import { queryPages } from "../db/client";
import { itemsOf } from "../db/lean-index";
import { tableName } from "../resources";
import { attemptOf, defineReconciler } from "../workflow/executions";
import { escalationInput } from "./escalation";
import { caseKeys } from "./keys";
import type { Case, CaseStatus } from "./model";
import { CASE_WORKFLOW, getCase } from "./repository";

/**
 * Still carried by the workflow: not yet done, including a closed case awaiting its reporter's
 * answer. By stage, never by status: a `closed` case may still be in its confirmation step.
 */
export const isCaseOpen = (c: Pick<Case, "stage">) => c.stage !== "completed";

/** Every open case, page by page (local start-up only: its engine kept no execution): keys, then the cases. */
async function* openCasePages(pageSize = 100): AsyncGenerator<Case[]> {
  const statuses: CaseStatus[] = ["reported", "in-progress", "reopened", "closed"];
  for (const status of statuses) {
    for await (const entries of queryPages<Record<string, unknown>>({
      TableName: tableName(),
      IndexName: "gsi1lean",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": caseKeys.statusPartition(status) },
      Limit: pageSize,
    })) {
      yield (await itemsOf<Case>(entries)).filter(isCaseOpen);
    }
  }
}

/** Cases in the case-escalation workflow: started, resumed and restarted from what they record. */
export const caseReconciler = defineReconciler<Case>({
  workflow: CASE_WORKFLOW,
  executionPrefix: "case",
  key: caseKeys.case,
  load: getCase,
  isOpen: isCaseOpen,
  input: (c) => escalationInput(c),
  whileRunning: (c) =>
    deliverStoredDecision(
      c.stage === "completed" ? undefined : { subjectType: "case", subjectId: c.id, step: c.stage },
    ),
  openItems: openCasePages,
});

/**
 * Starts a case just saved (never a resubmitted or folded one: no request of it exists yet). Its
 * first task, resolving the response step's first level, clears the start marker with the read it
 * makes anyway (`resolveCaseLevel`). The intake route calls it after the save; a failure is logged
 * there and the reconciler starts it from the marker.
 */
export async function startCaseEscalation(saved: Case): Promise<string> {
  const input = await escalationInput(saved, { justCreated: true });
  const resolvedFirst = saved.stage === "response" && attemptOf(saved) === 1;
  return resolvedFirst ? caseReconciler.startLeavingMarker(saved, input) : caseReconciler.start(saved, input);
}
