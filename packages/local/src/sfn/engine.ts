import { createHash, randomBytes, randomUUID } from "node:crypto";
import { type JsonValue, LAMBDA_INVOKE, WAIT_FOR_TASK_TOKEN } from "@sigap/core/workflow/asl";
import type { ExecutionStatusChange } from "@sigap/core/workflow/executions";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { SfnApiError, StateError } from "./errors";
import { type HistoryEvent, HistoryRecorder, type HistorySnapshot } from "./history";
import { resolveReferencePath } from "./paths";
import { SpillFile, type SpillRef } from "./spill";

/** A Lambda handler run in-process in place of the deployed function. */
export type LocalLambda = (event: JsonValue) => Promise<unknown>;

export interface EngineOptions {
  region: string;
  accountId: string;
  /**
   * Finished executions kept whole (with their history), newest first; older ones shrink to a small
   * record that keeps their name reserved and DescribeExecution answering. Default 100.
   */
  keepFinished?: number;
  /**
   * Where parked executions keep their history and input (a spill file, see `SpillFile`): the
   * stack's data directory when it has one. Default: the OS temporary directory.
   */
  spillDirectory?: string;
  /** Finds the in-process handler for a Lambda function ARN or name. */
  resolveLambda(functionArnOrName: string): LocalLambda | undefined;
  /**
   * Receives an "Execution Status Change" event, shaped as EventBridge delivers it on AWS, when an
   * execution ends (what the infra rule forwards): the same handler the rule targets, in-process.
   */
  onStatusChange?(event: ExecutionStatusChange): Promise<unknown>;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

interface StateMachineRecord {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: "STANDARD";
  creationDate: Date;
  machine: StateMachine;
  parsed: StateMachineDefinition;
  taskStates: Map<string, TaskStateDefinition>;
  /**
   * Task states a waiting execution may park at (see `park`): top-level, without InputPath, in a
   * machine with no execution timeout and no reference to what a resumed run would answer
   * differently ($$.Execution.Input/StartTime, $$.State).
   */
  parkable: Set<string>;
  /** The same machine starting at a parked state, built once per state. */
  resumers: Map<string, StateMachine>;
}

/** What ListExecutions shows of an execution, and DescribeExecution besides its input. */
interface ExecutionSummary {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
}

/** What a finished execution keeps once its history is evicted: what DescribeExecution answers. */
interface FinishedExecution extends ExecutionSummary {
  input: string;
}

/** An execution's input and history, in the heap. */
interface Held {
  input: string;
  history: HistoryRecorder;
}

/** What a parked execution writes to the spill file (texts by index into the history's texts). */
interface ParkedSnapshot {
  input: number;
  history: HistorySnapshot;
}

interface ExecutionRecord extends ExecutionSummary {
  /** Set by StopExecution so the aborted event carries the caller's reason. */
  stopReason?: { error?: string; cause?: string };
  /** In the heap; while parked (see `park`), in the spill file. */
  held: Held | SpillRef;
  /** Tokens of this execution's tasks still open (usually one; more in parallel branches). */
  openTokens: string[];
  /** Every token this execution handed out; forgotten (by digest only) once it is evicted. */
  issuedTokens: string[];
  /** The interpreter run whose events are this execution's; undefined while parked. */
  currentRun?: Run;
  /** Resolves once the current run's events are all recorded. */
  followed: Promise<void>;
}

interface TaskStateDefinition {
  Resource: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
}

/** An interpreter run of an execution. */
interface Run {
  abort(): void;
}

/** One entry into a Task state, as the interpreter hands it over. */
interface TaskEntry {
  execution: ExecutionRecord;
  sm: StateMachineRecord;
  /** The interpreter run making this entry. */
  run: Run;
  stateName: string;
  state: TaskStateDefinition;
  /** After InputPath and Parameters: what the task receives. */
  input: JsonValue;
  /** After InputPath only: what TimeoutSecondsPath and HeartbeatSecondsPath read, as on AWS. */
  stateInput: JsonValue;
  /** The deadline the interpreter enforces for this entry (patched to tell us). */
  timeoutMs: number;
  context: JsonValue;
}

/** What the patched interpreter passes to a local task handler besides the input. */
interface TaskEntryDetails {
  timeoutMs: number;
  stateInput: JsonValue;
}

/** How a task ended: its output or its error. */
type TaskOutcome = { output: JsonValue } | { error: StateError };

/**
 * A task waiting for its token: plain data and timers calling the engine's one handler, so that
 * thousands of parked executions cost little.
 */
interface PendingTask {
  executionArn: string;
  stateName: string;
  /** The waiting run's continuation; undefined once the execution parked (the outcome resumes it). */
  proceed?: (outcome: TaskOutcome) => void;
  /** A parked execution's state input: an index into its history's texts. */
  parkedInput?: number;
  timeout: LongTimer;
  heartbeatSeconds?: number;
  heartbeat?: LongTimer;
}

/** A timer that waits its whole delay even past Node's 24.8-day limit. */
interface LongTimer {
  handle?: ReturnType<typeof setTimeout>;
  remainingMs: number;
}

/** Seeded into `$$.Task.Token`; every task entry replaces it with a fresh token of its own. */
const TOKEN_PLACEHOLDER = "__sigap_local_task_token__";
const MAX_TIMER_DELAY_MS = 2_147_483_647;
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;
const TOKEN_PATTERN = /^AQ[A-Za-z0-9_-]{80,}$/;
const DEFAULT_KEEP_FINISHED = 100;

/** The part of a task token that names its execution (see `newToken`). */
const tokenDigest = (token: string) => token.slice(2, 18);
const executionDigest = (executionArn: string) =>
  createHash("sha256").update(executionArn).digest("base64url").slice(0, 16);

/** Starts a LongTimer calling `fire(token)`; no closure per timer (see PendingTask). */
function startLongTimer(ms: number, fire: (token: string) => void, token: string): LongTimer {
  const timer: LongTimer = { remainingMs: Math.max(0, ms) };
  armLongTimer(timer, fire, token);
  return timer;
}

function armLongTimer(timer: LongTimer, fire: (token: string) => void, token: string): void {
  const delay = Math.min(timer.remainingMs, MAX_TIMER_DELAY_MS);
  timer.remainingMs -= delay;
  timer.handle = setTimeout(longTimerElapsed, delay, timer, fire, token);
}

function longTimerElapsed(timer: LongTimer, fire: (token: string) => void, token: string): void {
  if (timer.remainingMs > 0) armLongTimer(timer, fire, token);
  else fire(token);
}

/** A task's output, or its error thrown. */
function outcomeValue(outcome: TaskOutcome): JsonValue {
  if ("error" in outcome) throw outcome.error;
  return outcome.output;
}

/** Resolved: what a parked execution's `followed` becomes once its history is complete. */
const SETTLED = Promise.resolve();

function collectTaskStates(
  states: Record<string, unknown>,
  into: Map<string, TaskStateDefinition>,
): Map<string, TaskStateDefinition> {
  for (const [name, state] of Object.entries(states)) {
    const s = state as Record<string, unknown>;
    if (s.Type === "Task") into.set(name, s as unknown as TaskStateDefinition);
    for (const branch of (s.Branches as Array<{ States: Record<string, unknown> }> | undefined) ?? []) {
      collectTaskStates(branch.States, into);
    }
    const processor = (s.ItemProcessor ?? s.Iterator) as { States: Record<string, unknown> } | undefined;
    if (processor) collectTaskStates(processor.States, into);
  }
  return into;
}

/** See `StateMachineRecord.parkable`. */
function parkableStates(parsed: StateMachineDefinition, definition: string): Set<string> {
  const parkable = new Set<string>();
  const reads = ["$$.Execution.Input", "$$.Execution.StartTime", "$$.State"];
  if (parsed.TimeoutSeconds !== undefined || reads.some((path) => definition.includes(path))) return parkable;
  for (const [name, state] of Object.entries(
    parsed.States as unknown as Record<string, Record<string, unknown>>,
  )) {
    const resource = state.Resource;
    if (state.Type === "Task" && typeof resource === "string" && resource.endsWith(WAIT_FOR_TASK_TOKEN)) {
      if (!("InputPath" in state)) parkable.add(name);
    }
  }
  return parkable;
}

/** HeartbeatSeconds, or HeartbeatSecondsPath resolved against the state input (as AWS does). */
function secondsAt(
  fixed: number | undefined,
  path: string | undefined,
  entry: TaskEntry,
): number | undefined {
  if (fixed !== undefined) return fixed;
  if (path === undefined) return undefined;
  const value = resolveReferencePath(path, entry.stateInput, entry.context);
  return typeof value === "number" && Number.isInteger(value) && value >= 1 ? value : undefined;
}

function replaceDeep(value: JsonValue, search: string, replacement: string): JsonValue {
  if (value === search) return replacement;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, search, replacement));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceDeep(v, search, replacement)]),
    );
  }
  return value;
}

function parseJson(text: string | undefined, code: "InvalidExecutionInput" | "InvalidOutput"): JsonValue {
  if (text === undefined || text === "") return code === "InvalidExecutionInput" ? {} : null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new SfnApiError(code, `Invalid JSON: ${text.slice(0, 100)}`);
  }
}

/** The error a Lambda invocation reports to Step Functions, shaped as AWS shapes it. */
function lambdaError(error: unknown): StateError {
  const errorType = error instanceof Error ? error.name : "Unhandled";
  const errorMessage = error instanceof Error ? error.message : String(error);
  return new StateError(errorType, JSON.stringify({ errorType, errorMessage, trace: [] }));
}

/**
 * An in-process Step Functions: runs the same ASL definitions as AWS through aws-local-stepfunctions,
 * adding what that interpreter lacks — real task tokens for `.waitForTaskToken`, in-process Lambda
 * handlers, AWS-shaped executions and history, and AWS's idempotency and error rules.
 * Executions live in memory: after a restart the application's reconciler resumes work.
 */
export class LocalStepFunctions {
  private readonly stateMachines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Finished executions past `keepFinished`, without history, interpreter or tokens. */
  private readonly evicted = new Map<string, FinishedExecution>();
  /** Finished executions still kept whole, oldest first (insertion order). */
  private readonly finishedWhole = new Set<string>();
  /** Digests of evicted executions: their tokens answer TaskTimedOut, as closed tokens do. */
  private readonly evictedTokenDigests = new Set<string>();
  private readonly tasks = new Map<string, PendingTask>();
  /** Tokens of tasks that ended; calls with them answer TaskTimedOut, as on AWS. */
  private readonly closedTokens = new Set<string>();
  /** Status-change events handed to `onStatusChange` whose handling has not finished. */
  private readonly deliveries = new Set<Promise<unknown>>();
  /** Parked executions' input and history, out of the heap. */
  private readonly spill: SpillFile;

  constructor(private readonly options: EngineOptions) {
    this.spill = new SpillFile(options.spillDirectory);
  }

  /** Closes (and removes) the spill file; the engine is not used afterwards. */
  close(): void {
    this.spill.close();
  }

  private arn(resource: "stateMachine" | "execution", ...parts: string[]): string {
    return `arn:aws:states:${this.options.region}:${this.options.accountId}:${resource}:${parts.join(":")}`;
  }

  createStateMachine(request: { name: string; definition: string; roleArn?: string; type?: string }) {
    if (!NAME_PATTERN.test(request.name ?? ""))
      throw new SfnApiError("InvalidName", `Invalid name: ${request.name}`);
    if (request.type && request.type !== "STANDARD") {
      throw new SfnApiError("ValidationException", "Only STANDARD state machines are supported locally");
    }
    const stateMachineArn = this.arn("stateMachine", request.name);
    const existing = this.stateMachines.get(stateMachineArn);
    if (existing) {
      if (existing.definition === request.definition) {
        return { stateMachineArn, creationDate: existing.creationDate };
      }
      throw new SfnApiError(
        "StateMachineAlreadyExists",
        `State Machine Already Exists: '${stateMachineArn}'`,
      );
    }
    let parsed: StateMachineDefinition;
    let taskStates: Map<string, TaskStateDefinition>;
    let machine: StateMachine;
    try {
      parsed = JSON.parse(request.definition) as StateMachineDefinition;
      // The constructor validates the definition, once; every execution runs this instance.
      machine = new StateMachine(parsed, { validationOptions: { checkArn: false } });
      taskStates = collectTaskStates(parsed.States as Record<string, unknown>, new Map());
    } catch (error) {
      throw new SfnApiError("InvalidDefinition", error instanceof Error ? error.message : String(error));
    }
    const record: StateMachineRecord = {
      stateMachineArn,
      name: request.name,
      definition: request.definition,
      roleArn: request.roleArn ?? `arn:aws:iam::${this.options.accountId}:role/local`,
      type: "STANDARD",
      creationDate: new Date(),
      machine,
      parsed,
      taskStates,
      parkable: parkableStates(parsed, request.definition),
      resumers: new Map(),
    };
    this.stateMachines.set(stateMachineArn, record);
    return { stateMachineArn, creationDate: record.creationDate };
  }

  listStateMachines() {
    return {
      stateMachines: [...this.stateMachines.values()].map(
        ({ stateMachineArn, name, type, creationDate }) => ({
          stateMachineArn,
          name,
          type,
          creationDate,
        }),
      ),
    };
  }

  describeStateMachine(request: { stateMachineArn: string }) {
    const sm = this.stateMachine(request.stateMachineArn);
    return {
      stateMachineArn: sm.stateMachineArn,
      name: sm.name,
      status: "ACTIVE",
      definition: sm.definition,
      roleArn: sm.roleArn,
      type: sm.type,
      creationDate: sm.creationDate,
    };
  }

  private stateMachine(arn: string): StateMachineRecord {
    const sm = this.stateMachines.get(arn);
    if (!sm) throw new SfnApiError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return sm;
  }

  /** A running or recently finished execution, kept whole, or an evicted one's small record. */
  private execution(arn: string): ExecutionRecord | FinishedExecution {
    const execution = this.executions.get(arn) ?? this.evicted.get(arn);
    if (!execution) throw new SfnApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  startExecution(request: { stateMachineArn: string; name?: string; input?: string }) {
    const sm = this.stateMachine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!NAME_PATTERN.test(name)) throw new SfnApiError("InvalidName", `Invalid Name: '${name}'`);
    const input = request.input ?? "{}";
    const parsedInput = parseJson(input, "InvalidExecutionInput");
    const executionArn = this.arn("execution", sm.name, name);
    const existing = this.executions.get(executionArn) ?? this.evicted.get(executionArn);
    if (existing) {
      // Like AWS: the same name and input while running returns the original execution.
      if (existing.status === "RUNNING" && this.inputOf(existing) === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new SfnApiError("ExecutionAlreadyExists", `Execution Already Exists: '${executionArn}'`);
    }

    const startDate = new Date();
    const execution: ExecutionRecord = {
      executionArn,
      stateMachineArn: sm.stateMachineArn,
      name,
      status: "RUNNING",
      startDate,
      held: { input, history: new HistoryRecorder(sm.taskStates) },
      openTokens: [],
      issuedTokens: [],
      followed: Promise.resolve(),
    };
    this.executions.set(executionArn, execution);

    this.launch(execution, sm, parsedInput);
    return { executionArn, startDate };
  }

  /**
   * Runs an execution in the interpreter: from the start, or — `resume` — from the task state it was
   * parked at, whose first entry then answers with the task's outcome instead of running again.
   */
  private launch(
    execution: ExecutionRecord,
    sm: StateMachineRecord,
    input: JsonValue,
    resume?: { stateName: string; outcome: () => JsonValue },
  ): void {
    const context = {
      Execution: {
        Id: execution.executionArn,
        Name: execution.name,
        Input: input,
        StartTime: execution.startDate.toISOString(),
        RoleArn: sm.roleArn,
      },
      StateMachine: { Id: sm.stateMachineArn, Name: sm.name },
      Task: { Token: TOKEN_PLACEHOLDER },
    };
    let outcome = resume?.outcome;
    const runRef: Run = { abort: () => {} };
    const taskResourceLocalHandlers = Object.fromEntries(
      [...sm.taskStates].map(([stateName, state]) => [
        stateName,
        (input: JsonValue, details: TaskEntryDetails) => {
          if (outcome && stateName === resume?.stateName) {
            const answer = outcome;
            outcome = undefined;
            return Promise.resolve().then(answer);
          }
          return this.runTask({ execution, sm, run: runRef, stateName, state, input, context, ...details });
        },
      ]),
    );
    const machine = resume ? this.resumer(sm, resume.stateName) : sm.machine;
    const run = machine.run(input as Parameters<StateMachine["run"]>[0], {
      overrides: { taskResourceLocalHandlers },
      context,
    });
    runRef.abort = run.abort;
    execution.currentRun = runRef;
    // The outcome is read from the event log (below), which also carries it; silence the promise.
    run.result.catch(() => {});
    execution.followed = this.follow(execution, run.eventLogs, runRef, resume !== undefined);
  }

  /** The state machine started at `stateName`: what a parked execution resumes in. */
  private resumer(sm: StateMachineRecord, stateName: string): StateMachine {
    let machine = sm.resumers.get(stateName);
    if (!machine) {
      machine = new StateMachine(
        { ...sm.parsed, StartAt: stateName },
        // Validated whole when created; started here, the states before it are unreachable.
        { validationOptions: { noValidate: true } },
      );
      sm.resumers.set(stateName, machine);
    }
    return machine;
  }

  /** Records every event of an execution's run and settles its status when it ends. */
  private async follow(
    execution: ExecutionRecord,
    events: AsyncGenerator<unknown>,
    runRef: Run,
    resumed: boolean,
  ): Promise<void> {
    // A resumed run starts again and re-enters the parked state: both are already in the history.
    let repeated = resumed ? 2 : 0;
    for await (const raw of events) {
      const event = raw as { type: string; output?: JsonValue; Error?: string; Cause?: unknown };
      // A parked run was aborted to let it go; its end is not the execution's.
      if (
        execution.currentRun !== runRef &&
        event.type !== "ExecutionStarted" &&
        event.type.startsWith("Execution")
      )
        return;
      if (repeated > 0) {
        repeated--;
        continue;
      }
      switch (event.type) {
        case "ExecutionSucceeded":
          this.finish(execution, "SUCCEEDED", { output: JSON.stringify(event.output ?? null) });
          break;
        case "ExecutionFailed":
          this.finish(execution, "FAILED", {
            error: event.Error,
            cause: typeof event.Cause === "string" ? event.Cause : JSON.stringify(event.Cause ?? ""),
          });
          break;
        case "ExecutionAborted":
          this.finish(execution, "ABORTED", execution.stopReason ?? {});
          break;
        case "ExecutionTimeout":
          this.finish(execution, "TIMED_OUT", { error: "States.Timeout" });
          break;
      }
      const { input, history } = this.held(execution);
      history.record(raw as Parameters<HistoryRecorder["record"]>[0], {
        input,
        stopReason: execution.stopReason,
      });
    }
    // The interpreter has reported its last event: the history is complete.
    if (execution.status !== "RUNNING") this.keepFinishedWhole(execution);
  }

  /** Keeps the newest finished executions whole and shrinks the oldest beyond the limit. */
  private keepFinishedWhole(execution: ExecutionRecord): void {
    this.finishedWhole.add(execution.executionArn);
    const limit = this.options.keepFinished ?? DEFAULT_KEEP_FINISHED;
    for (const arn of this.finishedWhole) {
      if (this.finishedWhole.size <= limit) break;
      this.finishedWhole.delete(arn);
      const whole = this.executions.get(arn);
      if (whole) this.evict(whole);
    }
  }

  /** Drops an execution's history, interpreter run and tokens; its name stays reserved. */
  private evict(whole: ExecutionRecord): void {
    const { executionArn, stateMachineArn, name, status, startDate } = whole;
    const input = this.inputOf(whole);
    const small: FinishedExecution = { executionArn, stateMachineArn, name, status, input, startDate };
    if (whole.stopDate !== undefined) small.stopDate = whole.stopDate;
    if (whole.output !== undefined) small.output = whole.output;
    if (whole.error !== undefined) small.error = whole.error;
    if (whole.cause !== undefined) small.cause = whole.cause;
    for (const token of whole.issuedTokens) this.closedTokens.delete(token);
    this.evictedTokenDigests.add(executionDigest(executionArn));
    this.executions.delete(executionArn);
    this.evicted.set(executionArn, small);
  }

  private finish(
    execution: ExecutionRecord,
    status: Exclude<ExecutionStatus, "RUNNING">,
    outcome: { output?: string; error?: string | undefined; cause?: string | undefined },
  ) {
    if (execution.status !== "RUNNING") return;
    execution.status = status;
    execution.stopDate = new Date();
    if (outcome.output !== undefined) execution.output = outcome.output;
    if (outcome.error !== undefined) execution.error = outcome.error;
    if (outcome.cause !== undefined) execution.cause = outcome.cause;
    for (const token of [...execution.openTokens]) this.closeTask(token);
    this.emitStatusChange(execution);
  }

  /** Like EventBridge: after the status changed, asynchronously; a failing handler is logged. */
  private emitStatusChange(execution: ExecutionRecord): void {
    const listener = this.options.onStatusChange;
    if (!listener) return;
    const event: ExecutionStatusChange = {
      version: "0",
      id: randomUUID(),
      "detail-type": "Step Functions Execution Status Change",
      source: "aws.states",
      account: this.options.accountId,
      time: (execution.stopDate ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: this.options.region,
      resources: [execution.executionArn],
      detail: {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate.getTime(),
        stopDate: execution.stopDate?.getTime() ?? null,
        input: this.inputOf(execution),
        output: execution.output ?? null,
        error: execution.error ?? null,
        cause: execution.cause ?? null,
      },
    };
    const delivery = Promise.resolve()
      .then(() => listener(event))
      .catch((error: unknown) => console.error(`Status-change handler failed for ${execution.name}`, error))
      .finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  /** Resolves once every status-change event emitted so far has been handled. */
  async statusChangesHandled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  /** Runs one entry into a Task state: invokes the in-process Lambda, and for callbacks waits for the token. */
  private async runTask(entry: TaskEntry): Promise<JsonValue> {
    const { Resource } = entry.state;
    const waitsForToken = Resource.endsWith(WAIT_FOR_TASK_TOKEN);
    const resource = waitsForToken ? Resource.slice(0, -WAIT_FOR_TASK_TOKEN.length) : Resource;
    if (!waitsForToken) return this.invokeLambda(resource, entry.input);

    const { execution, sm, stateName, state } = entry;
    const token = this.newToken(execution.executionArn);
    const heartbeatSeconds = secondsAt(state.HeartbeatSeconds, state.HeartbeatSecondsPath, entry);
    // If the invocation below fails, that failure decides the task, not its token.
    let early: TaskOutcome | undefined;
    const pending = this.openTask(token, execution, stateName, entry.timeoutMs, heartbeatSeconds);
    pending.proceed = (outcome) => {
      early = outcome;
    };
    try {
      await this.invokeLambda(resource, replaceDeep(entry.input, TOKEN_PLACEHOLDER, token));
    } catch (error) {
      this.closeTask(token);
      throw error;
    }
    if (early) return outcomeValue(early);
    // The execution ended (stopped) meanwhile: this run is being unwound; nothing decides the task.
    if (!this.tasks.has(token)) return new Promise<never>(() => {});
    if (!sm.parkable.has(stateName) || execution.currentRun !== entry.run) {
      return new Promise<JsonValue>((resolve, reject) => {
        pending.proceed = (outcome) => ("error" in outcome ? reject(outcome.error) : resolve(outcome.output));
      });
    }
    pending.proceed = undefined;
    pending.parkedInput = this.held(execution).history.keep(JSON.stringify(entry.stateInput));
    return this.park(execution);
  }

  /**
   * Lets a waiting execution's interpreter run go: a run holds its state, promises, closures and
   * input objects (~20 KB), and a registration's execution waits days for the village head. Once the
   * run's last events are recorded, the execution's history and input go to the spill file; what
   * stays is the execution's record and its task (the state it waits in, that state's input by
   * index into the history's texts, its timers). The task's outcome, or its timeout, resumes the
   * execution in a run started at that state (see `resumeParked`).
   */
  private park(execution: ExecutionRecord): Promise<never> {
    const interrupted = execution.currentRun;
    execution.currentRun = undefined;
    void execution.followed.then(() => {
      if (execution.currentRun === undefined && execution.status === "RUNNING") this.spillHeld(execution);
    });
    // Unwinds the old run: its abort and failure events are ignored (see `follow`).
    interrupted?.abort();
    // Not retryable (the interpreter reads `isRetryable`); a Catch may match it, but the aborted run
    // stops before entering the next state.
    return Promise.reject(Object.assign(new StateError("Sigap.Parked", "Parked"), { isRetryable: false }));
  }

  /** A parked execution's task ended: a run started at its state answers with the outcome. */
  private resumeParked(pending: PendingTask, outcome: TaskOutcome): void {
    const execution = this.executions.get(pending.executionArn);
    const { stateName, parkedInput } = pending;
    if (execution?.status !== "RUNNING" || parkedInput === undefined) return;
    const sm = this.stateMachine(execution.stateMachineArn);
    void execution.followed.then(() => {
      if (execution.status !== "RUNNING") return;
      const input = JSON.parse(this.held(execution).history.text(parkedInput)) as JsonValue;
      this.launch(execution, sm, input, { stateName, outcome: () => outcomeValue(outcome) });
    });
  }

  /** StopExecution of a parked execution: what the interpreter records when a run is aborted. */
  private abortParked(execution: ExecutionRecord): void {
    if (execution.status !== "RUNNING") return;
    const { input, history } = this.held(execution);
    this.finish(execution, "ABORTED", execution.stopReason ?? {});
    history.record(
      { type: "ExecutionAborted", timestamp: Date.now() },
      { input, stopReason: execution.stopReason },
    );
    this.keepFinishedWhole(execution);
  }

  /** Writes a parked execution's input and history to the spill file, keeping only where. */
  private spillHeld(execution: ExecutionRecord): void {
    if (!("history" in execution.held)) return;
    const { input, history } = execution.held;
    const snapshot: ParkedSnapshot = { input: history.keep(input), history: history.snapshot() };
    execution.held = this.spill.write(JSON.stringify(snapshot));
    execution.followed = SETTLED;
  }

  /** An execution's input and history, read back from the spill file if parked (not kept). */
  private peek(execution: ExecutionRecord): Held {
    if ("history" in execution.held) return execution.held;
    const snapshot = JSON.parse(this.spill.read(execution.held)) as ParkedSnapshot;
    const history = new HistoryRecorder(
      this.stateMachine(execution.stateMachineArn).taskStates,
      snapshot.history,
    );
    return { input: history.text(snapshot.input), history };
  }

  /** An execution's input and history, back in the heap: it runs (or ends) again. */
  private held(execution: ExecutionRecord): Held {
    const held = this.peek(execution);
    execution.held = held;
    return held;
  }

  private inputOf(execution: ExecutionRecord | FinishedExecution): string {
    return "held" in execution ? this.peek(execution).input : execution.input;
  }

  private async invokeLambda(resource: string, input: JsonValue): Promise<JsonValue> {
    const viaInvoke = resource === LAMBDA_INVOKE;
    const request = input as { FunctionName?: string; Payload?: JsonValue };
    const functionName = viaInvoke ? request.FunctionName : resource;
    const handler = functionName ? this.options.resolveLambda(functionName) : undefined;
    if (!handler) {
      throw new StateError(
        viaInvoke ? "Lambda.ResourceNotFoundException" : "States.Runtime",
        `No local handler for task resource ${functionName ?? resource}`,
      );
    }
    // A JSON round trip, as across the real Lambda boundary.
    const payload = JSON.parse(JSON.stringify(viaInvoke ? (request.Payload ?? {}) : input)) as JsonValue;
    let result: unknown;
    try {
      result = await handler(payload);
    } catch (error) {
      throw lambdaError(error);
    }
    const output = (result === undefined ? null : JSON.parse(JSON.stringify(result))) as JsonValue;
    return viaInvoke ? { ExecutedVersion: "$LATEST", Payload: output, StatusCode: 200 } : output;
  }

  private newToken(executionArn: string): string {
    // Unguessable; the prefix and a digest of the execution make tokens look and fail like AWS's.
    return `AQ${executionDigest(executionArn)}${randomBytes(64).toString("base64url")}`;
  }

  /** Opens a task's token, with its timers; the caller says how its outcome proceeds. */
  private openTask(
    token: string,
    execution: ExecutionRecord,
    stateName: string,
    timeoutMs: number,
    heartbeatSeconds: number | undefined,
  ): PendingTask {
    const pending: PendingTask = {
      executionArn: execution.executionArn,
      stateName,
      timeout: startLongTimer(timeoutMs, this.taskTimedOut, token),
    };
    if (heartbeatSeconds !== undefined) {
      pending.heartbeatSeconds = heartbeatSeconds;
      pending.heartbeat = startLongTimer(heartbeatSeconds * 1000, this.heartbeatMissed, token);
    }
    this.tasks.set(token, pending);
    execution.openTokens.push(token);
    execution.issuedTokens.push(token);
    return pending;
  }

  // Closing the token when the task times out makes a late SendTaskSuccess answer TaskTimedOut, as
  // on AWS. One handler each for every task's timer (see PendingTask).
  private readonly taskTimedOut = (token: string) =>
    this.endTask(token, { error: new StateError("States.Timeout", "The task timed out.") });
  private readonly heartbeatMissed = (token: string) =>
    this.endTask(token, {
      error: new StateError("States.HeartbeatTimeout", "The task missed its heartbeat."),
    });

  /** Closes a task and hands its outcome to the waiting run, or resumes the parked execution. */
  private endTask(token: string, outcome: TaskOutcome): void {
    const pending = this.tasks.get(token);
    if (!pending) return;
    this.closeTask(token);
    if (pending.proceed) pending.proceed(outcome);
    else this.resumeParked(pending, outcome);
  }

  /** Closes a task: its token stays known (late calls answer TaskTimedOut) but can no longer decide. */
  private closeTask(token: string) {
    const pending = this.tasks.get(token);
    if (!pending) return;
    clearTimeout(pending.timeout.handle);
    clearTimeout(pending.heartbeat?.handle);
    this.tasks.delete(token);
    this.closedTokens.add(token);
    const open = this.executions.get(pending.executionArn)?.openTokens;
    const at = open?.indexOf(token) ?? -1;
    if (at >= 0) open?.splice(at, 1);
  }

  private pendingTask(token: string | undefined): PendingTask {
    if (!token || !TOKEN_PATTERN.test(token)) throw new SfnApiError("InvalidToken", "Invalid Token");
    const pending = this.tasks.get(token);
    if (pending) return pending;
    if (this.closedTokens.has(token) || this.evictedTokenDigests.has(tokenDigest(token))) {
      throw new SfnApiError("TaskTimedOut", "Task Timed Out: the task has already been closed");
    }
    throw new SfnApiError("TaskDoesNotExist", "Task Does Not Exist");
  }

  sendTaskSuccess(request: { taskToken: string; output: string }) {
    this.pendingTask(request.taskToken);
    const output = parseJson(request.output, "InvalidOutput");
    this.endTask(request.taskToken, { output });
    return {};
  }

  sendTaskFailure(request: { taskToken: string; error?: string; cause?: string }) {
    this.pendingTask(request.taskToken);
    this.endTask(request.taskToken, { error: new StateError(request.error ?? "", request.cause ?? "") });
    return {};
  }

  sendTaskHeartbeat(request: { taskToken: string }) {
    const pending = this.pendingTask(request.taskToken);
    if (pending.heartbeat && pending.heartbeatSeconds !== undefined) {
      clearTimeout(pending.heartbeat.handle);
      pending.heartbeat = startLongTimer(
        pending.heartbeatSeconds * 1000,
        this.heartbeatMissed,
        request.taskToken,
      );
    }
    return {};
  }

  stopExecution(request: { executionArn: string; error?: string; cause?: string }) {
    const execution = this.execution(request.executionArn);
    if (execution.status === "RUNNING" && "held" in execution) {
      execution.stopReason = { error: request.error, cause: request.cause };
      if (execution.currentRun) execution.currentRun.abort();
      else this.abortParked(execution);
    }
    return { stopDate: execution.stopDate ?? new Date() };
  }

  describeExecution(request: { executionArn: string }) {
    const e = this.execution(request.executionArn);
    return {
      ...executionListItem(e),
      input: this.inputOf(e),
      inputDetails: { included: true },
      output: e.output,
      ...(e.output !== undefined ? { outputDetails: { included: true } } : {}),
      error: e.error,
      cause: e.cause,
    };
  }

  listExecutions(request: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }) {
    this.stateMachine(request.stateMachineArn);
    const all = [...this.evicted.values(), ...this.executions.values()]
      .filter((e) => e.stateMachineArn === request.stateMachineArn)
      .filter((e) => !request.statusFilter || e.status === request.statusFilter)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const { page, nextToken } = paginate(all, request.maxResults, request.nextToken);
    return {
      executions: page.map(executionListItem),
      nextToken,
    };
  }

  getExecutionHistory(request: {
    executionArn: string;
    maxResults?: number;
    nextToken?: string;
    reverseOrder?: boolean;
  }): { events: HistoryEvent[]; nextToken?: string } {
    const execution = this.execution(request.executionArn);
    const events = "held" in execution ? this.peek(execution).history.events() : summaryHistory(execution);
    const ordered = request.reverseOrder ? [...events].reverse() : events;
    const { page, nextToken } = paginate(ordered, request.maxResults, request.nextToken);
    return { events: page, nextToken };
  }
}

/**
 * An evicted execution's history: its start and its end, as AWS records them (ids 1 and 2); the
 * steps between were dropped to keep the engine's memory flat.
 */
function summaryHistory(e: FinishedExecution): HistoryEvent[] {
  const stop = e.stopDate ?? e.startDate;
  const closing: Record<Exclude<ExecutionStatus, "RUNNING">, [string, Record<string, unknown>]> = {
    SUCCEEDED: [
      "ExecutionSucceeded",
      { executionSucceededEventDetails: { output: e.output ?? "null", outputDetails: { truncated: false } } },
    ],
    FAILED: ["ExecutionFailed", { executionFailedEventDetails: { error: e.error, cause: e.cause } }],
    ABORTED: ["ExecutionAborted", { executionAbortedEventDetails: { error: e.error, cause: e.cause } }],
    TIMED_OUT: ["ExecutionTimedOut", { executionTimedOutEventDetails: { error: e.error } }],
  };
  const [type, details] = closing[e.status as Exclude<ExecutionStatus, "RUNNING">];
  return [
    {
      id: 1,
      previousEventId: 0,
      timestamp: e.startDate,
      type: "ExecutionStarted",
      executionStartedEventDetails: { input: e.input, inputDetails: { truncated: false } },
    },
    { id: 2, previousEventId: 1, timestamp: stop, type, ...details },
  ];
}

/** The fields ListExecutions shows (DescribeExecution adds input, output and the error). */
function executionListItem(e: ExecutionSummary) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate,
    stopDate: e.stopDate,
  };
}

function paginate<T>(items: T[], maxResults = 100, nextToken?: string): { page: T[]; nextToken?: string } {
  const size = maxResults > 0 ? Math.min(maxResults, 1000) : 100;
  const offset = nextToken ? Number(Buffer.from(nextToken, "base64url").toString()) : 0;
  if (!Number.isInteger(offset) || offset < 0)
    throw new SfnApiError("ValidationException", "Invalid nextToken");
  const page = items.slice(offset, offset + size);
  const next =
    offset + size < items.length ? Buffer.from(String(offset + size)).toString("base64url") : undefined;
  return next ? { page, nextToken: next } : { page };
}
