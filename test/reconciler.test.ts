/**
 * The reconciler costs the exceptions, not the open items: with many registrations waiting on
 * their village head and one execution that failed and one that was aborted, a reconciliation
 * reads the "start pending" index and starts exactly those two — no DescribeExecution per open
 * registration. Status-change events (emitted by the local engine as EventBridge delivers them on
 * AWS) are what marks a failed, aborted or parked execution for restart.
 */
import { DescribeExecutionCommand, SendTaskFailureCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { getAction, getCurrentRequest } from "@sigap/core/action/repository";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import type { Registration } from "@sigap/core/registration/model";
import { getRegistration } from "@sigap/core/registration/repository";
import { executionName, reconcileRegistrations } from "@sigap/core/registration/workflow";
import { stateMachineArn, tableName } from "@sigap/core/resources";
import { sfn } from "@sigap/core/workflow/client";
import type { ExecutionStatusChange } from "@sigap/core/workflow/executions";
import { executionKeys } from "@sigap/core/workflow/keys";
import { handleWorkflowEvent } from "@sigap/core/workflow/reconcilers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

const OPEN_REGISTRATIONS = 24;
let serial = 300;

async function register(): Promise<string> {
  serial += 1;
  const response = await stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      ...validRegistration,
      nik: `320501550795${String(serial).padStart(4, "0")}`,
      email: `antre${serial}@example.com`,
    }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

const registration = async (id: string) => (await getRegistration(id)) as Registration;
const arnOf = (r: Registration) =>
  stateMachineArn("recruitment")
    .replace(":stateMachine:", ":execution:")
    .concat(`:${executionName(r)}`);
const statusOf = async (r: Registration) =>
  (await stack.client.send(new DescribeExecutionCommand({ executionArn: arnOf(r) }))).status;
const villageRequest = (id: string) =>
  getCurrentRequest({ subjectType: "registration", subjectId: id, step: "village-recommendation" });

/** Every registration waiting on its village head's link (its execution running). */
async function waitingOnVillage(ids: string[]): Promise<void> {
  await vi.waitFor(
    async () => {
      for (const id of ids) expect((await villageRequest(id))?.actionIds.length).toBeGreaterThan(0);
    },
    { timeout: 30_000, interval: 200 },
  );
}

/** The calls one reconciliation makes, by command name. */
async function callsOf<T>(work: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const calls: string[] = [];
  const named = (command: unknown) => calls.push((command as object).constructor.name);
  const dbSend = db().send.bind(db());
  const sfnSend = sfn().send.bind(sfn());
  const spies = [
    vi.spyOn(db(), "send").mockImplementation(((command: unknown) => {
      named(command);
      return dbSend(command as never);
    }) as typeof dbSend),
    vi.spyOn(sfn(), "send").mockImplementation(((command: unknown) => {
      named(command);
      return sfnSend(command as never);
    }) as typeof sfnSend),
  ];
  try {
    return { result: await work(), calls };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe("the reconciler reads only the exceptions", () => {
  let ids: string[] = [];

  beforeAll(async () => {
    ids = [];
    for (let n = 0; n < OPEN_REGISTRATIONS; n++) ids.push(await register());
    await waitingOnVillage(ids);
    // Every start cleared its marker: nothing to do, and finding that out is one query.
    const idle = await callsOf(() => reconcileRegistrations());
    expect(idle.result).toEqual({ running: 0, started: 0, restarted: 0, closed: 0, failed: 0 });
    expect(idle.calls).toEqual(["QueryCommand"]);
  }, 120_000);

  it("restarts a FAILED and an ABORTED execution, and looks at nothing else", async () => {
    const [failing, aborted] = ids as [string, string];
    // A task fails past its retries: the execution FAILS.
    const request = await villageRequest(failing);
    const action = await getAction(request?.actionIds[0] as string);
    const abortedAction = await getAction((await villageRequest(aborted))?.actionIds[0] as string);
    const mailedBefore = outbox().list().length;
    await stack.client.send(
      new SendTaskFailureCommand({ taskToken: action?.taskToken as string, error: "Boom", cause: "test" }),
    );
    // Stopped by hand: ABORTED.
    await stack.client.send(new StopExecutionCommand({ executionArn: arnOf(await registration(aborted)) }));
    // Their status-change events mark both for restart with the next attempt.
    await vi.waitFor(
      async () => {
        expect((await registration(failing)).workflowAttempt).toBe(2);
        expect((await registration(aborted)).workflowAttempt).toBe(2);
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(await statusOf({ ...(await registration(failing)), workflowAttempt: 1 })).toBe("FAILED");

    const { result, calls } = await callsOf(() => reconcileRegistrations());

    expect(result).toEqual({ running: 0, started: 0, restarted: 2, closed: 0, failed: 0 });
    // Per exception: load it, its request and trail, start it, clear its marker — never a look at
    // the other open registrations' executions.
    expect(calls.filter((c) => c === "DescribeExecutionCommand")).toEqual([]);
    expect(calls.filter((c) => c === "StartExecutionCommand")).toHaveLength(2);
    expect(calls.length).toBeLessThan(OPEN_REGISTRATIONS);
    for (const id of [failing, aborted]) expect(await statusOf(await registration(id))).toBe("RUNNING");
    // Resumed where it stood: the same links re-bound to the new execution, nobody mailed again.
    // (Both, before counting calls again: the restarted executions' tasks share this process's client.)
    for (const before of [action, abortedAction]) {
      await vi.waitFor(
        async () => expect((await getAction(before?.id as string))?.taskToken).not.toBe(before?.taskToken),
        { timeout: 15_000, interval: 100 },
      );
    }
    expect(outbox().list()).toHaveLength(mailedBefore);

    // Done: the next run finds nothing — one query of the index, no look at any execution. (Only
    // the reconciler's own calls count: the restarted executions' tasks share this process's client.)
    const again = await callsOf(() => reconcileRegistrations());
    expect(again.result).toEqual({ running: 0, started: 0, restarted: 0, closed: 0, failed: 0 });
    expect(again.calls.filter((c) => c === "QueryCommand")).toHaveLength(1);
    expect(again.calls.filter((c) => c.includes("Execution"))).toEqual([]);
  });

  it("restarts an execution that ended in its Parked state, once however often the event comes", async () => {
    const parked = ids[2] as string;
    const before = await registration(parked);
    const event: ExecutionStatusChange = {
      version: "0",
      id: "6e4b2a8e-0000-4000-8000-000000000000",
      "detail-type": "Step Functions Execution Status Change",
      source: "aws.states",
      account: "000000000000",
      time: new Date().toISOString(),
      region: "ap-southeast-3",
      resources: [arnOf(before)],
      detail: {
        executionArn: arnOf(before),
        stateMachineArn: stateMachineArn("recruitment"),
        name: executionName(before),
        status: "SUCCEEDED",
        startDate: Date.now() - 1000,
        stopDate: Date.now(),
        input: "{}",
        output: JSON.stringify({ parked: true }),
      },
    };
    expect(await handleWorkflowEvent(event)).toBe(true);
    // EventBridge delivers at least once: a repeat names an attempt that is no longer current.
    expect(await handleWorkflowEvent(event)).toBe(false);
    expect((await registration(parked)).workflowAttempt).toBe(2);
    // Another workflow's executions are not ours to restart.
    expect(
      await handleWorkflowEvent({
        ...event,
        detail: { ...event.detail, stateMachineArn: stateMachineArn("system-check") },
      }),
    ).toBe(false);

    expect((await reconcileRegistrations()).restarted).toBe(1);
    expect(await statusOf(await registration(parked))).toBe("RUNNING");
  });

  it("keeps nothing in the start-pending index once every exception is handled", async () => {
    const { Items } = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi3",
        KeyConditionExpression: "gsi3pk = :pk",
        ExpressionAttributeValues: { ":pk": executionKeys.startPendingPartition("recruitment") },
      }),
    );
    expect(Items ?? []).toEqual([]);
  });
});
