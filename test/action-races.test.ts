/**
 * Email actions under concurrent change: a directory change moving a request while a resumed step
 * re-binds its links, a decision landing while links are being added, a decision recorded but never
 * followed by closing the others. The functions are called directly and interleaved by hand (one
 * runs just before the other's next DynamoDB write), on DynamoDB Local and the local engine.
 */
import { TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { prepareAsk } from "@sigap/core/action/decision";
import { reassignActions } from "@sigap/core/action/reassign";
import {
  type Action,
  createActions,
  getAction,
  getCurrentRequest,
  type RequestSubject,
  recordDecision,
} from "@sigap/core/action/repository";
import { nowIso } from "@sigap/core/clock";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { getRegistration } from "@sigap/core/registration/repository";
import { reconcileRegistration } from "@sigap/core/registration/workflow";
import { putApprovers } from "@sigap/core/staff/directory";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

const OLD = { name: "Kepala Lama", email: "lama@garutkab.example.go.id" };
const KEPT = { name: "Sekretaris Desa", email: "sekdes@garutkab.example.go.id" };
const NEW = { name: "Kepala Baru", email: "baru@garutkab.example.go.id" };
// Tokens of tasks that do not exist on the engine: a hand-over to them answers "closed".
const OLD_TASK = `AQ${"o".repeat(90)}`;
const NEW_TASK = `AQ${"n".repeat(90)}`;

/**
 * Runs `first` just before the next DynamoDB command that `matches` is sent (once), then lets that
 * command go: an interleaving fixed by hand. Calls made by `first` itself go straight through.
 */
async function interleave<T>(
  matches: (command: unknown) => boolean,
  first: () => Promise<unknown>,
  work: () => Promise<T>,
): Promise<T> {
  const client = db();
  const send = client.send.bind(client);
  let fired = false;
  const spy = vi.spyOn(client, "send").mockImplementation((async (command: Parameters<typeof send>[0]) => {
    if (!fired && matches(command)) {
      fired = true;
      await first();
    }
    return send(command);
  }) as unknown as typeof client.send);
  try {
    const result = await work();
    expect(fired).toBe(true);
    return result;
  } finally {
    spy.mockRestore();
  }
}

const isRebind = (command: unknown) =>
  command instanceof UpdateCommand && command.input.UpdateExpression === "SET taskToken = :token";
const isReassignment = (command: unknown) =>
  command instanceof TransactWriteCommand &&
  (command.input.TransactItems ?? []).some(
    (item) => item.Update?.UpdateExpression === "SET actionIds = :ids",
  );
const isDecisionRecord = (command: unknown) =>
  command instanceof TransactWriteCommand &&
  (command.input.TransactItems ?? []).some((item) =>
    item.Update?.UpdateExpression?.startsWith("SET decidedActionId"),
  );

/** Asks `addressees` at village `regionCode` on `taskToken`, as an ask step does. */
async function ask(
  subject: RequestSubject,
  regionCode: string,
  addressees: (typeof OLD)[],
): Promise<Action[]> {
  const actions = await createActions(
    {
      taskToken: OLD_TASK,
      workflow: "recruitment",
      ...subject,
      level: "village",
      regionCode,
      onBehalf: false,
      question: "Apakah Anda merekomendasikan warga ini?",
      options: [{ value: "recommend", label: "Rekomendasikan" }],
    },
    addressees,
    3600,
    { startLevel: "village", level: "village", reminders: 0 },
  );
  expect(actions).toHaveLength(addressees.length);
  return actions as Action[];
}

/** The request's links as they stand, pending or not. */
async function linksOf(subject: RequestSubject): Promise<Action[]> {
  const current = await getCurrentRequest(subject);
  return (await Promise.all((current?.actionIds ?? []).map((id) => getAction(id)))) as Action[];
}

const subjectOf = (subjectId: string): RequestSubject => ({
  subjectType: "registration",
  subjectId,
  step: "village-recommendation",
});
const resume = (subject: RequestSubject) =>
  prepareAsk(subject, { level: "village", reminders: 0, taskToken: NEW_TASK });

describe("a directory change and a resumed step at once", () => {
  it("moves the request between the resume's read and its re-bind: every live link ends on the new task", async () => {
    const village = "32.05.22.2002";
    const subject = subjectOf("race-resume-first");
    const [old] = await ask(subject, village, [OLD, KEPT]);

    const prepared = await interleave(
      isRebind,
      () => reassignActions(village, [KEPT, NEW]),
      () => resume(subject),
    );

    expect((await getAction(old?.id as string))?.status).toBe("reassigned");
    const links = await linksOf(subject);
    expect(links.map((a) => a.addressee.email).sort()).toEqual([NEW.email, KEPT.email].sort());
    expect(links.map((a) => [a.status, a.taskToken])).toEqual([
      ["pending", NEW_TASK],
      ["pending", NEW_TASK],
    ]);
    // The resumed step knows the links it now waits on: the moved one included, the closed one not.
    expect(prepared.kind).toBe("rebound");
    const rebound = prepared.kind === "rebound" ? prepared.actions : [];
    expect(rebound.map((a) => a.id).sort()).toEqual(links.map((a) => a.id).sort());
  });

  it("re-binds between the move's read and its write: the move is redone on the new task", async () => {
    const village = "32.05.22.2003";
    const subject = subjectOf("race-move-first");
    const [old] = await ask(subject, village, [OLD, KEPT]);

    const moved = await interleave(
      isReassignment,
      () => resume(subject),
      () => reassignActions(village, [KEPT, NEW]),
    );

    expect(moved).toHaveLength(1);
    expect(moved[0]?.created.map((a) => [a.addressee.email, a.taskToken])).toEqual([[NEW.email, NEW_TASK]]);
    expect((await getAction(old?.id as string))?.status).toBe("reassigned");
    const links = await linksOf(subject);
    expect(links.map((a) => a.addressee.email).sort()).toEqual([NEW.email, KEPT.email].sort());
    expect(links.map((a) => [a.status, a.taskToken])).toEqual([
      ["pending", NEW_TASK],
      ["pending", NEW_TASK],
    ]);
  });
});

describe("one decision closes every other link of the request", () => {
  it("when a resumed step hands over a decision whose page never closed the others", async () => {
    const subject = subjectOf("race-crash-after-record");
    const [decider, other] = await ask(subject, "32.05.22.2004", [OLD, KEPT]);
    // The page recorded the decision, then crashed before handing it over or closing anything.
    expect(await recordDecision(decider as Action, { decision: "recommend" }, nowIso())).toBe(true);
    expect((await getAction(other?.id as string))?.status).toBe("pending");

    const prepared = await resume(subject);

    expect(prepared.kind).toBe("decided");
    expect(await getAction(other?.id as string)).toMatchObject({ status: "used", decidedBy: OLD.name });
  });

  describe("on a registration waiting on two village approvers", () => {
    const village = "32.05.22.2005";
    const requestsTo = (email: string, about: string) =>
      outbox()
        .list()
        .filter((m) => m.to.includes(email) && m.subject.includes(about));

    async function register(fullName: string, nik: string): Promise<{ id: string; links: Action[] }> {
      await putApprovers(village, [OLD, KEPT], "test");
      const response = await stack.app.request("/v1/registrations", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          ...validRegistration,
          villageCode: village.replaceAll(".", ""),
          nik,
          fullName,
        }),
      });
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      const deadline = Date.now() + 15_000;
      while (requestsTo(KEPT.email, fullName).length === 0) {
        if (Date.now() > deadline) throw new Error("Timed out waiting for the request emails");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { id, links: await linksOf(subjectOf(id)) };
    }

    async function candidate(id: string): Promise<void> {
      const deadline = Date.now() + 15_000;
      while ((await getRegistration(id))?.status !== "candidate") {
        if (Date.now() > deadline) throw new Error("Timed out waiting for the decision to be applied");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    it("when a directory change added a link after the decider's page loaded", async () => {
      const { id, links } = await register("Pendaftar Balapan", "3205015507950701");
      const kept = links.find((a) => a.addressee.email === KEPT.email) as Action;

      const response = await interleave(
        isDecisionRecord,
        // The officer replaces the old head while the secretary's decision is on its way.
        () => reassignActions(village, [KEPT, NEW]),
        async () =>
          stack.app.request(`/v1/actions/${kept.id}`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ decision: "recommend" }).toString(),
          }),
      );

      expect(response.status).toBe(200);
      const after = await linksOf(subjectOf(id));
      const added = after.find((a) => a.addressee.email === NEW.email);
      expect(added).toMatchObject({ status: "used", decidedBy: KEPT.name });
      await candidate(id);
    });

    it("when the reconciler hands over a decision Step Functions never received", async () => {
      const { id, links } = await register("Pendaftar Tertunda", "3205015507950702");
      const [decider, other] = links as [Action, Action];
      // Recorded, then the page crashed: not handed over, the other link still open.
      expect(await recordDecision(decider, { decision: "recommend" }, nowIso())).toBe(true);

      const registration = await getRegistration(id);
      if (!registration) throw new Error("registration missing");
      expect(await reconcileRegistration(registration)).toBe("running");

      expect(await getAction(other.id)).toMatchObject({ status: "used", decidedBy: decider.addressee.name });
      await candidate(id);
    });
  });
});
