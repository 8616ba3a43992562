/** The scheduler's job reports failed executions of our workflows to the operator, once. */
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { outbox } from "@sigap/core/mail/outbox";
import { workflowArns } from "@sigap/core/resources";
import { SCHEDULE_INTERVAL_MINUTES } from "@sigap/core/system/schedule";
import { handler } from "@sigap/functions/cron/scheduled";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestStepFunctions, type TestStepFunctions } from "./support/step-functions";

let stepFunctions: TestStepFunctions;

beforeAll(async () => {
  stepFunctions = await startTestStepFunctions();
  // Every linked workflow exists, as in production; the system check's stand-in fails.
  for (const [workflow, arn] of Object.entries(workflowArns())) {
    const failing = { StartAt: "Boom", States: { Boom: { Type: "Fail", Error: "Broken", Cause: "test" } } };
    const quiet = { StartAt: "Done", States: { Done: { Type: "Succeed" } } };
    stepFunctions.engine.createStateMachine({
      name: arn.split(":").pop() as string,
      definition: JSON.stringify(workflow === "system-check" ? failing : quiet),
    });
  }
});
afterAll(() => stepFunctions.close());

describe("scheduled jobs", () => {
  it("emails the operator the executions that failed in the last interval, and not again later", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-11-22T03:00:00Z") });
    try {
      const { executionArn } = await stepFunctions.client.send(
        new StartExecutionCommand({ stateMachineArn: workflowArns()["system-check"], name: "reg-123" }),
      );
      await vi.waitFor(async () =>
        expect((await stepFunctions.client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe(
          "FAILED",
        ),
      );
      expect(await findMail()).toEqual([]);
      await handler();
      const [report, ...rest] = await findMail();
      expect(rest).toEqual([]);
      expect(report?.subject).toBe("SIGAP: 1 alur kerja gagal");
      expect(report?.to).toEqual(["operator@sigap.local"]);
      expect(report?.text).toContain("system-check / reg-123: gagal, 22 November 2026 10.00 WIB");

      // The next run covers a later window: the same failure is not reported twice.
      vi.setSystemTime(new Date(Date.now() + (SCHEDULE_INTERVAL_MINUTES + 1) * 60_000));
      await handler();
      expect(await findMail()).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

async function findMail() {
  return outbox()
    .list()
    .filter((m) => m.subject.includes("alur kerja gagal"));
}
