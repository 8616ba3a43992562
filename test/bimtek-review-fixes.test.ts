/**
 * Review findings of the Bimtek workflows, each on DynamoDB Local and the local engine with a fake
 * clock: sessions and offers resume after the local engine lost its executions; a reschedule
 * racing the reconciler; an accept at the offer's deadline; certificates asked before the end; a
 * training answer owed to a wait not yet recorded; a missed day enrolling again; the organisers
 * mailed once however often asked; the reminder when no attendance was saved.
 */
import type { AddressInfo } from "node:net";
import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { getCurrentRequest } from "@sigap/core/action/repository";
import { recordAttendance, requestAttendance } from "@sigap/core/bimtek/attendance";
import { issueCertificates } from "@sigap/core/bimtek/certificates";
import { cancelEnrolment, getEnrolment } from "@sigap/core/bimtek/enrolment";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import { ENROLMENT_SUBJECT, OFFER_STEP } from "@sigap/core/bimtek/model";
import { answerOffer, offerLapsed } from "@sigap/core/bimtek/offer";
import { runEvent } from "@sigap/core/bimtek/session-events";
import { getSession, rescheduleSession } from "@sigap/core/bimtek/sessions";
import { offerReconciler, sessionReconciler, supersedeSessionWorkflow } from "@sigap/core/bimtek/workflow";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { awaitTraining } from "@sigap/core/registration/recruitment";
import { getRegistration } from "@sigap/core/registration/repository";
import { stateMachineArn } from "@sigap/core/resources";
import { reconcileWorkflows, recoverWorkflows } from "@sigap/core/workflow/reconcilers";
import { createApp } from "@sigap/functions/api/app";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedDirectoryIfEmpty } from "../packages/local/src/seed";
import { LocalStepFunctions } from "../packages/local/src/sfn/engine";
import { serveStepFunctions } from "../packages/local/src/sfn/server";
import { localLambdas, localStatusChangeHandler, registerWorkflows } from "../packages/local/src/workflows";
import { candidate, DAY, enrolled, GARUT_OFFICER, mailTo, scheduledSession } from "./support/bimtek";
import { pump, until, useFakeWorkflowClock } from "./support/fake-clock";
import { startTestStepFunctions, type TestStepFunctions } from "./support/step-functions";

process.env.AWS_CONNECT_TIMEOUT_MS = "0";
process.env.AWS_REQUEST_TIMEOUT_MS = "0";

/** The stack as `npm start` runs it; its engine can be lost (a killed process emits no events). */
let stack: TestStepFunctions;
let engineAlive = true;
const app = createApp();
beforeAll(async () => {
  const handler = await localStatusChangeHandler();
  stack = await startTestStepFunctions(await localLambdas(), (event) =>
    engineAlive ? handler(event) : Promise.resolve(),
  );
  registerWorkflows(stack.engine);
  await seedDirectoryIfEmpty();
});
afterAll(() => stack.close());
useFakeWorkflowClock();

/** The process dies: its executions with it, silently; a new engine starts empty on the same port. */
async function loseEngine(): Promise<void> {
  engineAlive = false;
  for (const workflow of ["bimtek-session", "bimtek-offer", "recruitment"]) {
    const { executions } = stack.engine.listExecutions({ stateMachineArn: stateMachineArn(workflow) }) as {
      executions: { executionArn: string; status: string }[];
    };
    for (const e of executions) {
      if (e.status === "RUNNING") stack.engine.stopExecution({ executionArn: e.executionArn });
    }
  }
  await pump(vi.advanceTimersByTimeAsync(100));
  await pump(stack.engine.statusChangesHandled());
  const port = (stack.server.address() as AddressInfo).port;
  stack.server.close();
  stack.server.closeAllConnections();
  const handler = await localStatusChangeHandler();
  const engine = new LocalStepFunctions({
    region: "ap-southeast-3",
    accountId: "000000000000",
    resolveLambda: (arn) => lambdas.get(arn),
    onStatusChange: handler,
  });
  registerWorkflows(engine);
  const { server } = await serveStepFunctions(engine, port);
  stack = { ...stack, engine, server };
  engineAlive = true;
}
let lambdas: Awaited<ReturnType<typeof localLambdas>>;
beforeAll(async () => {
  lambdas = await localLambdas();
});

const advance = async (ms: number) => {
  await pump(vi.advanceTimersByTimeAsync(ms));
  await pump(stack.engine.statusChangesHandled());
};
const executionStatus = async (workflow: string, name: string) =>
  (
    await pump(
      stack.client
        .send(
          new DescribeExecutionCommand({
            executionArn: stateMachineArn(workflow)
              .replace(":stateMachine:", ":execution:")
              .concat(`:${name}`),
          }),
        )
        .catch(() => undefined),
    )
  )?.status;

let serial = 900;
const person = () => candidate(app, ++serial);
const statusOf = async (id: string) => (await pump(getEnrolment(id)))?.status;

/** A session of one seat, the first enrolled cancelled: the second is offered the seat, its wait recorded. */
async function offered(): Promise<{ seat: string; sessionId: string }> {
  const [first, second] = [await person(), await person()];
  const s = await scheduledSession(10 * DAY, 1);
  const gone = await enrolled(s, first);
  const waits = await enrolled(s, second);
  await pump(cancelEnrolment(gone.id));
  const { offerFreedSeats } = await import("@sigap/core/bimtek/session-events");
  await pump(offerFreedSeats(s.id));
  await until(
    async () =>
      (await getCurrentRequest({ subjectType: ENROLMENT_SUBJECT, subjectId: waits.id, step: OFFER_STEP }))
        ?.actionIds.length || undefined,
    "the offer's wait",
  );
  return { seat: waits.id, sessionId: s.id };
}

describe("Bimtek review fixes", () => {
  it("a lost engine: recoverWorkflows resumes every open session and offer", async () => {
    const s = await scheduledSession(10 * DAY, 5);
    const participant = await person();
    await enrolled(s, participant);
    const offer = await offered();
    await loseEngine();
    const sessionRun = sessionReconciler.executionName((await pump(getSession(s.id))) as never);
    expect(await executionStatus("bimtek-session", sessionRun)).toBeUndefined();

    const counts = await pump(recoverWorkflows());
    expect(counts["bimtek-session"]?.started).toBeGreaterThanOrEqual(2);
    expect(counts["bimtek-offer"]?.started).toBeGreaterThanOrEqual(1);
    expect(await executionStatus("bimtek-session", sessionRun)).toBe("RUNNING");
    const offerRun = offerReconciler.executionName((await pump(getEnrolment(offer.seat))) as never);
    expect(await executionStatus("bimtek-offer", offerRun)).toBe("RUNNING");
    // The resumed timeline still reminds at H-7.
    await advance(3 * DAY + 60_000);
    await until(
      () => mailTo(participant.email, `Pengingat Bimtek dasar: ${s.title}`).length === 1 || undefined,
      "the H-7 reminder after the recovery",
    );
  });

  it("a reschedule racing the reconciler's restart takes the next attempt; the new schedule is carried", async () => {
    const s = await scheduledSession(10 * DAY, 5);
    const participant = await person();
    await enrolled(s, participant);
    // Between the reschedule's read and its write the execution fails and the reconciler restarts it.
    const client = db();
    const send = client.send.bind(client);
    let raced = false;
    const spy = vi.spyOn(client, "send").mockImplementation((async (command: unknown) => {
      // Only the reschedule's own write (the participant's recruitment workflow writes in the background).
      const update =
        command instanceof TransactWriteCommand ? command.input.TransactItems?.[0]?.Update : undefined;
      const isReschedule =
        update?.Key?.pk === bimtekKeys.session(s.id).pk &&
        update.ExpressionAttributeNames?.["#version"] !== undefined;
      if (!raced && isReschedule) {
        raced = true;
        await sessionReconciler.stop((await getSession(s.id)) as never, "failed");
        // The stopped execution's status-change event marks the next attempt; on a loaded machine
        // it may land after the first look, so wait for the mark itself.
        await until(async () => {
          await stack.engine.statusChangesHandled();
          return (await getSession(s.id))?.workflowAttempt === 2 || undefined;
        }, "the stopped execution's restart mark");
        await reconcileWorkflows();
      }
      return send(command as never);
    }) as never);
    try {
      const moved = await pump(
        rescheduleSession(GARUT_OFFICER, s.id, {
          startsAt: new Date(Date.now() + 20 * DAY).toISOString(),
          endsAt: new Date(Date.now() + 21 * DAY).toISOString(),
        }),
      );
      spy.mockRestore();
      expect(raced).toBe(true);
      expect(moved.workflowAttempt).toBe(3);
      await pump(supersedeSessionWorkflow(moved));
    } finally {
      spy.mockRestore();
    }
    const name = (attempt: number) => sessionReconciler.executionName({ ...s, workflowAttempt: attempt });
    expect(await executionStatus("bimtek-session", name(2))).toBe("ABORTED");
    expect(await executionStatus("bimtek-session", name(3))).toBe("RUNNING");
    await advance(1000);
    await until(
      () => mailTo(participant.email, `Jadwal Bimtek dasar diubah: ${s.title}`).length === 1 || undefined,
      "the reschedule notice",
    );
  });

  it("an accept at the offer's deadline: the lapse closes the request first; the answer says so", async () => {
    const lapsedFirst = await offered();
    await pump(offerLapsed(lapsedFirst.seat));
    const late = await pump(answerOffer(lapsedFirst.seat, "accept"));
    expect(late.outcome).toBe("lapsed");
    expect(await statusOf(lapsedFirst.seat)).toBe("lapsed");

    const answeredFirst = await offered();
    expect((await pump(answerOffer(answeredFirst.seat, "accept"))).outcome).toBe("recorded");
    await pump(offerLapsed(answeredFirst.seat));
    expect(await statusOf(answeredFirst.seat)).toBe("confirmed");

    // At the same instant: whatever wins, the participant is told what happened.
    const both = await offered();
    const [, answer] = await pump(Promise.all([offerLapsed(both.seat), answerOffer(both.seat, "accept")]));
    await until(async () => ((await statusOf(both.seat)) !== "offered" ? true : undefined), "the outcome");
    expect(await statusOf(both.seat)).toBe(answer.outcome === "lapsed" ? "lapsed" : "confirmed");
  });

  it("certificates asked before the end are not done: the timeline issues them later", async () => {
    const s = await scheduledSession(DAY, 5);
    const ran = await pump(runEvent({ sessionId: s.id, attempt: 1, event: "certificates", version: 1 }));
    expect(ran.ran).toBe(false);
    expect((await pump(getSession(s.id)))?.eventsDone ?? []).not.toContain("certificates@1");
  });

  it("a training answer owed to a wait not yet recorded fails nobody; the wait answers itself; a missed day enrols again", async () => {
    const s = await scheduledSession(3600_000, 5);
    const [came, missed] = [await person(), await person()];
    const cameSeat = await enrolled(s, came);
    const missedSeat = await enrolled(s, missed);
    await advance(DAY + 10 * 3600_000);
    await pump(
      recordAttendance(
        s.id,
        [
          { enrollmentId: cameSeat.id, days: [1, 2] },
          { enrollmentId: missedSeat.id, days: [1] },
        ],
        { kind: "staff", email: GARUT_OFFICER.email },
      ),
    );
    // Neither registration's recruitment waits for its training yet (still before that step).
    const issued = await pump(issueCertificates(s));
    expect(issued).toEqual({ completed: 1, incomplete: 1 });
    expect(await statusOf(cameSeat.id)).toBe("completed");
    const owed = await pump(getRegistration(came.registrationId));
    expect(owed?.owedTraining?.note).toContain("Sertifikat");

    // The wait, once recorded, answers itself with the owed completion.
    await pump(awaitTraining({ registrationId: came.registrationId, taskToken: `AQ${"x".repeat(90)}` }));
    const request = await pump(
      getCurrentRequest({
        subjectType: "registration",
        subjectId: came.registrationId,
        step: "basic-training",
      }),
    );
    expect(request?.decidedActionId).toBeDefined();

    // Who missed a day is free to enrol in the next session.
    const next = await scheduledSession(10 * DAY, 5);
    const again = await pump(
      app.request(`/v1/bimtek/${next.id}/enrollments`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ registrationId: missed.registrationId, receiptCode: missed.receiptCode }),
      }),
    );
    expect(again.status).toBe(201);
  });

  it("asked twice at once, each organiser gets the attendance link once", async () => {
    const s = await scheduledSession(3600_000, 5);
    await advance(DAY + 10 * 3600_000);
    const before = mailTo(GARUT_OFFICER.email, `Isi daftar hadir: ${s.title}`).length;
    // One of the two may find the other's claim still fresh: it reports MailDeliveryFailed (its
    // task is retried), never a second email.
    const runs = await pump(Promise.allSettled([requestAttendance(s), requestAttendance(s)]));
    for (const run of runs) {
      if (run.status === "rejected") expect(run.reason).toMatchObject({ name: "MailDeliveryFailed" });
    }
    await pump(requestAttendance(s));
    expect(mailTo(GARUT_OFFICER.email, `Isi daftar hadir: ${s.title}`).length - before).toBe(1);
  });

  it("reminds the organisers halfway to the certificates when no attendance was saved, and only then", async () => {
    const empty = await scheduledSession(3600_000, 5);
    const kept = await scheduledSession(3600_000, 5);
    const [a, b] = [await person(), await person()];
    await enrolled(empty, a);
    const seat = await enrolled(kept, b);
    await advance(DAY + 10 * 3600_000);
    await pump(
      recordAttendance(kept.id, [{ enrollmentId: seat.id, days: [] }], {
        kind: "staff",
        email: GARUT_OFFICER.email,
      }),
    );
    const reminder = (title: string) =>
      mailTo(GARUT_OFFICER.email, `Pengingat: daftar hadir belum diisi: ${title}`);
    await advance(1.6 * DAY);
    await until(() => reminder(empty.title).length === 1 || undefined, "the attendance reminder");
    expect(reminder(kept.title)).toHaveLength(0);
    // Each organiser (the region's duty and the creator) once; nothing about the session with a sheet.
    const reminders = outbox()
      .list()
      .filter((m) => m.subject.includes("Pengingat: daftar hadir"));
    expect(reminders.filter((m) => m.subject.includes(kept.title))).toHaveLength(0);
    expect(new Set(reminders.map((m) => m.to.join())).size).toBe(reminders.length);
  });
});
