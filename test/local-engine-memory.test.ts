/**
 * The local Step Functions engine stays flat: finished executions beyond the newest few shrink to a
 * small record that keeps their name reserved and DescribeExecution, ListExecutions and late task
 * tokens answering as AWS would for a finished execution. Driven by a stock client over HTTP.
 */
import type { Server } from "node:http";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { JsonValue } from "@sigap/core/workflow/asl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStepFunctions } from "../packages/local/src/sfn/engine";
import { serveStepFunctions } from "../packages/local/src/sfn/server";

const askArn = "arn:aws:lambda:ap-southeast-3:000000000000:function:ask";
/** Tokens handed to the `ask` Lambda, by the execution's `who`. */
const tokens = new Map<string, string>();

const definition = JSON.stringify({
  StartAt: "Ask",
  States: {
    Ask: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Parameters: { FunctionName: askArn, Payload: { "token.$": "$$.Task.Token", "who.$": "$.who" } },
      ResultPath: "$.answer",
      Next: "Done",
    },
    Done: { Type: "Succeed" },
  },
});

let engine: LocalStepFunctions;
let server: Server;
let client: SFNClient;
let stateMachineArn: string;

beforeAll(async () => {
  engine = new LocalStepFunctions({
    region: "ap-southeast-3",
    accountId: "000000000000",
    keepFinished: 2,
    resolveLambda: (arn) =>
      arn === askArn
        ? async (event: JsonValue) => {
            const { token, who } = event as { token: string; who: string };
            tokens.set(who, token);
            return {};
          }
        : undefined,
  });
  const served = await serveStepFunctions(engine, 0);
  server = served.server;
  client = new SFNClient({
    endpoint: served.url,
    region: "ap-southeast-3",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  ({ stateMachineArn } = engine.createStateMachine({ name: "flat", definition }));
});
afterAll(() => {
  client.destroy();
  server.close();
  server.closeAllConnections();
});

async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string) {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const describeExecution = (executionArn: string) =>
  client.send(new DescribeExecutionCommand({ executionArn }));
const historyTypes = async (executionArn: string) =>
  ((await client.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? []).map((e) => e.type);
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => error.name,
  );

/** Starts the execution `who`, answers its task, and waits until it has succeeded. */
async function runToEnd(who: string): Promise<string> {
  const { executionArn } = await client.send(
    new StartExecutionCommand({ stateMachineArn, name: who, input: JSON.stringify({ who }) }),
  );
  const token = await until(() => tokens.get(who), `the task of ${who}`);
  await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ ok: who }) }));
  await until(async () => (await describeExecution(executionArn as string)).status === "SUCCEEDED", who);
  return executionArn as string;
}

describe("finished executions in the local engine", () => {
  it("shrink beyond the newest two, still answering as AWS would for a finished execution", async () => {
    const first = await runToEnd("first");
    const whole = await describeExecution(first);
    const fullHistory = await historyTypes(first);
    expect(fullHistory).toContain("TaskSucceeded");

    // A stopped one keeps its caller's reason after eviction too.
    const { executionArn: stopped } = await client.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: "stopped",
        input: JSON.stringify({ who: "stopped" }),
      }),
    );
    await until(() => tokens.get("stopped"), "the task of stopped");
    await client.send(
      new StopExecutionCommand({ executionArn: stopped, error: "Withdrawn", cause: "Mundur" }),
    );
    await until(async () => (await describeExecution(stopped as string)).status === "ABORTED", "abort");

    const third = await runToEnd("third");
    await runToEnd("fourth");
    // Two finished after `first` and `stopped`: both shrink to their start and end.
    await until(async () => (await historyTypes(first)).length === 2, "first evicted");
    await until(async () => (await historyTypes(stopped as string)).length === 2, "stopped evicted");
    expect(await historyTypes(first)).toEqual(["ExecutionStarted", "ExecutionSucceeded"]);
    expect(await historyTypes(stopped as string)).toEqual(["ExecutionStarted", "ExecutionAborted"]);
    expect(await historyTypes(third)).toEqual(fullHistory);

    // DescribeExecution answers exactly as before.
    const { $metadata: _before, ...described } = whole;
    const { $metadata: _after, ...again } = await describeExecution(first);
    expect(again).toEqual(described);
    expect(again).toMatchObject({
      status: "SUCCEEDED",
      output: JSON.stringify({ who: "first", answer: { ok: "first" } }),
    });
    expect(await describeExecution(stopped as string)).toMatchObject({
      status: "ABORTED",
      error: "Withdrawn",
      cause: "Mundur",
    });

    // The name stays reserved, even for the same input (AWS keeps it for 90 days).
    expect(
      await errorOf(
        client.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: "first",
            input: JSON.stringify({ who: "first" }),
          }),
        ),
      ),
    ).toBe("ExecutionAlreadyExists");

    // Listed with the rest, newest first, and filterable by status.
    const { executions } = await client.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(executions?.map((e) => e.name)).toEqual(["fourth", "third", "stopped", "first"]);
    const { executions: aborted } = await client.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: "ABORTED" }),
    );
    expect(aborted?.map((e) => e.name)).toEqual(["stopped"]);

    // A late answer with an evicted execution's token is a closed task, as on AWS.
    expect(
      await errorOf(
        client.send(new SendTaskSuccessCommand({ taskToken: tokens.get("first") as string, output: "{}" })),
      ),
    ).toBe("TaskTimedOut");
    expect(await errorOf(client.send(new StopExecutionCommand({ executionArn: first })))).toBeUndefined();
    expect((await describeExecution(first)).status).toBe("SUCCEEDED");
  });
});
