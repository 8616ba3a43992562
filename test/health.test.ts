/**
 * GET /health under load: 400 parallel requests all see every dependency up, and share a bounded
 * number of probes instead of sending 400 DescribeTable and ListStateMachines calls.
 */
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { ListStateMachinesCommand } from "@aws-sdk/client-sfn";
import { db } from "@sigap/core/db/client";
import { sfn } from "@sigap/core/workflow/client";
import { forgetDependencyStates } from "@sigap/functions/api/health";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

describe("GET /health", () => {
  it("answers 400 parallel requests with 200, probing each dependency at most twice", async () => {
    forgetDependencyStates();
    const dynamodbSend = vi.spyOn(db(), "send");
    const sfnSend = vi.spyOn(sfn(), "send");
    const responses = await Promise.all(Array.from({ length: 400 }, () => stack.app.request("/health")));
    const bodies = await Promise.all(responses.map((r) => r.json()));

    expect(responses.map((r) => r.status)).toEqual(Array(400).fill(200));
    expect(bodies[399]).toMatchObject({
      status: "ok",
      dependencies: { dynamodb: { status: "up" }, stepfunctions: { status: "up" }, mail: { status: "up" } },
    });
    const probes = (spy: typeof dynamodbSend | typeof sfnSend, command: new (...args: never[]) => unknown) =>
      spy.mock.calls.filter(([sent]) => sent instanceof command).length;
    // One probe each, or two if the cache period ended during the burst on a loaded machine.
    expect(probes(dynamodbSend, DescribeTableCommand)).toBeGreaterThanOrEqual(1);
    expect(probes(dynamodbSend, DescribeTableCommand)).toBeLessThanOrEqual(2);
    expect(probes(sfnSend, ListStateMachinesCommand)).toBeGreaterThanOrEqual(1);
    expect(probes(sfnSend, ListStateMachinesCommand)).toBeLessThanOrEqual(2);
    dynamodbSend.mockRestore();
    sfnSend.mockRestore();
  });
});
