/**
 * Crash safety of Bimtek enrolment against DynamoDB Local. An enrol that stops after the session's
 * seat decision (a Lambda timeout, a killed process) — simulated by failing its enrolment Put, or
 * its seat decision, once — leaves a held seat or a waiting count without an enrolment, or a claim
 * without a decision. Nobody retries: the seat offers, the session's timeline and the next
 * enrolments finish the state, the person is told once, and the counters match the enrolments.
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  cancelEnrolment,
  endSessionEnrolments,
  enrol,
  finishDecidedEnrolments,
  listEnrolments,
  listWaiting,
  offerSeats,
  UNFINISHED_GRACE_MS,
} from "@sigap/core/bimtek/enrolment";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import { type BimtekSession, type Enrolment, isActiveEnrolment } from "@sigap/core/bimtek/model";
import { runEvent } from "@sigap/core/bimtek/session-events";
import { cancelSession, createSession, getSession, getSessionItem } from "@sigap/core/bimtek/sessions";
import { useClock } from "@sigap/core/clock";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { createRegistration, recordTransition } from "@sigap/core/registration/repository";
import { validateRegistration } from "@sigap/core/registration/schema";
import { tableName } from "@sigap/core/resources";
import type { Staff } from "@sigap/core/staff/auth";
import { afterEach, describe, expect, it, vi } from "vitest";

const DAY = 24 * 3600 * 1000;
const OFFICER = {
  sub: "district-32.05",
  email: "bimtek@dinsos.example.go.id",
  role: "district",
  region: "32.05",
};
const GARUT_KOTA = "32.05.01.1001";

let serial = 3000;
interface Person {
  registrationId: string;
  receiptCode: string;
  email: string;
}
/** A candidate of Garut at the Bimtek dasar stage (registered directly: recruitment is not the point). */
async function candidate(): Promise<Person> {
  serial += 1;
  const email = `crash${serial}-${process.pid}@example.com`;
  const input = validateRegistration(
    {
      ...validRegistration,
      nik: `320501550795${String(serial).padStart(4, "0")}`,
      fullName: `Peserta Uji ${serial}`,
      email,
      villageCode: GARUT_KOTA,
    },
    new Date(),
  );
  const { registration, receiptCode } = await createRegistration(input);
  await recordTransition(registration.id, {
    event: "recommended",
    actor: { kind: "system" },
    status: "candidate",
    stage: "basic-training",
  });
  return { registrationId: registration.id, receiptCode, email };
}

let sessions = 0;
function session(capacity: number): Promise<BimtekSession> {
  return createSession(OFFICER as Staff, {
    level: "dasar",
    title: `Bimtek Dasar Uji Crash ${++sessions}`,
    regionCode: "32.05",
    venue: "Aula Dinas Sosial Garut",
    startsAt: new Date(Date.now() + 30 * DAY).toISOString(),
    endsAt: new Date(Date.now() + 31 * DAY).toISOString(),
    capacity,
  });
}

const enrolIn = (s: BimtekSession, p: Person) =>
  enrol({ sessionId: s.id, registrationId: p.registrationId, receiptCode: p.receiptCode });

type Send = ReturnType<typeof db>["send"];
/**
 * The process dies at the first command `matches`: it is not sent and the enrol stops there (what
 * was written before stays, nothing after runs).
 */
function crashAt(matches: (command: unknown) => boolean) {
  const client = db();
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  let crashed = false;
  vi.spyOn(client, "send").mockImplementation(((command: unknown) => {
    if (!crashed && matches(command)) {
      crashed = true;
      return Promise.reject(new Error("simulated crash"));
    }
    return send(command);
  }) as Send);
}
const enrolmentPut = (command: unknown) =>
  command instanceof PutCommand && command.input.Item?.entity === "bimtek-enrolment";
const seatDecision = (command: unknown) =>
  command instanceof UpdateCommand && String(command.input.UpdateExpression).includes("decidedFor");

/** Moves the clock past the grace period (a repair leaves enrols in flight alone until then). */
function afterGrace(): void {
  const shift = UNFINISHED_GRACE_MS + 1000;
  restoreClock = useClock({ now: () => new Date(Date.now() + shift) });
}
let restoreClock: (() => void) | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  restoreClock?.();
  restoreClock = undefined;
});

const mailTo = (p: Person) =>
  outbox()
    .list()
    .filter((m) => m.to.includes(p.email));
const enrolmentOf = async (s: BimtekSession, p: Person) =>
  (await listEnrolments(s.id)).find((e) => e.registrationId === p.registrationId);

/** The session's counters agree with its enrolment items. */
async function expectCountersMatch(s: BimtekSession): Promise<void> {
  const now = (await getSession(s.id)) as BimtekSession;
  const enrolments = await listEnrolments(s.id);
  const holding = enrolments.filter((e) => e.status === "confirmed" || e.status === "offered");
  const waiting = enrolments.filter((e) => e.status === "waitlisted");
  expect(now.seatsHeld).toBe(holding.length);
  expect(now.generalHeld).toBe(holding.filter((e) => e.seat === "general").length);
  expect(now.waiting).toBe(waiting.length);
  expect(now.arrivals).toBe(enrolments.length);
}

describe("a crash between the seat decision and the enrolment item", () => {
  it("a held seat is finished by the next seat offer: enrolled, told once, counters exact", async () => {
    const s = await session(2);
    const [a, b, c] = [await candidate(), await candidate(), await candidate()];
    crashAt(enrolmentPut);
    await expect(enrolIn(s, a)).rejects.toThrow("simulated crash");
    vi.restoreAllMocks();
    expect((await getSession(s.id))?.seatsHeld).toBe(1);
    expect(await enrolmentOf(s, a)).toBeUndefined();

    const bSeat = (await enrolIn(s, b)).enrolment;
    expect((await enrolIn(s, c)).enrolment.status).toBe("waitlisted");
    // Within the grace period an enrol may still be writing: the repair leaves it alone.
    expect(await finishDecidedEnrolments(s.id)).toEqual([]);

    afterGrace();
    await cancelEnrolment(bSeat.id);
    const offered = await offerSeats(s.id);
    expect(offered.map((e) => e.registrationId)).toEqual([c.registrationId]);
    const aSeat = (await enrolmentOf(s, a)) as Enrolment;
    expect(aSeat).toMatchObject({ status: "confirmed", seat: "general", arrival: 1 });
    expect(mailTo(a).map((m) => m.subject)).toEqual([`Kursi Anda terkonfirmasi: ${s.title}`]);
    await expectCountersMatch(s);

    // Repeated repairs change nothing and tell nobody again.
    expect(await finishDecidedEnrolments(s.id)).toEqual([]);
    await offerSeats(s.id);
    expect(mailTo(a)).toHaveLength(1);
    await expectCountersMatch(s);
  });

  it("a phantom waiting count does not strand a freed seat: the next enrolment finishes and offers it", async () => {
    const s = await session(1);
    const [a, b, c] = [await candidate(), await candidate(), await candidate()];
    const aSeat = (await enrolIn(s, a)).enrolment;
    crashAt(enrolmentPut);
    await expect(enrolIn(s, b)).rejects.toThrow("simulated crash");
    vi.restoreAllMocks();
    // The seat is freed while b's enrol is (as far as anyone can tell) still in flight.
    await cancelEnrolment(aSeat.id);
    expect(await offerSeats(s.id)).toEqual([]);
    expect(await getSession(s.id)).toMatchObject({ seatsHeld: 0, waiting: 1 });

    afterGrace();
    const newcomer = await enrolIn(s, c);
    // b arrived first: finished as waitlisted, told once, and offered the freed seat; c waits behind.
    expect(newcomer.offered?.map((e) => e.registrationId)).toEqual([b.registrationId]);
    expect(newcomer.enrolment.status).toBe("waitlisted");
    expect(newcomer.position).toBe(1);
    expect(await enrolmentOf(s, b)).toMatchObject({ status: "offered", arrival: 2 });
    expect(mailTo(b).map((m) => m.subject)).toEqual([`Anda dalam daftar tunggu: ${s.title}`]);
    expect((await listWaiting(s.id)).map((e) => e.registrationId)).toEqual([c.registrationId]);
    await expectCountersMatch(s);
  });

  it("the session's timeline finishes it before its event reads the participants", async () => {
    const s = await session(5);
    const a = await candidate();
    crashAt(enrolmentPut);
    await expect(enrolIn(s, a)).rejects.toThrow("simulated crash");
    vi.restoreAllMocks();

    afterGrace();
    expect(await runEvent({ sessionId: s.id, attempt: 1, event: "reminder-7", version: 1 })).toEqual({
      ran: true,
    });
    expect(await enrolmentOf(s, a)).toMatchObject({ status: "confirmed" });
    const subjects = mailTo(a).map((m) => m.subject);
    expect(subjects.filter((subject) => subject.startsWith("Kursi Anda terkonfirmasi"))).toHaveLength(1);
    // ... and the reminder reached them too.
    expect(subjects).toHaveLength(2);
    await expectCountersMatch(s);
  });

  it("the person retrying and a later repair converge on one enrolment, told once", async () => {
    const s = await session(3);
    const a = await candidate();
    crashAt(enrolmentPut);
    await expect(enrolIn(s, a)).rejects.toThrow("simulated crash");
    vi.restoreAllMocks();
    const retried = await enrolIn(s, a);
    expect(retried.enrolment).toMatchObject({ status: "confirmed", arrival: 1 });

    afterGrace();
    expect(await finishDecidedEnrolments(s.id)).toEqual([]);
    expect(mailTo(a)).toHaveLength(1);
    await expectCountersMatch(s);
  });
});

describe("a crash right after the person's claim", () => {
  const claimOf = async (p: Person) =>
    (
      await db().send(
        new GetCommand({ TableName: tableName(), Key: bimtekKeys.personLevel(p.registrationId, "dasar") }),
      )
    ).Item;

  it("a claim without a seat decision is voided and released when the person enrols elsewhere", async () => {
    const [first, second] = [await session(2), await session(2)];
    const a = await candidate();
    crashAt(seatDecision);
    await expect(enrolIn(first, a)).rejects.toThrow("simulated crash");
    vi.restoreAllMocks();
    const stale = (await claimOf(a)) as Record<string, unknown>;
    expect(stale.sessionId).toBe(first.id);
    // Within the grace period the first enrol may still be deciding.
    await expect(enrolIn(second, a)).rejects.toMatchObject({ kind: "conflict" });

    afterGrace();
    const moved = await enrolIn(second, a);
    expect(moved.enrolment).toMatchObject({ sessionId: second.id, status: "confirmed" });
    // The old id can never take a seat in the first session now.
    const firstItem = (await getSessionItem(first.id)) as Record<string, unknown>;
    expect((firstItem.arrivalOf as Record<string, number>)[String(stale.enrollmentId)]).toBe(0);
    expect(await getSession(first.id)).toMatchObject({ seatsHeld: 0, waiting: 0, arrivals: 0 });
    expect((await claimOf(a))?.sessionId).toBe(second.id);
  });

  it("a claim whose seat was decided is finished (enrolled and told), and the 409 stands", async () => {
    const [first, second] = [await session(2), await session(2)];
    const a = await candidate();
    crashAt(enrolmentPut);
    await expect(enrolIn(first, a)).rejects.toThrow("simulated crash");
    vi.restoreAllMocks();

    afterGrace();
    await expect(enrolIn(second, a)).rejects.toMatchObject({ kind: "conflict" });
    const finished = (await enrolmentOf(first, a)) as Enrolment;
    expect(isActiveEnrolment(finished)).toBe(true);
    expect(finished.status).toBe("confirmed");
    expect(mailTo(a)).toHaveLength(1);
    await expectCountersMatch(first);
    expect(await getSession(second.id)).toMatchObject({ seatsHeld: 0, arrivals: 0 });
  });
});

describe("a session cancelled while an enrol is between its seat decision and its item", () => {
  it("ends that enrolment too: written from the decision, ended, the person free to enrol elsewhere", async () => {
    const s = await session(5);
    const [a, b] = [await candidate(), await candidate()];
    const bSeat = (await enrolIn(s, b)).enrolment;
    crashAt(enrolmentPut);
    await expect(enrolIn(s, a)).rejects.toThrow("simulated crash");
    vi.restoreAllMocks();

    // No grace period: the cancellation does not wait for an enrol that can no longer be decided.
    await cancelSession(OFFICER as Staff, s.id, "Gedung tidak dapat dipakai");
    const ended = await endSessionEnrolments(s.id, "session-cancelled");
    expect(ended.map((e) => e.registrationId).sort()).toEqual([a.registrationId, b.registrationId].sort());
    expect((await enrolmentOf(s, a))?.status).toBe("session-cancelled");
    expect((await listEnrolments(s.id)).filter(isActiveEnrolment)).toEqual([]);
    expect((await endSessionEnrolments(s.id, "session-cancelled")).map((e) => e.id)).toEqual([]);

    const other = await session(5);
    expect((await enrolIn(other, a)).enrolment.status).toBe("confirmed");
    expect((await enrolIn(other, b)).enrolment.id).not.toBe(bSeat.id);
  });
});
