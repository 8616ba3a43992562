/**
 * How many DynamoDB calls one keyed registration costs, from the POST to the village head's email
 * (the target: at most 5, with one approver listed and warm caches). A count, not a time:
 * the in-process stack (API, local engine, real task handlers) on this file's own table.
 */
import { putApprovers, resolveDuty } from "@sigap/core/staff/directory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countDynamoDbCalls } from "../packages/local/src/dynamodb-calls";
import { type AppStack, startAppStack } from "./support/app-stack";
import { callsToVillageHeadEmail } from "./support/submission-calls";

const MAX_CALLS = 5;

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

describe("the directory cache", () => {
  it("answers a repeated lookup without reading, and reads again after a change in this process", async () => {
    const counter = countDynamoDbCalls();
    const first = await resolveDuty("32.05.22.2001", "village", "approver");
    const reads = counter.calls.length;
    expect(await resolveDuty("32.05.22.2001", "village", "approver")).toEqual(first);
    expect(counter.calls.length).toBe(reads);

    const replacement = { name: "Kepala Desa Pengganti", email: "pengganti@garutkab.example.go.id" };
    await putApprovers("32.05.22.2001", [replacement], "test");
    counter.reset();
    expect((await resolveDuty("32.05.22.2001", "village", "approver"))?.people).toEqual([replacement]);
    expect(counter.calls.length).toBeGreaterThan(0);
    counter.stop();
    if (first) await putApprovers("32.05.22.2001", first.people, "test");
  });
});

describe("DynamoDB calls per registration", () => {
  it(`reaches the village head's email in at most ${MAX_CALLS} calls (warm caches, one approver)`, async () => {
    const { calls, lines } = await callsToVillageHeadEmail(stack);
    console.log(
      `DynamoDB calls from POST /v1/registrations to the village head's email: ${calls.length}\n${lines.join("\n")}`,
    );
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThanOrEqual(MAX_CALLS);
  });
});
