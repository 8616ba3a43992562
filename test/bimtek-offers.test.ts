/**
 * The `bimtek-offer` workflow: a freed seat goes to the first on the waiting list with a claim
 * window; accept → confirmed, decline → the next, silence → lapsed (told) → the next. Nobody is
 * promoted without being told. DynamoDB Local, the local engine, the claim window on a fake clock.
 */
import { answerStaffRequest } from "@sigap/core/action/ask";
import { cancelEnrolment, getEnrolment } from "@sigap/core/bimtek/enrolment";
import { ENROLMENT_SUBJECT, OFFER_STEP } from "@sigap/core/bimtek/model";
import { offerFreedSeats } from "@sigap/core/bimtek/session-events";
import { outbox } from "@sigap/core/mail/outbox";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { candidate, DAY, enrolled, type Person, scheduledSession } from "./support/bimtek";
import { pump, until, useFakeWorkflowClock } from "./support/fake-clock";

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
    const before = mailCount((b as Person).email);
    await pump(cancelEnrolment(seat.id));
    await pump(offerFreedSeats(s.id));
    await becomes(eb.id, "offered");
    await until(() => mailCount((b as Person).email) > before || undefined, "the offer email");
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
