/**
 * Escalation that makes sense, on recruitment — the real state machine on the local engine, the
 * real task handlers, DynamoDB Local, the API app, fake timers standing in for days: an empty level
 * is skipped, nobody is mailed "escalated to you" for a request they hold, a decided step gets no
 * reminder, the top level is not reminded forever, and the Bimtek dasar wait is answered through
 * the action table.
 */
import { DescribeExecutionCommand, SendTaskSuccessCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { getAction, getCurrentRequest } from "@sigap/core/action/repository";
import { settings } from "@sigap/core/config/settings";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import type { Registration } from "@sigap/core/registration/model";
import { getRegistration, listEvents } from "@sigap/core/registration/repository";
import { executionName, reconcileRegistrations } from "@sigap/core/registration/workflow";
import { stateMachineArn } from "@sigap/core/resources";
import { putApprovers } from "@sigap/core/staff/directory";
import { sfn } from "@sigap/core/workflow/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { actionLink, path, pump, until, useFakeWorkflowClock } from "./support/fake-clock";
import { staffToken } from "./support/staff-token";

// A jump of days on the fake clock would fire every in-flight SDK request's timeout (the SDK's
// timers are faked too); this file tests the workflow, test/dependency-failures.test.ts the limits.
process.env.AWS_CONNECT_TIMEOUT_MS = "0";
process.env.AWS_REQUEST_TIMEOUT_MS = "0";

const DAY = 24 * 3600 * 1000;
const KADES_CIKAJANG = "kades.cikajang@garutkab.example.go.id";
const DINSOS_GARUT = "psm@dinsos.garutkab.example.go.id";

let stack: AppStack;
beforeAll(async () => {
  // Read only now: had anything read the settings while importing, the limits above would not apply.
  expect(settings().aws.requestTimeoutMs).toBe(0);
  stack = await startAppStack();
});
afterAll(() => stack.close());

useFakeWorkflowClock();

let serial = 700;
async function register(overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  serial += 1;
  const name = `Pendaftar Uji ${serial}`;
  const response = await pump(
    stack.app.request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        ...validRegistration,
        nik: `320501550795${String(serial).padStart(4, "0")}`,
        fullName: name,
        email: `pendaftar${serial}@example.com`,
        ...overrides,
      }),
    }),
  );
  expect(response.status).toBe(202);
  return { id: ((await response.json()) as { id: string }).id, name };
}

/** Mail about this applicant, oldest first. */
const mailAbout = (name: string, to?: string) =>
  outbox()
    .list()
    .reverse()
    .filter((m) => m.subject.includes(name) && (!to || m.to.includes(to)));

const open = (link: string) => pump(stack.app.request(path(link)));
const decide = (link: string, fields: Record<string, string>) =>
  pump(
    stack.app.request(path(link), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    }),
  );

const registration = (id: string) => pump(getRegistration(id)) as Promise<Registration>;
const statusOf = (id: string) => async () => (await registration(id)).status;
const stageIs = (id: string, stage: Registration["stage"]) => async () =>
  (await registration(id)).stage === stage;
const actionIdOf = (link: string) => path(link).split("/").pop() as string;

async function completeTraining(id: string): Promise<void> {
  const response = await pump(
    stack.app.request(`/v1/staff/registrations/${id}/training-completions`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await staffToken("district", "32.05")}`,
      },
      body: JSON.stringify({ completedAt: "2026-11-20", note: "Angkatan 1" }),
    }),
  );
  expect(response.status).toBe(202);
}

const PROVINCE = "dinsos.prov@jabarprov.example.go.id";
const executionArnOf = (r: Registration) =>
  stateMachineArn("recruitment")
    .replace(":stateMachine:", ":execution:")
    .concat(`:${executionName(r)}`);
const loseExecution = async (id: string) =>
  pump(
    stack.client.send(
      new StopExecutionCommand({ executionArn: executionArnOf(await registration(id)), error: "Lost" }),
    ),
  );
const villageRequest = (id: string) =>
  getCurrentRequest({ subjectType: "registration", subjectId: id, step: "village-recommendation" });

/** Lets each timeout's work (an ask, a resolve) finish before the clock moves on. */
async function advanceDays(days: number, settled: () => Promise<boolean>, what: string) {
  await vi.advanceTimersByTimeAsync(days * DAY);
  await until(async () => (await settled()) || undefined, what);
}

describe("escalation that makes sense", () => {
  it("skips a village with nobody listed: the district is asked once, then the province, never the district again", async () => {
    const { id, name } = await register({ villageCode: "32.05.22.2002" });
    const first = await until(() => mailAbout(name, DINSOS_GARUT)[0], "the request to the district");
    expect(first.text).toContain("Belum ada penyetuju terdaftar");
    expect((await registration(id)).flags).toContain("approver-missing:village");
    expect(await pump(villageRequest(id))).toMatchObject({ approval: { level: "district", reminders: 0 } });
    for (const n of [1, 2]) {
      await vi.advanceTimersByTimeAsync(3 * DAY);
      const reminder = await until(() => mailAbout(name, DINSOS_GARUT)[n], `district reminder ${n}`);
      expect(reminder.subject).toContain(`Pengingat ke-${n}`);
    }
    await vi.advanceTimersByTimeAsync(3 * DAY);
    const escalated = await until(() => mailAbout(name, PROVINCE)[0], "the escalation to the province");
    expect(escalated.subject).toContain("Dialihkan kepada Anda");
    // The district officer held the request all along: three emails (ask, two reminders), no "escalated".
    expect(mailAbout(name, DINSOS_GARUT)).toHaveLength(3);
    expect(mailAbout(name, DINSOS_GARUT).filter((m) => m.subject.includes("Dialihkan"))).toHaveLength(0);
    expect((await decide(actionLink(escalated), { decision: "recommend" })).status).toBe(200);
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
  });

  it("keeps the link of an officer who already holds the request when it escalates to them, without a new email", async () => {
    // The district officer also answers for this village.
    await pump(putApprovers("32.05.22.2004", [{ name: "Dinsos Garut", email: DINSOS_GARUT }], "test"));
    const { id, name } = await register({ villageCode: "32.05.22.2004" });
    await until(() => mailAbout(name, DINSOS_GARUT)[0], "the request");
    for (const n of [1, 2]) {
      await vi.advanceTimersByTimeAsync(3 * DAY);
      await until(() => mailAbout(name, DINSOS_GARUT)[n], `reminder ${n}`);
    }
    const held = actionLink(mailAbout(name, DINSOS_GARUT)[2] as { links: string[] });
    await advanceDays(
      3,
      async () => (await villageRequest(id))?.approval?.level === "district",
      "the escalation to the district",
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(mailAbout(name, DINSOS_GARUT)).toHaveLength(3);
    expect(mailAbout(name, PROVINCE)).toHaveLength(0);
    // The link already in their inbox is re-bound to the escalated ask, with the district's deadline.
    const current = await pump(villageRequest(id));
    expect(current?.actionIds).toEqual([actionIdOf(held)]);
    const action = await pump(getAction(actionIdOf(held)));
    expect(action).toMatchObject({ status: "pending", level: "district", onBehalf: true });
    expect(new Date(action?.validUntil ?? 0).getTime()).toBeGreaterThan(Date.now() + 2 * DAY);
    expect((await open(held)).status).toBe(200);
    expect((await decide(held, { decision: "recommend" })).status).toBe(200);
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
    const events = (await pump(listEvents(id))).map((e) => e.event);
    expect(events).toEqual([
      "submitted",
      "decision-requested",
      "reminder-sent",
      "reminder-sent",
      "escalated",
      "recommended",
    ]);
  });

  it("sends no reminder for a step decided while Step Functions could not take it: the timeout's ask applies it", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    const send = sfn().send.bind(sfn());
    const spy = vi.spyOn(sfn(), "send").mockImplementation(((command: unknown) => {
      if (command instanceof SendTaskSuccessCommand) return Promise.reject(new Error("connect ECONNREFUSED"));
      return send(command as never);
    }) as typeof send);
    try {
      expect((await decide(actionLink(request), { decision: "recommend" })).status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    await vi.advanceTimersByTimeAsync(3 * DAY);
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
    expect(mailAbout(name, KADES_CIKAJANG)).toHaveLength(1);
    expect((await pump(listEvents(id))).map((e) => e.event)).toEqual([
      "submitted",
      "decision-requested",
      "recommended",
    ]);
  });

  it("stops reminding the province after its reminders: silent rounds on a valid link, then Parked, restarted silently", async () => {
    const { id, name } = await register();
    await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    for (const [to, count] of [
      [KADES_CIKAJANG, 3],
      [DINSOS_GARUT, 3],
      [PROVINCE, 3],
    ] as const) {
      await until(() => mailAbout(name, to)[0], `the first email to ${to}`);
      for (let n = 1; n < count; n++) {
        await vi.advanceTimersByTimeAsync(3 * DAY);
        await until(() => mailAbout(name, to)[n], `reminder ${n} to ${to}`);
      }
      if (to !== PROVINCE) await vi.advanceTimersByTimeAsync(3 * DAY);
    }
    const last = actionLink(mailAbout(name, PROVINCE)[2] as { links: string[] });
    const mailed = outbox().list().length;
    for (let round = 1; round <= 10; round++) {
      await advanceDays(
        3,
        async () => (await villageRequest(id))?.approval?.silentRounds === round,
        `silent round ${round}`,
      );
      // No email in a silent round; the link in the province's inbox keeps working.
      expect(outbox().list()).toHaveLength(mailed);
      expect((await open(last)).status).toBe(200);
    }
    // The execution that parks: named now, since its end marks the registration's next attempt at once.
    const parking = executionArnOf(await registration(id));
    await vi.advanceTimersByTimeAsync(3 * DAY);
    const parked = await until(async () => {
      const execution = await stack.client.send(new DescribeExecutionCommand({ executionArn: parking }));
      return execution.status === "SUCCEEDED" ? execution : undefined;
    }, "the parked execution");
    expect(JSON.parse(parked.output ?? "{}").parked).toEqual({
      step: "village-recommendation",
      level: "province",
    });
    expect(outbox().list()).toHaveLength(mailed);

    // Restarted (the reconciler picks parked items up): it goes on silently, on the same link.
    expect((await pump(reconcileRegistrations())).restarted).toBe(1);
    await until(
      async () =>
        (await getAction(actionIdOf(last)))?.taskToken !== undefined &&
        (await villageRequest(id))?.approval?.silentRounds === 1,
      "the restarted silent round",
    );
    expect(outbox().list()).toHaveLength(mailed);
    expect((await decide(last, { decision: "recommend" })).status).toBe(200);
    await until(async () => (await statusOf(id)()) === "candidate", "candidate status");
  });
});

describe("the Bimtek dasar wait in the action table", () => {
  it("stores a completion whose wait was lost and applies it when the wait is asked again", async () => {
    const { id, name } = await register();
    const request = await until(() => mailAbout(name, KADES_CIKAJANG)[0], "the request");
    await decide(actionLink(request), { decision: "recommend" });
    await until(stageIs(id, "basic-training"), "the training wait");
    await until(
      async () =>
        (await getCurrentRequest({ subjectType: "registration", subjectId: id, step: "basic-training" }))
          ?.actionIds.length,
      "the recorded wait",
    );
    await loseExecution(id);
    await completeTraining(id);
    expect((await registration(id)).stage).toBe("basic-training");
    // A second answer cannot record another completion.
    const again = await pump(
      stack.app.request(`/v1/staff/registrations/${id}/training-completions`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: `Bearer ${await staffToken("district", "32.05")}`,
        },
        body: JSON.stringify({ completedAt: "2026-11-21" }),
      }),
    );
    expect(again.status).toBe(409);

    expect((await pump(reconcileRegistrations())).restarted).toBe(1);
    await until(stageIs(id, "district-verification"), "district verification");
    const events = await pump(listEvents(id));
    const completed = events.find((e) => e.event === "training-completed");
    expect(completed?.note).toContain("2026-11-20");
    expect(completed?.actor).toMatchObject({ kind: "staff", email: expect.any(String), role: "district" });
    // Nobody is emailed about the wait itself, and the registration keeps no task token.
    expect((await registration(id)).trainingTaskToken).toBeUndefined();
    await until(() => mailAbout(name, DINSOS_GARUT)[0], "the verification request");
  });
});
