/**
 * Second-round review findings of Bimtek enrolment and offers, on DynamoDB Local and the local
 * engine with a fake clock: the start ends the waiting list (and frees the person to enrol again);
 * the session item does not grow with closed-session POSTs or enrol/cancel loops; a crashed enrol
 * in a cancelled session is told; offers end by the start; the participant's start guard holds on
 * the write; an offer answered before its workflow asked is confirmed by email; a late enrol into a
 * cancelled session answers 409; no seat news after the start; the certificate link on the page.
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  cancelEnrolment,
  closeEnrolment,
  endSessionEnrolments,
  enrol,
  enrolmentLimit,
  finishDecidedEnrolments,
  getEnrolment,
  offerSeats,
  UNFINISHED_GRACE_MS,
} from "@sigap/core/bimtek/enrolment";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import { certificateUrl, enrolmentUrl } from "@sigap/core/bimtek/links";
import { answerOffer } from "@sigap/core/bimtek/offer";
import { cancelSession, getSessionItem } from "@sigap/core/bimtek/sessions";
import { supersedeSessionWorkflow } from "@sigap/core/bimtek/workflow";
import { db } from "@sigap/core/db/client";
import { tableName } from "@sigap/core/resources";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import {
  candidate,
  DAY,
  enrolled,
  GARUT_OFFICER,
  mailTo,
  type Person,
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

let serial = 1100;
const person = () => candidate(stack.app, ++serial);
const statusOf = async (id: string) => (await pump(getEnrolment(id)))?.status;
const advance = async (ms: number) => {
  await pump(vi.advanceTimersByTimeAsync(ms));
  await pump(stack.engine.statusChangesHandled());
};
const post = (sessionId: string, p: Person) =>
  pump(
    stack.app.request(`/v1/bimtek/${sessionId}/enrollments`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ registrationId: p.registrationId, receiptCode: p.receiptCode }),
    }),
  );
const setOnSession = (sessionId: string, field: string, value: unknown) =>
  pump(
    db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: bimtekKeys.session(sessionId),
        UpdateExpression: "SET #f = :v",
        ExpressionAttributeNames: { "#f": field },
        ExpressionAttributeValues: { ":v": value },
      }),
    ),
  );

type Send = (command: unknown) => Promise<unknown>;
/** Makes the first write of an enrolment item fail, as a crash between the seat decision and the item. */
function crashBeforeEnrolmentItem(): () => void {
  const client = db();
  const original = client.send.bind(client) as Send;
  let crashed = false;
  const spy = vi.spyOn(client, "send").mockImplementation((async (command: unknown) => {
    if (!crashed && command instanceof PutCommand && command.input.Item?.entity === "bimtek-enrolment") {
      crashed = true;
      throw new Error("process killed");
    }
    return original(command);
  }) as never);
  return () => spy.mockRestore();
}

describe("Bimtek review fixes, second round", () => {
  it("the start ends the waiting list: told once with the next session, free to enrol there (201)", async () => {
    const [holder, waiter] = [await person(), await person()];
    const s = await scheduledSession(2 * DAY, 1);
    const next = await scheduledSession(20 * DAY, 5);
    const seat = await enrolled(s, holder);
    const waits = await enrolled(s, waiter);
    expect([seat.status, waits.status]).toEqual(["confirmed", "waitlisted"]);
    // Still waiting, the other session is refused (one per level).
    expect((await post(next.id, waiter)).status).toBe(409);

    await advance(2 * DAY + 60_000);
    await until(async () => ((await statusOf(waits.id)) === "not-seated" ? true : undefined), "not seated");
    const told = await until(
      () => mailTo(waiter.email, `Tidak mendapat kursi: ${s.title}`).length || undefined,
      "the not-seated email",
    );
    expect(told).toBe(1);
    expect(mailTo(waiter.email, `Tidak mendapat kursi: ${s.title}`)[0]?.text).toContain(next.id);
    expect(await statusOf(seat.id)).toBe("confirmed");
    expect((await pump(getSessionItem(s.id)))?.waiting).toBe(0);

    const again = await post(next.id, waiter);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { status: string }).status).toBe("confirmed");
  });

  it("an offer runs no later than the start", async () => {
    const [holder, waiter] = [await person(), await person()];
    const s = await scheduledSession(DAY + 3 * 3600_000, 1);
    const seat = await enrolled(s, holder);
    const waits = await enrolled(s, waiter);
    await pump(cancelEnrolment(seat.id));
    const [offered] = await pump(offerSeats(s.id));
    expect(offered?.id).toBe(waits.id);
    expect(offered?.offerExpiresAt).toBe(s.startsAt);
  });

  it("repeated POSTs to a closed session leave its item unchanged", async () => {
    const p = await person();
    const s = await scheduledSession(10 * DAY, 2);
    await pump(closeEnrolment(s.id));
    const before = await pump(getSessionItem(s.id));
    for (let i = 0; i < 3; i++) expect((await post(s.id, p)).status).toBe(409);
    expect(await pump(getSessionItem(s.id))).toEqual(before);
    // Nor is the person held: their claim was never written.
    const { Item } = await pump(
      db().send(
        new GetCommand({ TableName: tableName(), Key: bimtekKeys.personLevel(p.registrationId, "dasar") }),
      ),
    );
    expect(Item).toBeUndefined();
  });

  it("enrol/cancel loops are bounded; a settled decision leaves no copy on the session", async () => {
    const p = await person();
    const s = await scheduledSession(10 * DAY, 1);
    const limit = enrolmentLimit(s);
    for (let i = 0; i < limit; i++) {
      const e = await enrolled(s, p);
      await pump(cancelEnrolment(e.id));
    }
    const item = await pump(getSessionItem(s.id));
    expect(item?.arrivals).toBe(limit);
    expect(Object.keys((item?.decidedFor ?? {}) as object)).toEqual([]);
    const refused = await post(s.id, p);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { title: string }).title).toBe("Daftar tunggu penuh");
    expect((await pump(getSessionItem(s.id)))?.arrivals).toBe(limit);
  });

  it("a session cancelled after a crashed enrol: the person is written, told and ended; session read once", async () => {
    const [a, b] = [await person(), await person()];
    const others = [await person(), await person(), await person()];
    const s = await scheduledSession(10 * DAY, 5);
    await enrolled(s, a);
    for (const p of others) await enrolled(s, p);
    const restore = crashBeforeEnrolmentItem();
    const crash = await pump(
      enrol({ sessionId: s.id, registrationId: b.registrationId, receiptCode: b.receiptCode }).catch(
        (error: Error) => error,
      ),
    );
    expect((crash as Error).message).toBe("process killed");
    restore();

    const cancelled = await pump(cancelSession(GARUT_OFFICER, s.id, "Gedung tidak tersedia"));
    await pump(supersedeSessionWorkflow(cancelled));
    await advance(1000);
    for (const p of [a, b]) {
      await until(() => mailTo(p.email, `dibatalkan: ${s.title}`).length || undefined, `${p.email} told`);
    }
    await advance(60_000);
    expect(mailTo(b.email, `dibatalkan: ${s.title}`)).toHaveLength(1);
    const item = await pump(getSessionItem(s.id));
    const ids = Object.keys((item?.arrivalOf ?? {}) as object);
    await until(
      async () =>
        (await Promise.all(ids.map(statusOf))).every((st) => st === "session-cancelled") || undefined,
      "all ended",
    );
    expect(ids).toHaveLength(5);

    // Ending reads the session item once (and once per round), not once per enrolment (5).
    const client = db();
    const original = client.send.bind(client) as Send;
    let sessionReads = 0;
    const spy = vi.spyOn(client, "send").mockImplementation((async (command: unknown) => {
      const mine = new Error().stack?.includes("endSessionEnrolments") ?? false;
      if (mine && command instanceof GetCommand && command.input.Key?.pk === bimtekKeys.session(s.id).pk) {
        sessionReads++;
      }
      return original(command);
    }) as never);
    await pump(endSessionEnrolments(s.id, "session-cancelled"));
    spy.mockRestore();
    expect(sessionReads).toBeGreaterThan(0);
    expect(sessionReads).toBeLessThanOrEqual(2);
  });

  it("a late enrol whose enrolment the cancellation wrote and ended answers 409 Sesi dibatalkan", async () => {
    const p = await person();
    const s = await scheduledSession(10 * DAY, 5);
    const client = db();
    const original = client.send.bind(client) as Send;
    let raced = false;
    const spy = vi.spyOn(client, "send").mockImplementation((async (command: unknown) => {
      if (!raced && command instanceof PutCommand && command.input.Item?.entity === "bimtek-enrolment") {
        raced = true;
        await setOnSession(s.id, "status", "cancelled");
        await endSessionEnrolments(s.id, "session-cancelled");
      }
      return original(command);
    }) as never);
    const answer = await post(s.id, p);
    spy.mockRestore();
    expect(answer.status).toBe(409);
    expect(((await answer.json()) as { title: string }).title).toBe("Sesi dibatalkan");
  });

  it("the participant's cancellation is refused on the write once the session started", async () => {
    const p = await person();
    const s = await scheduledSession(10 * DAY, 2);
    const e = await enrolled(s, p);
    // The start passes between the read and the write: the read still sees it ahead.
    await setOnSession(s.id, "startsAt", new Date(Date.now() - 1000).toISOString());
    const client = db();
    const original = client.send.bind(client) as Send;
    const spy = vi.spyOn(client, "send").mockImplementation((async (command: unknown) => {
      const result = (await original(command)) as { Item?: Record<string, unknown> };
      if (
        command instanceof GetCommand &&
        command.input.Key?.pk === bimtekKeys.session(s.id).pk &&
        result.Item
      ) {
        return { ...result, Item: { ...result.Item, startsAt: s.startsAt } };
      }
      return result;
    }) as never);
    const refused = pump(cancelEnrolment(e.id, "participant")).catch((error: Error) => error);
    const outcome = await refused;
    spy.mockRestore();
    expect((outcome as { title?: string }).title).toBe("Sesi sudah dimulai");
    expect(await statusOf(e.id)).toBe("confirmed");
  });

  it("an offer accepted before its workflow asked: confirmed and told once, with the cancel link", async () => {
    const [holder, waiter] = [await person(), await person()];
    const s = await scheduledSession(10 * DAY, 1);
    const seat = await enrolled(s, holder);
    const waits = await enrolled(s, waiter);
    await pump(cancelEnrolment(seat.id));
    await pump(offerSeats(s.id)); // the offer workflow is not started: nothing asked yet
    const { outcome } = await pump(answerOffer(waits.id, "accept"));
    expect(outcome).toBe("applied");
    expect(await statusOf(waits.id)).toBe("confirmed");
    const confirmed = mailTo(waiter.email, `Kursi Anda terkonfirmasi: ${s.title}`);
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]?.links).toContain(enrolmentUrl(waits.id));
  });

  it("no seat or list news after the start (a decision finished late)", async () => {
    const [holder, waiter] = [await person(), await person()];
    const s = await scheduledSession(10 * DAY, 1);
    await enrolled(s, holder);
    const restore = crashBeforeEnrolmentItem();
    const crash = await pump(
      enrol({
        sessionId: s.id,
        registrationId: waiter.registrationId,
        receiptCode: waiter.receiptCode,
      }).catch((error: Error) => error),
    );
    expect((crash as Error).message).toBe("process killed");
    restore();
    await setOnSession(s.id, "startsAt", new Date(Date.now() - 1000).toISOString());
    await advance(UNFINISHED_GRACE_MS + 1000);
    const [finished] = await pump(finishDecidedEnrolments(s.id));
    expect(finished?.status).toBe("waitlisted");
    expect(mailTo(waiter.email, "daftar tunggu")).toHaveLength(0);
  });

  it("a completed participant's page links to the certificate", async () => {
    const p = await person();
    const s = await scheduledSession(10 * DAY, 2);
    const e = await enrolled(s, p);
    const page = async () => {
      const response = await pump(
        stack.app.request(new URL(enrolmentUrl(e.id)).pathname + new URL(enrolmentUrl(e.id)).search, {
          headers: { Accept: "application/json" },
        }),
      );
      expect(response.status).toBe(200);
      return (await response.json()) as { certificateUrl?: string };
    };
    expect((await page()).certificateUrl).toBeUndefined();
    await pump(
      db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: bimtekKeys.enrolment(e.id),
          UpdateExpression: "SET #status = :completed",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":completed": "completed" },
        }),
      ),
    );
    expect((await page()).certificateUrl).toBe(certificateUrl(e.id));
  });
});
