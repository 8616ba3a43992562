/**
 * The `bimtek-offer` workflow: a freed seat goes to the first on the waiting list with a claim
 * window; accept → confirmed, decline → the next, silence → lapsed (told) → the next. Nobody is
 * promoted without being told. DynamoDB Local, the local engine, the claim window on a fake clock.
 */
import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { answerStaffRequest } from "@sigap/core/action/ask";
import { cancelEnrolment, getEnrolment } from "@sigap/core/bimtek/enrolment";
import { enrolmentUrl } from "@sigap/core/bimtek/links";
import { ENROLMENT_SUBJECT, type Enrolment, OFFER_STEP } from "@sigap/core/bimtek/model";
import { offerFreedSeats } from "@sigap/core/bimtek/session-events";
import { listSessionEvents } from "@sigap/core/bimtek/sessions";
import { offerReconciler } from "@sigap/core/bimtek/workflow";
import { outbox } from "@sigap/core/mail/outbox";
import { stateMachineArn } from "@sigap/core/resources";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { candidate, DAY, enrolled, mailTo, type Person, scheduledSession } from "./support/bimtek";
import { pump, until, useFakeWorkflowClock } from "./support/fake-clock";
import { staffToken } from "./support/staff-token";

process.env.AWS_CONNECT_TIMEOUT_MS = "0";
process.env.AWS_REQUEST_TIMEOUT_MS = "0";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());
useFakeWorkflowClock();

const statusOf = async (id: string) => (await pump(getEnrolment(id)))?.status;
const becomes = (id: string, status: string) =>
  until(async () => ((await statusOf(id)) === status ? status : undefined), `${id} ${status}`);
const mailCount = (to: string) =>
  outbox()
    .list()
    .filter((m) => m.to.includes(to)).length;
/** The participant answers on their enrolment page (the route calls this). */
const answer = (id: string, decision: "accept" | "decline") =>
  pump(
    answerStaffRequest(
      { subjectType: ENROLMENT_SUBJECT, subjectId: id, step: OFFER_STEP },
      { decision, decidedBy: "peserta" },
    ),
  );

describe("bimtek-offer", () => {
  it("offers a freed seat in order: decline → the next, silence → lapsed and the next, accept → confirmed", async () => {
    let serial = 800;
    const [holder, b, c, d] = [
      await candidate(stack.app, ++serial),
      await candidate(stack.app, ++serial),
      await candidate(stack.app, ++serial),
      await candidate(stack.app, ++serial),
    ] as Person[];
    const s = await scheduledSession(20 * DAY, 1);
    const seat = await enrolled(s, holder as Person);
    const [eb, ec, ed] = [
      await enrolled(s, b as Person),
      await enrolled(s, c as Person),
      await enrolled(s, d as Person),
    ];
    expect([seat.status, eb?.status, ec?.status, ed?.status]).toEqual([
      "confirmed",
      "waitlisted",
      "waitlisted",
      "waitlisted",
    ]);

    // The holder cancels: the first waiting is offered the seat, and told.
    await pump(cancelEnrolment(seat.id));
    await pump(offerFreedSeats(s.id));
    await becomes(eb.id, "offered");
    // The offer itself, to B alone (not any mail to B, not an offer to someone else).
    const offerTo = (p: Person) => mailTo(p.email, `Kursi tersedia untuk Anda: ${s.title}`);
    await until(() => offerTo(b as Person).length || undefined, "the offer email");
    expect(offerTo(b as Person)).toHaveLength(1);
    expect([offerTo(c as Person), offerTo(d as Person)]).toEqual([[], []]);
    expect(await statusOf(ec.id)).toBe("waitlisted");

    // B declines: C is offered.
    await until(async () => (await answer(eb.id, "decline"))?.recorded || undefined, "B's answer recorded");
    await becomes(eb.id, "declined");
    await becomes(ec.id, "offered");
    const offeredC = mailCount((c as Person).email);

    // C stays silent past the claim window (2 days): lapsed, told, and D is offered.
    await pump(vi.advanceTimersByTimeAsync(2 * DAY + 60_000));
    await becomes(ec.id, "lapsed");
    await until(() => mailCount((c as Person).email) > offeredC || undefined, "C told it lapsed");
    await becomes(ed.id, "offered");

    // D accepts: confirmed, and told so.
    const offeredD = mailCount((d as Person).email);
    await until(async () => (await answer(ed.id, "accept"))?.recorded || undefined, "D's answer recorded");
    await becomes(ed.id, "confirmed");
    await until(() => mailCount((d as Person).email) > offeredD || undefined, "D's confirmation");
    expect(await statusOf(eb.id)).toBe("declined");
  });
});

describe("an offered person who cancels", () => {
  const executionStatus = async (e: Enrolment) =>
    (
      await pump(
        stack.client.send(
          new DescribeExecutionCommand({
            executionArn: stateMachineArn("bimtek-offer")
              .replace(":stateMachine:", ":execution:")
              .concat(`:${offerReconciler.executionName(e)}`),
          }),
        ),
      )
    ).status;

  it("stops the offer's execution at once instead of leaving it to wait out the claim window", async () => {
    const holder = await candidate(stack.app, 851);
    const next = await candidate(stack.app, 852);
    const s = await scheduledSession(20 * DAY, 1);
    const seat = await enrolled(s, holder);
    const queued = await enrolled(s, next);
    await pump(cancelEnrolment(seat.id));
    await pump(offerFreedSeats(s.id));
    await becomes(queued.id, "offered");
    await until(() => mailTo(next.email, "Kursi tersedia untuk Anda").length || undefined, "the offer email");
    const offered = (await pump(getEnrolment(queued.id))) as Enrolment;
    await until(async () => ((await executionStatus(offered)) === "RUNNING" ? true : undefined), "running");

    const url = new URL(enrolmentUrl(queued.id));
    const cancel = await pump(
      stack.app.request(`${url.pathname}/cancellation${url.search}`, {
        method: "POST",
        headers: { Accept: "application/json" },
      }),
    );
    expect(cancel.status).toBe(200);
    expect(await statusOf(queued.id)).toBe("cancelled");
    expect(await executionStatus(offered)).toBe("ABORTED");
  });

  it("an organiser takes a participant off with a reason: told once, recorded, the seat offered on", async () => {
    const holder = await candidate(stack.app, 861);
    const next = await candidate(stack.app, 862);
    const s = await scheduledSession(20 * DAY, 1);
    const seat = await enrolled(s, holder);
    const queued = await enrolled(s, next);
    const cancel = (
      token: string,
      enrollmentId = seat.id,
      body: unknown = { reason: "Peserta sakit, berhalangan." },
    ) =>
      pump(
        stack.app.request(`/v1/staff/bimtek/${s.id}/enrollments/${enrollmentId}/cancellation`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const garut = await staffToken("district", "32.05");
    expect((await cancel(await staffToken("district", "32.04"))).status).toBe(404);
    expect((await cancel(garut, seat.id, { reason: "" })).status).toBe(422);
    expect((await cancel(garut, "e000000000000")).status).toBe(404);
    const done = await cancel(garut);
    expect(done.status).toBe(200);
    expect(await statusOf(seat.id)).toBe("cancelled");
    const told = mailTo(holder.email, "Pendaftaran Bimtek dibatalkan penyelenggara");
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain("Peserta sakit, berhalangan.");
    await becomes(queued.id, "offered");
    expect((await cancel(garut)).status).toBe(409);
    const trail = await pump(listSessionEvents(s.id));
    expect(trail.map((e) => e.event)).toContain("enrolment-cancelled");
  });
});
