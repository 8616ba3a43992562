import {
  acknowledge,
  applyDecision,
  awaitTraining,
  Decision,
  DecisionRequest,
  ResolveApprovalLevel,
  recordTraining,
  requestDecision,
  resolveRegistrationLevel,
  TrainingCompletion,
  trainingOverdue,
} from "@sigap/core/registration/recruitment";
import type { TaskEvent } from "@sigap/core/workflow/tasks";
import * as v from "valibot";
import { InvalidTaskInput } from "./notifications";

const Subject = { registrationId: v.string() };
const RecruitmentTask = v.variant("task", [
  v.object({ task: v.literal("acknowledge"), ...Subject }),
  v.object({ task: v.literal("resolveApprovalLevel"), ...ResolveApprovalLevel.entries }),
  v.object({ task: v.literal("requestDecision"), ...DecisionRequest.entries }),
  v.object({
    task: v.literal("applyDecision"),
    ...Subject,
    step: v.picklist(["village-recommendation", "district-verification"]),
    decision: Decision,
  }),
  v.object({ task: v.literal("awaitTraining"), ...Subject, taskToken: v.string() }),
  v.object({ task: v.literal("trainingOverdue"), ...Subject }),
  v.object({ task: v.literal("recordTraining"), ...Subject, training: TrainingCompletion }),
]);

/** Task Lambda for the `recruitment` group: thin; the work is in @sigap/core/registration. */
export async function handler(event: TaskEvent): Promise<unknown> {
  const parsed = v.safeParse(RecruitmentTask, event);
  if (!parsed.success) {
    throw new InvalidTaskInput(
      `Invalid recruitment task ${String(event.task)}: ${v.summarize(parsed.issues)}`,
    );
  }
  const task = parsed.output;
  switch (task.task) {
    case "acknowledge":
      return acknowledge(task.registrationId);
    case "resolveApprovalLevel":
      return resolveRegistrationLevel(task);
    case "requestDecision":
      return requestDecision(task);
    case "applyDecision":
      return applyDecision(task.registrationId, task.step, task.decision);
    case "awaitTraining":
      return awaitTraining(task.registrationId, task.taskToken);
    case "trainingOverdue":
      return trainingOverdue(task.registrationId);
    case "recordTraining":
      return recordTraining(task.registrationId, task.training);
  }
}
