import { OfferTaskSubject, offerWindow } from "@sigap/core/bimtek/offer";
import { NextEventTask, planNextEvent } from "@sigap/core/bimtek/session-events";
import type { TaskEvent } from "@sigap/core/workflow/tasks";
import * as v from "valibot";
import { InvalidTaskInput } from "./notifications";

const BimtekTask = v.variant("task", [
  v.object({ task: v.literal("nextEvent"), ...NextEventTask.entries }),
  v.object({ task: v.literal("offerWindow"), ...OfferTaskSubject }),
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
    case "offerWindow":
      return offerWindow(task);
  }
}
