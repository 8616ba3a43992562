/**
 * The `bimtek-session` timeline on DynamoDB Local and the local engine, days on a fake clock:
 * reminders at H-7 and H-1 to confirmed participants and speakers (not to who cancelled); a
 * reschedule moves them, tells everyone once, and the stopped attempt is no failure; a
 * cancellation tells everyone once and ends the enrolments; an execution lost mid-timeline is
 * restarted by the reconciler where the record stands, nobody told twice.
 */
import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { cancelEnrolment, getEnrolment } from "@sigap/core/bimtek/enrolment";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import type { BimtekSession } from "@sigap/core/bimtek/model";
import { cancelSession, getSession, rescheduleSession } from "@sigap/core/bimtek/sessions";
import { sessionReconciler, supersedeSessionWorkflow } from "@sigap/core/bimtek/workflow";
import { db } from "@sigap/core/db/client";
import { stateMachineArn, tableName } from "@sigap/core/resources";
import { reconcileWorkflows } from "@sigap/core/workflow/reconcilers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import {
  candidate,
  DAY,
  enrolled,
  GARUT_OFFICER,
  mailTo,
  type Person,
  SPEAKER,
  scheduledSession,
} from "./support/bimtek";
import { pump, until, useFakeWorkflowClock } from "./support/fake-clock";

process.env.AWS_CONNECT_TIMEOUT_MS = "0";
process.env.AWS_REQUEST_TIMEOUT_MS = "0";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());
useFakeWorkflowClock();

let serial = 700;
const people = async (n: number): Promise<Person[]> => {
  const list: Person[] = [];
  for (let i = 0; i < n; i++) list.push(await candidate(stack.app, ++serial));
  return list;
};
const session = async (id: string) => (await pump(getSession(id))) as BimtekSession;
const statusOf = async (s: BimtekSession, attempt: number) =>
  (
    await pump(
      stack.client.send(
        new DescribeExecutionCommand({
          executionArn: stateMachineArn("bimtek-session")
            .replace(":stateMachine:", ":execution:")
            .concat(`:${sessionReconciler.executionName({ ...s, workflowAttempt: attempt })}`),
        }),
      ),
    )
  ).status;
/** Lets the engine run what is due, a little at a time. */
const advance = async (ms: number) => {
  await pump(vi.advanceTimersByTimeAsync(ms));
  await pump(stack.engine.statusChangesHandled());
};

describe("bimtek-session timeline", () => {
  it("a session saved but not started is started by the reconciler, once, and its mark cleared", async () => {
    const s = await scheduledSession(10 * DAY, 5, { start: false });
    expect((await pump(sessionReconciler.reconcile())).started).toBe(1);
    const { Item } = await pump(
      db().send(new GetCommand({ TableName: tableName(), Key: bimtekKeys.session(s.id) })),
    );
    expect(Item?.gsi3pk).toBeUndefined();
    // The next run reads no marker: the reconciler costs the exceptions, not the running sessions.
    expect(await pump(sessionReconciler.reconcile())).toEqual({
      running: 0,
      started: 0,
      restarted: 0,
      closed: 0,
      failed: 0,
    });
  });

  it("reminds confirmed participants and speakers at H-7 and H-1, never who cancelled", async () => {
    const [stays, leaves] = await people(2);
    const s = await scheduledSession(10 * DAY, 10);
    const kept = await enrolled(s, stays as Person);
    const gone = await enrolled(s, leaves as Person);
    await pump(cancelEnrolment(gone.id));
    const reminders = (to: string) => mailTo(to, `Pengingat Bimtek dasar: ${s.title}`);

    // Real I/O nudges the fake clock (pump), so aim at the reminder's own time, not at an offset from now.
    const firstReminderAt = Date.parse(s.startsAt) - 7 * DAY;
    await advance(firstReminderAt - 60_000 - Date.now());
    expect(reminders((stays as Person).email)).toHaveLength(0);
    await advance(120_000);
    await until(() => reminders((stays as Person).email).length === 1 || undefined, "the H-7 reminder");
    await until(() => reminders(SPEAKER).length === 1 || undefined, "the speaker's H-7 reminder");
    expect(reminders((stays as Person).email)[0]?.links.some((l) => l.includes(kept.id))).toBe(true);

    await advance(6 * DAY);
    await until(() => reminders((stays as Person).email).length === 2 || undefined, "the H-1 reminder");
    await until(() => reminders(SPEAKER).length === 2 || undefined, "the speaker's H-1 reminder");
    expect(reminders((leaves as Person).email)).toHaveLength(0);
    const done = await until(
      async () =>
        (await session(s.id)).eventsDone?.includes("reminder-1@1")
          ? (await session(s.id)).eventsDone
          : undefined,
      "the H-1 reminder recorded as done",
    );
    expect(done).toEqual(["reminder-7@1", "close-enrolment@1", "reminder-1@1"]);
  });

  it("a reschedule moves the reminders, tells everyone once, and the stopped attempt is no failure", async () => {
    const [confirmed, waiting] = await people(2);
    const s = await scheduledSession(10 * DAY, 1);
    await enrolled(s, confirmed as Person);
    const waits = await enrolled(s, waiting as Person);
    expect(waits.status).toBe("waitlisted");
    await advance(DAY);

    const moved = await pump(
      rescheduleSession(GARUT_OFFICER, s.id, {
        startsAt: new Date(Date.now() + 20 * DAY).toISOString(),
        endsAt: new Date(Date.now() + 21 * DAY).toISOString(),
      }),
    );
    expect(moved.workflowAttempt).toBe(2);
    await pump(supersedeSessionWorkflow(moved));
    await advance(1000);
    const notice = (to: string) => mailTo(to, `Jadwal Bimtek dasar diubah: ${s.title}`);
    for (const to of [(confirmed as Person).email, (waiting as Person).email, SPEAKER]) {
      await until(() => notice(to).length === 1 || undefined, `the reschedule notice to ${to}`);
    }
    expect(await statusOf(s, 1)).toBe("ABORTED");
    expect(await statusOf(s, 2)).toBe("RUNNING");
    // The aborted execution is an older attempt: not marked, not counted, nothing to reconcile.
    const after = await session(s.id);
    expect(after.workflowAttempt).toBe(2);
    expect(after.workflowFailures ?? 0).toBe(0);
    expect((after as { gsi3pk?: string }).gsi3pk).toBeUndefined();
    expect((await pump(reconcileWorkflows()))["bimtek-session"]).toMatchObject({ restarted: 0, failed: 0 });

    // The old H-7 passes quietly; the new one reminds.
    const reminders = () => mailTo((confirmed as Person).email, `Pengingat Bimtek dasar: ${s.title}`);
    await advance(3 * DAY);
    expect(reminders()).toHaveLength(0);
    await advance(10 * DAY);
    await until(() => reminders().length === 1 || undefined, "the moved H-7 reminder");
    // Told once, even after more reconciliations.
    await pump(reconcileWorkflows());
    expect(notice((confirmed as Person).email)).toHaveLength(1);
  });

  it("a cancellation tells everyone once and ends their enrolments", async () => {
    const [confirmed, waiting] = await people(2);
    const s = await scheduledSession(10 * DAY, 1);
    const seat = await enrolled(s, confirmed as Person);
    const queue = await enrolled(s, waiting as Person);
    const cancelled = await pump(cancelSession(GARUT_OFFICER, s.id, "Gedung tidak tersedia"));
    await pump(supersedeSessionWorkflow(cancelled));
    await advance(1000);
    const told = (to: string) => mailTo(to, `Bimtek dasar dibatalkan: ${s.title}`);
    for (const to of [(confirmed as Person).email, (waiting as Person).email, SPEAKER]) {
      await until(() => told(to).length === 1 || undefined, `the cancellation to ${to}`);
    }
    expect(told((confirmed as Person).email)[0]?.text).toContain("Gedung tidak tersedia");
    await until(
      async () => (await pump(getEnrolment(queue.id)))?.status === "session-cancelled" || undefined,
      "the enrolments ended",
    );
    expect((await pump(getEnrolment(seat.id)))?.status).toBe("session-cancelled");
    await until(async () => (await statusOf(s, 2)) === "SUCCEEDED" || undefined, "the timeline's end");
    // Closed: the reconciler has nothing to start, and nobody is told again.
    expect((await pump(reconcileWorkflows()))["bimtek-session"]).toMatchObject({ started: 0, restarted: 0 });
    await advance(20 * DAY);
    expect(told((confirmed as Person).email)).toHaveLength(1);
    expect(mailTo((confirmed as Person).email, "Pengingat")).toHaveLength(0);
  });

  it("an execution lost mid-timeline is restarted by the reconciler where the record stands; nobody is told twice", async () => {
    const [first, second] = await people(2);
    const s = await scheduledSession(10 * DAY, 10);
    const a = await enrolled(s, first as Person);
    await enrolled(s, second as Person);
    const reminders = (to: string) => mailTo(to, `Pengingat Bimtek dasar: ${s.title}`);
    await advance(3 * DAY + 60_000);
    await until(() => reminders((second as Person).email).length === 1 || undefined, "the H-7 reminder");

    // The engine goes down just after the H-1 reminder reached the first participant (its marker
    // set), before anyone else got it and before the event was recorded as done.
    await pump(
      db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: bimtekKeys.enrolment(a.id),
          UpdateExpression: "SET notified = list_append(notified, :m)",
          ExpressionAttributeValues: { ":m": ["reminder-1@1"] },
        }),
      ),
    );
    await pump(sessionReconciler.stop(await session(s.id), "engine lost"));
    await advance(1000);
    await until(async () => (await session(s.id)).workflowAttempt === 2 || undefined, "marked for restart");

    const counts = await pump(reconcileWorkflows());
    expect(counts["bimtek-session"]?.restarted).toBe(1);
    await advance(6 * DAY);
    await until(() => reminders((second as Person).email).length === 2 || undefined, "the H-1 reminder");
    await until(
      () => reminders(SPEAKER).filter((m) => m.subject.includes(s.title)).length === 2 || undefined,
      "the speaker's",
    );
    expect(reminders((first as Person).email)).toHaveLength(1);
    expect(reminders((second as Person).email)).toHaveLength(2);
  });
});
