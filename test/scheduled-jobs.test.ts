/** The scheduler's job reports failed executions of our workflows to the operator, once. */
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { outbox } from "@sigap/core/mail/outbox";
import { workflowArns } from "@sigap/core/resources";
import { type ScheduledJob, scheduledJobs } from "@sigap/core/system/jobs";
import {
  describeSchedule,
  nextRun,
  SCHEDULE_INTERVAL_MINUTES,
  scheduleExpression,
} from "@sigap/core/system/schedule";
import { TIME_ZONES } from "@sigap/core/time";
import { handler } from "@sigap/functions/cron/scheduled";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startJobTimers } from "../packages/local/src/scheduler";
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

describe("a schedule per job", () => {
  it("keeps the reconciler and the failed-execution report on their 15-minute interval", () => {
    const names = scheduledJobs.map((job) => job.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ["reconcile-workflows", "report-failed-executions"]) {
      expect(scheduledJobs.find((job) => job.name === name)?.schedule).toEqual({ every: 15 });
    }
  });

  it("writes each schedule as EventBridge Scheduler reads it, a daily time in its zone's own time", () => {
    expect(scheduleExpression({ every: 15 })).toEqual({ expression: "rate(15 minutes)" });
    expect(scheduleExpression({ every: 1 })).toEqual({ expression: "rate(1 minute)" });
    expect(scheduleExpression({ dailyAt: "07:00", zone: "WIB" })).toEqual({
      expression: "cron(0 7 * * ? *)",
      timezone: "Asia/Jakarta",
    });
    expect(scheduleExpression({ dailyAt: "06:45", zone: "WIT" })).toEqual({
      expression: "cron(45 6 * * ? *)",
      timezone: "Asia/Jayapura",
    });
    expect(describeSchedule({ dailyAt: "07:00", zone: "WITA" })).toBe("daily 07:00 WITA");
    expect(nextRun({ every: 15 }, new Date("2026-11-22T03:00:00Z")).toISOString()).toBe(
      "2026-11-22T03:15:00.000Z",
    );
  });

  it("runs locally each job at its own times: every 15 minutes, and 07:00 once a day in each zone", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-22T12:00:00Z") });
    const runs = new Map<string, string[]>();
    const job = (name: string, schedule: ScheduledJob["schedule"]): ScheduledJob => ({
      name,
      schedule,
      run: async () => {
        runs.set(name, [...(runs.get(name) ?? []), new Date().toISOString()]);
        if (name === "flaky") throw new Error("boom");
      },
    });
    const failures: string[] = [];
    const stop = startJobTimers(
      [
        job("frequent", { every: 15 }),
        job("flaky", { every: 60 }),
        ...TIME_ZONES.map((zone) => job(`digest-${zone}`, { dailyAt: "07:00", zone })),
      ],
      (name) => failures.push(name),
    );
    try {
      await vi.advanceTimersByTimeAsync(24 * 3600_000);
      expect(runs.get("frequent")).toHaveLength(96);
      expect(runs.get("frequent")?.[0]).toBe("2026-11-22T12:15:00.000Z");
      // A job that fails keeps its schedule.
      expect(runs.get("flaky")).toHaveLength(24);
      expect(failures).toHaveLength(24);
      // 07:00 WIB = 00:00 UTC, 07:00 WITA = 23:00 UTC the day before, 07:00 WIT = 22:00 UTC.
      expect(runs.get("digest-WIB")).toEqual(["2026-11-23T00:00:00.000Z"]);
      expect(runs.get("digest-WITA")).toEqual(["2026-11-22T23:00:00.000Z"]);
      expect(runs.get("digest-WIT")).toEqual(["2026-11-22T22:00:00.000Z"]);
      await vi.advanceTimersByTimeAsync(24 * 3600_000);
      expect(runs.get("digest-WIB")).toEqual(["2026-11-23T00:00:00.000Z", "2026-11-24T00:00:00.000Z"]);
    } finally {
      stop();
      vi.useRealTimers();
    }
    // Stopped: nothing runs any more.
    const before = runs.get("frequent")?.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs.get("frequent")?.length).toBe(before);
  });

  it("runs only the job its schedule names, and fails on a name no job has", async () => {
    const calls: string[] = [];
    const original = scheduledJobs.map((job) => job.run);
    for (const job of scheduledJobs) job.run = async () => void calls.push(job.name);
    try {
      await handler({ job: "report-failed-executions" });
      expect(calls).toEqual(["report-failed-executions"]);
      await expect(handler({ job: "no-such-job" })).rejects.toThrow("no-such-job");
      expect(calls).toEqual(["report-failed-executions"]);
    } finally {
      scheduledJobs.forEach((job, index) => {
        job.run = original[index] as ScheduledJob["run"];
      });
    }
  });
});

async function findMail() {
  return outbox()
    .list()
    .filter((m) => m.subject.includes("alur kerja gagal"));
}
