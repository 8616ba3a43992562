/** The scheduler's job reports failed executions of our workflows to the operator, once. */
import type { Server } from "node:http";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { outbox } from "@sigap/core/mail/outbox";
import { workflowArns } from "@sigap/core/resources";
import { SCHEDULE_INTERVAL_MINUTES } from "@sigap/core/system/schedule";
import { handler } from "@sigap/functions/cron/scheduled";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { LocalStepFunctions } from "../packages/local/src/sfn/engine";
import { serveStepFunctions } from "../packages/local/src/sfn/server";

let server: Server;
let client: SFNClient;

beforeAll(async () => {
  const engine = new LocalStepFunctions({
    region: "ap-southeast-3",
    accountId: "000000000000",
    resolveLambda: () => undefined,
  });
  // Stand in for the system-check machine under its linked name, with a definition that fails.
  const arn = workflowArns()["system-check"] as string;
  engine.createStateMachine({
    name: arn.split(":").pop() as string,
    definition: JSON.stringify({
      StartAt: "Boom",
      States: { Boom: { Type: "Fail", Error: "Broken", Cause: "test" } },
    }),
  });
  const served = await serveStepFunctions(engine, 0);
  server = served.server;
  process.env.AWS_ENDPOINT_URL_SFN = served.url;
  client = new SFNClient({ endpoint: served.url });
});
afterAll(() => {
  client.destroy();
  server.close();
});

describe("scheduled jobs", () => {
  it("emails the operator the executions that failed in the last interval, and not again later", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-11-22T03:00:00Z") });
    try {
      const { executionArn } = await client.send(
        new StartExecutionCommand({ stateMachineArn: workflowArns()["system-check"], name: "reg-123" }),
      );
      await vi.waitFor(async () =>
        expect((await client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe("FAILED"),
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
