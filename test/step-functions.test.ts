/**
 * The local Step Functions endpoint, driven by a stock @aws-sdk/client-sfn over HTTP, with fake
 * timers standing in for days: callbacks, timeouts that loop back with a fresh token, a 40-day
 * Wait, Retry, idempotent starts and AWS's error names.
 */

import type { SFNClient } from "@aws-sdk/client-sfn";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { JsonValue } from "@sigap/core/workflow/asl";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTestStepFunctions, type TestStepFunctions } from "./support/step-functions";

const DAY = 24 * 3600;
const fn = (name: string) => `arn:aws:lambda:ap-southeast-3:000000000000:function:${name}`;

/** What the test Lambdas saw: each callback task entry hands its token to `asks`. */
let asks: Array<{ token: string; round: number }> = [];
let flakyCalls = 0;
const lambdas: Record<string, (event: JsonValue) => Promise<unknown>> = {
  [fn("ask")]: async (event) => {
    asks.push(event as { token: string; round: number });
    return { delivered: true };
  },
  [fn("flaky")]: async () => {
    flakyCalls += 1;
    if (flakyCalls === 1) throw Object.assign(new Error("try again"), { name: "Transient" });
    return { attempts: flakyCalls };
  },
};

const approvalLoop = {
  Comment:
    "Ask; on a 3-day timeout remind (fresh token) and ask again; then wait 40 days; then a flaky task.",
  StartAt: "Ask",
  States: {
    Ask: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Parameters: { FunctionName: fn("ask"), Payload: { "token.$": "$$.Task.Token", "round.$": "$.round" } },
      // Read from the state input, before Parameters reshape it (as AWS does).
      TimeoutSecondsPath: "$.policy.askSeconds",
      ResultPath: "$.answer",
      Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "Remind" }],
      Next: "Pause",
    },
    Remind: {
      Type: "Pass",
      Parameters: {
        "round.$": "States.MathAdd($.round, 1)",
        "waitSeconds.$": "$.waitSeconds",
        "policy.$": "$.policy",
      },
      Next: "Ask",
    },
    Pause: { Type: "Wait", SecondsPath: "$.waitSeconds", Next: "Flaky" },
    Flaky: {
      Type: "Task",
      Resource: fn("flaky"),
      Retry: [{ ErrorEquals: ["Transient"], IntervalSeconds: 60, MaxAttempts: 2 }],
      ResultPath: "$.flaky",
      Next: "Done",
    },
    Done: { Type: "Succeed" },
  },
};

/** A callback task with no TimeoutSeconds: AWS lets it wait about a year, not 60 s. */
const noTimeout = {
  StartAt: "Ask",
  States: {
    Ask: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Parameters: { FunctionName: fn("ask"), Payload: { "token.$": "$$.Task.Token", round: 0 } },
      HeartbeatSeconds: 2 * DAY,
      End: true,
    },
  },
};

let stepFunctions: TestStepFunctions;
let client: SFNClient;
let loopArn: string;
let noTimeoutArn: string;

beforeAll(async () => {
  stepFunctions = await startTestStepFunctions(lambdas);
  client = stepFunctions.client;
  loopArn = (
    await client.send(
      new CreateStateMachineCommand({
        name: "approval-loop",
        definition: JSON.stringify(approvalLoop),
        roleArn: "arn:aws:iam::000000000000:role/test",
      }),
    )
  ).stateMachineArn as string;
  noTimeoutArn = (
    await client.send(
      new CreateStateMachineCommand({
        name: "no-timeout",
        definition: JSON.stringify(noTimeout),
        roleArn: "arn:aws:iam::000000000000:role/test",
      }),
    )
  ).stateMachineArn as string;
});

afterAll(() => stepFunctions.close());

beforeEach(() => {
  asks = [];
  flakyCalls = 0;
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    now: new Date("2026-11-02T01:00:00Z"),
  });
});
afterEach(() => vi.useRealTimers());

/** Lets HTTP and promise work settle (real I/O, fake clock) until `probe` holds. */
async function until<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
): Promise<T> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await vi.advanceTimersByTimeAsync(0);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const describeExecution = (executionArn: string) =>
  client.send(new DescribeExecutionCommand({ executionArn }));
const historyTypes = async (executionArn: string) =>
  ((await client.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? []).map((e) => e.type);
const statusIs = (executionArn: string, status: string) => async () =>
  (await describeExecution(executionArn)).status === status;
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => error.name,
  );

describe("local Step Functions endpoint", () => {
  it("lists its state machines", async () => {
    const { stateMachines } = await client.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((s) => s.name).sort()).toEqual(["approval-loop", "no-timeout"]);
  });

  it("runs callbacks, timeouts with fresh tokens, a 40-day wait and a retry, as AWS would", async () => {
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: loopArn,
        name: "candidate-1",
        input: JSON.stringify({ round: 0, waitSeconds: 40 * DAY, policy: { askSeconds: 3 * DAY } }),
      }),
    );
    const first = await until(() => asks[0], "the first ask");
    expect(first.token).toMatch(/^AQ[A-Za-z0-9_-]{80,}$/);

    // Nobody answers: just before 3 days nothing happens, at 3 days the task times out and loops back.
    await vi.advanceTimersByTimeAsync(3 * DAY * 1000 - 1000);
    expect(asks).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    const second = await until(() => asks[1], "the reminder's ask");
    expect(second.round).toBe(1);
    expect(second.token).not.toBe(first.token);

    // The superseded token no longer decides anything.
    expect(
      await errorOf(client.send(new SendTaskSuccessCommand({ taskToken: first.token, output: "{}" }))),
    ).toBe("TaskTimedOut");
    await client.send(new SendTaskHeartbeatCommand({ taskToken: second.token }));
    await client.send(
      new SendTaskSuccessCommand({
        taskToken: second.token,
        output: JSON.stringify({ decision: "approve" }),
      }),
    );
    // Used once: a replay is refused.
    expect(
      await errorOf(client.send(new SendTaskSuccessCommand({ taskToken: second.token, output: "{}" }))),
    ).toBe("TaskTimedOut");

    // A 40-day Wait really waits 40 days (Node timers alone would fire past 24.8 days at once).
    await until(
      async () => (await historyTypes(executionArn as string)).includes("WaitStateEntered"),
      "the wait",
    );
    await vi.advanceTimersByTimeAsync(39 * DAY * 1000);
    expect(await historyTypes(executionArn as string)).not.toContain("WaitStateExited");
    await vi.advanceTimersByTimeAsync(DAY * 1000);
    await until(() => flakyCalls === 1, "the flaky task's first attempt");

    // Retry after IntervalSeconds.
    await vi.advanceTimersByTimeAsync(60_000);
    await until(statusIs(executionArn as string, "SUCCEEDED"), "success");

    const execution = await describeExecution(executionArn as string);
    expect(JSON.parse(execution.output as string)).toEqual({
      round: 1,
      waitSeconds: 40 * DAY,
      policy: { askSeconds: 3 * DAY },
      answer: { decision: "approve" },
      flaky: { attempts: 2 },
    });
    expect((execution.stopDate?.getTime() ?? 0) - (execution.startDate?.getTime() ?? 0)).toBe(
      (43 * DAY + 60) * 1000,
    );
    expect(await historyTypes(executionArn as string)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskTimedOut",
      "TaskStateExited",
      "PassStateEntered",
      "PassStateExited",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
      "WaitStateEntered",
      "WaitStateExited",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskFailed",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
      "SucceedStateEntered",
      "SucceedStateExited",
      "ExecutionSucceeded",
    ]);
  });

  it("starts idempotently by name: same input returns the running execution, other input is refused", async () => {
    const start = (input: object) =>
      client.send(
        new StartExecutionCommand({
          stateMachineArn: loopArn,
          name: "candidate-2",
          input: JSON.stringify(input),
        }),
      );
    const a = await start({ round: 0, waitSeconds: 1, policy: { askSeconds: DAY } });
    const b = await start({ round: 0, waitSeconds: 1, policy: { askSeconds: DAY } });
    expect(b.executionArn).toBe(a.executionArn);
    expect(b.startDate).toEqual(a.startDate);
    expect(await errorOf(start({ round: 5, waitSeconds: 1, policy: { askSeconds: DAY } }))).toBe(
      "ExecutionAlreadyExists",
    );
    const { executions } = await client.send(
      new ListExecutionsCommand({ stateMachineArn: loopArn, statusFilter: "RUNNING" }),
    );
    expect(executions?.filter((e) => e.name === "candidate-2")).toHaveLength(1);

    // Once closed, even the same input is refused (AWS keeps names for 90 days).
    await client.send(
      new StopExecutionCommand({ executionArn: a.executionArn, error: "Test", cause: "done" }),
    );
    await until(statusIs(a.executionArn as string, "ABORTED"), "abort");
    expect(await errorOf(start({ round: 0, waitSeconds: 1, policy: { askSeconds: DAY } }))).toBe(
      "ExecutionAlreadyExists",
    );
  });

  it("fails the task with the caller's error on SendTaskFailure", async () => {
    const { executionArn } = await client.send(
      new StartExecutionCommand({
        stateMachineArn: loopArn,
        input: JSON.stringify({ round: 0, waitSeconds: 1, policy: { askSeconds: DAY } }),
      }),
    );
    const ask = await until(() => asks[0], "the ask");
    await client.send(
      new SendTaskFailureCommand({ taskToken: ask.token, error: "Rejected", cause: "Data tidak lengkap" }),
    );
    await until(statusIs(executionArn as string, "FAILED"), "failure");
    const execution = await describeExecution(executionArn as string);
    expect(execution.error).toBe("Rejected");
    expect(execution.cause).toBe("Data tidak lengkap");
  });

  it("keeps a task without TimeoutSeconds waiting past 60 s and past 24.8 days, until its heartbeat lapses", async () => {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: noTimeoutArn }));
    const ask = await until(() => asks[0], "the ask");
    for (let day = 0; day < 30; day++) {
      await vi.advanceTimersByTimeAsync(DAY * 1000 - 1000);
      await client.send(new SendTaskHeartbeatCommand({ taskToken: ask.token }));
    }
    expect((await describeExecution(executionArn as string)).status).toBe("RUNNING");
    // Heartbeats stop: two days later the task fails.
    await vi.advanceTimersByTimeAsync(2 * DAY * 1000 - 1000);
    expect((await describeExecution(executionArn as string)).status).toBe("RUNNING");
    await vi.advanceTimersByTimeAsync(1000);
    await until(statusIs(executionArn as string, "FAILED"), "the heartbeat timeout");
    expect((await describeExecution(executionArn as string)).error).toBe("States.HeartbeatTimeout");
    expect(
      await errorOf(client.send(new SendTaskSuccessCommand({ taskToken: ask.token, output: "{}" }))),
    ).toBe("TaskTimedOut");
  });

  it("closes the waiting task when the execution is stopped", async () => {
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: noTimeoutArn }));
    const ask = await until(() => asks[0], "the ask");
    await client.send(
      new StopExecutionCommand({ executionArn, error: "Withdrawn", cause: "Pemohon mengundurkan diri" }),
    );
    await until(statusIs(executionArn as string, "ABORTED"), "abort");
    expect((await describeExecution(executionArn as string)).error).toBe("Withdrawn");
    expect(
      await errorOf(client.send(new SendTaskSuccessCommand({ taskToken: ask.token, output: "{}" }))),
    ).toBe("TaskTimedOut");
  });

  it("answers with AWS's error names", async () => {
    expect(await errorOf(client.send(new SendTaskSuccessCommand({ taskToken: "bogus", output: "{}" })))).toBe(
      "InvalidToken",
    );
    expect(
      await errorOf(
        client.send(new SendTaskSuccessCommand({ taskToken: `AQ${"x".repeat(120)}`, output: "{}" })),
      ),
    ).toBe("TaskDoesNotExist");
    expect(
      await errorOf(
        client.send(
          new DescribeExecutionCommand({
            executionArn: `${loopArn.replace("stateMachine", "execution")}:nope`,
          }),
        ),
      ),
    ).toBe("ExecutionDoesNotExist");
    expect(
      await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: `${loopArn}-missing` }))),
    ).toBe("StateMachineDoesNotExist");
    expect(
      await errorOf(client.send(new StartExecutionCommand({ stateMachineArn: loopArn, input: "{not json" }))),
    ).toBe("InvalidExecutionInput");
    expect(
      await errorOf(
        client.send(
          new CreateStateMachineCommand({
            name: "broken",
            definition: "{}",
            roleArn: "arn:aws:iam::000000000000:role/test",
          }),
        ),
      ),
    ).toBe("InvalidDefinition");
  });
});
