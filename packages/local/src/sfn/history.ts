import type { JsonValue } from "@sigap/core/workflow/asl";

/** A history event as GetExecutionHistory returns it (details keyed by event kind, as on AWS). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

/** What aws-local-stepfunctions reports, as far as history needs it. */
interface InterpreterEvent {
  type: string;
  timestamp: number;
  input?: JsonValue;
  output?: JsonValue;
  Error?: string;
  Cause?: unknown;
  state?: { name: string; type: string; input: JsonValue; output?: JsonValue };
}

const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value ?? ""));

/** `arn:aws:states:::lambda:invoke.waitForTaskToken` → lambda / invoke.waitForTaskToken */
function describeResource(resource: string): { resourceType: string; resource: string } {
  const integration = resource.match(/^arn:aws:states:::([^:]+):(.+)$/);
  if (integration?.[1] && integration[2]) return { resourceType: integration[1], resource: integration[2] };
  return { resourceType: resource.includes(":lambda:") ? "lambda" : "activity", resource };
}

/**
 * An event as the recorder keeps it: the timestamp as a number, and in its details `input` and
 * `output` are indexes into the execution's texts. AWS-shaped events are built only when asked.
 */
type KeptEvent = [timestamp: number, type: string, detailsKey: string, details: Record<string, unknown>];

/** What a recorder's state is as JSON: how a parked execution keeps its history out of the heap. */
export interface HistorySnapshot {
  texts: string[];
  events: KeptEvent[];
  failed: string[];
}

/** Turns the interpreter's events into AWS-shaped history events, in order. */
export class HistoryRecorder {
  private readonly list: KeptEvent[];
  /** Task states whose current attempt failed (a Catch then exits them without a TaskSucceeded). */
  private readonly failed: Set<string>;
  /**
   * Each distinct input/output text of this execution, kept once: a state's output is also its
   * TaskSucceeded output and often the next state's input, and a workflow's input (its SLA policy
   * included) travels through every state. Without this a waiting execution held each copy.
   */
  private readonly texts: string[];
  private readonly textIndex = new Map<string, number>();

  constructor(
    private readonly taskStates: ReadonlyMap<string, { Resource: string }>,
    snapshot: HistorySnapshot = { texts: [], events: [], failed: [] },
  ) {
    this.list = snapshot.events;
    this.failed = new Set(snapshot.failed);
    this.texts = snapshot.texts;
    for (const [index, text] of this.texts.entries()) this.textIndex.set(text, index);
  }

  /** Everything the recorder holds, as plain JSON-able data (see the constructor). */
  snapshot(): HistorySnapshot {
    return { texts: this.texts, events: this.list, failed: [...this.failed] };
  }

  events(): HistoryEvent[] {
    return this.list.map(([timestamp, type, detailsKey, details], index) => ({
      id: index + 1,
      previousEventId: index,
      timestamp: new Date(timestamp),
      type,
      [detailsKey]: this.withTexts(details),
    }));
  }

  /** The index of a text in this execution's texts, adding it once. */
  keep(text: string): number {
    const kept = this.textIndex.get(text);
    if (kept !== undefined) return kept;
    this.texts.push(text);
    this.textIndex.set(text, this.texts.length - 1);
    return this.texts.length - 1;
  }

  text(index: number): string {
    const text = this.texts[index];
    if (text === undefined) throw new Error(`No history text ${index}`);
    return text;
  }

  private withTexts(details: Record<string, unknown>): Record<string, unknown> {
    const { input, output } = details;
    if (typeof input !== "number" && typeof output !== "number") return { ...details };
    return {
      ...details,
      ...(typeof input === "number" ? { input: this.text(input) } : {}),
      ...(typeof output === "number" ? { output: this.text(output) } : {}),
    };
  }

  private json(value: JsonValue | undefined): number {
    return this.keep(JSON.stringify(value ?? null));
  }

  private push(timestamp: number, type: string, details: Record<string, Record<string, unknown>>) {
    const [detailsKey, body] = Object.entries(details)[0] ?? ["", {}];
    this.list.push([timestamp, type, detailsKey, body]);
  }

  private scheduleTask(at: number, stateName: string, resource: string) {
    this.failed.delete(stateName);
    this.push(at, "TaskScheduled", { taskScheduledEventDetails: describeResource(resource) });
    this.push(at, "TaskStarted", { taskStartedEventDetails: describeResource(resource) });
  }

  record(
    event: InterpreterEvent,
    execution: { input: string; stopReason?: { error?: string; cause?: string } },
  ) {
    const at = event.timestamp;
    const state = event.state;
    const task = state ? this.taskStates.get(state.name) : undefined;
    switch (event.type) {
      case "ExecutionStarted":
        return this.push(at, "ExecutionStarted", {
          executionStartedEventDetails: {
            input: this.keep(execution.input),
            inputDetails: { truncated: false },
          },
        });
      case "ExecutionSucceeded":
        return this.push(at, "ExecutionSucceeded", {
          executionSucceededEventDetails: {
            output: this.json(event.output),
            outputDetails: { truncated: false },
          },
        });
      case "ExecutionFailed":
        return this.push(at, "ExecutionFailed", {
          executionFailedEventDetails: { error: event.Error, cause: text(event.Cause) },
        });
      case "ExecutionAborted":
        return this.push(at, "ExecutionAborted", {
          executionAbortedEventDetails: execution.stopReason ?? {},
        });
      case "ExecutionTimeout":
        return this.push(at, "ExecutionTimedOut", {
          executionTimedOutEventDetails: { error: "States.Timeout" },
        });
      case "StateEntered":
        if (!state) return;
        this.push(at, `${state.type}StateEntered`, {
          stateEnteredEventDetails: { name: state.name, input: this.json(state.input) },
        });
        if (task) this.scheduleTask(at, state.name, task.Resource);
        return;
      case "StateRetried":
        // A retry schedules the task again without re-entering the state, as on AWS.
        if (state && task) this.scheduleTask(at, state.name, task.Resource);
        return;
      case "StateExited":
        if (!state) return;
        if (task && !this.failed.has(state.name)) {
          this.push(at, "TaskSucceeded", {
            taskSucceededEventDetails: {
              ...describeResource(task.Resource),
              output: this.json(state.output),
            },
          });
        }
        return this.push(at, `${state.type}StateExited`, {
          stateExitedEventDetails: { name: state.name, output: this.json(state.output) },
        });
      case "StateFailed":
        if (!state || !task) return;
        this.failed.add(state.name);
        return event.Error === "States.Timeout"
          ? this.push(at, "TaskTimedOut", {
              taskTimedOutEventDetails: {
                ...describeResource(task.Resource),
                error: event.Error,
                cause: text(event.Cause),
              },
            })
          : this.push(at, "TaskFailed", {
              taskFailedEventDetails: {
                ...describeResource(task.Resource),
                error: event.Error,
                cause: text(event.Cause),
              },
            });
    }
  }
}
