import type { TaskEvent, TaskGroup } from "@sigap/core/workflow/tasks";
import { handler as bimtek } from "./bimtek";
import { handler as cases } from "./cases";
import { handler as notifications } from "./notifications";
import { handler as recruitment } from "./recruitment";

export type TaskHandler = (event: TaskEvent) => Promise<unknown>;

/** The handler behind each task group's Lambda; the local engine runs these in-process. */
export const taskHandlers: Record<TaskGroup, TaskHandler> = { notifications, recruitment, cases, bimtek };
