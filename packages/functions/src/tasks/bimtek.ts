import {
  applyOffer,
  OfferDecision,
  OfferSeatTask,
  OfferTaskSubject,
  offerLapsed,
  offerSeat,
  offerWindow,
} from "@sigap/core/bimtek/offer";
import { NextEventTask, planNextEvent, RunEventTask, runEvent } from "@sigap/core/bimtek/session-events";
import type { TaskEvent } from "@sigap/core/workflow/tasks";
import * as v from "valibot";
import { InvalidTaskInput } from "./notifications";

const BimtekTask = v.variant("task", [
  v.object({ task: v.literal("nextEvent"), ...NextEventTask.entries }),
  v.object({ task: v.literal("runEvent"), ...RunEventTask.entries }),
  v.object({ task: v.literal("offerWindow"), ...OfferTaskSubject }),
  v.object({ task: v.literal("offerSeat"), ...OfferSeatTask.entries }),
  v.object({ task: v.literal("applyOffer"), ...OfferTaskSubject, decision: OfferDecision }),
  v.object({ task: v.literal("offerLapsed"), ...OfferTaskSubject }),
]);

/** Task Lambda for the `bimtek` group: thin; the work is in @sigap/core/bimtek. */
export async function handler(event: TaskEvent): Promise<unknown> {
  const parsed = v.safeParse(BimtekTask, event);
  if (!parsed.success) {
    throw new InvalidTaskInput(`Invalid bimtek task ${String(event.task)}: ${v.summarize(parsed.issues)}`);
  }
  const task = parsed.output;
  switch (task.task) {
    case "nextEvent":
      return planNextEvent(task);
    case "runEvent":
      return runEvent(task);
    case "offerWindow":
      return offerWindow(task);
    case "offerSeat":
      return offerSeat(task);
    case "applyOffer":
      return applyOffer(task.enrolmentId, task.decision);
    case "offerLapsed":
      return offerLapsed(task.enrolmentId);
  }
}
