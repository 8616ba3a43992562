import { ApprovalAskTask, ApprovalResolveTask } from "@sigap/core/action/ask";
import {
  applyConfirmation,
  applyHandling,
  applyResponse,
  askCase,
  askReporter,
  CaseDecision,
  confirmationLapsed,
  handlingLapsed,
  ReporterAsk,
  resolveCaseLevel,
} from "@sigap/core/case/escalation";
import { CASE_LEVELS } from "@sigap/core/case/model";
import type { TaskEvent } from "@sigap/core/workflow/tasks";
import * as v from "valibot";
import { InvalidTaskInput } from "./notifications";

const Subject = { caseId: v.string() };
const CaseTask = v.variant("task", [
  v.object({ task: v.literal("resolveApprovalLevel"), ...Subject, ...ApprovalResolveTask.entries }),
  v.object({ task: v.literal("requestDecision"), ...Subject, ...ApprovalAskTask.entries }),
  v.object({ task: v.literal("applyResponse"), ...Subject, decision: CaseDecision }),
  v.object({ task: v.literal("applyHandling"), ...Subject, decision: CaseDecision }),
  v.object({
    task: v.literal("handlingLapsed"),
    ...Subject,
    level: v.picklist(CASE_LEVELS),
  }),
  v.object({ task: v.literal("askReporter"), ...ReporterAsk.entries }),
  v.object({ task: v.literal("applyConfirmation"), ...Subject, decision: CaseDecision }),
  v.object({ task: v.literal("confirmationLapsed"), ...Subject }),
]);

/** Task Lambda for the `cases` group: thin; the work is in @sigap/core/case/escalation. */
export async function handler(event: TaskEvent): Promise<unknown> {
  const parsed = v.safeParse(CaseTask, event);
  if (!parsed.success) {
    throw new InvalidTaskInput(`Invalid cases task ${String(event.task)}: ${v.summarize(parsed.issues)}`);
  }
  const task = parsed.output;
  switch (task.task) {
    case "resolveApprovalLevel": {
      const { task: _, caseId, ...resolve } = task;
      return resolveCaseLevel(caseId, resolve);
    }
    case "requestDecision": {
      const { task: _, caseId, ...ask } = task;
      return askCase(caseId, ask);
    }
    case "applyResponse":
      return applyResponse(task.caseId, task.decision);
    case "applyHandling":
      return applyHandling(task.caseId, task.decision);
    case "handlingLapsed":
      return handlingLapsed(task.caseId, task.level);
    case "askReporter":
      return askReporter(task);
    case "applyConfirmation":
      return applyConfirmation(task.caseId, task.decision);
    case "confirmationLapsed":
      return confirmationLapsed(task.caseId);
  }
}
