/**
 * Second-round review findings, on DynamoDB Local and the local engine with a fake clock: open
 * timelines are small markers, not the session on one index partition; a certificate email and an
 * attendance link survive a process dying between their claim and their send; an owed training
 * answer is delivered once and cleared, and a retried wait on a decided request does not loop.
 */
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { getCurrentRequest } from "@sigap/core/action/repository";
import { recordAttendance, requestAttendance } from "@sigap/core/bimtek/attendance";
import { issueCertificates } from "@sigap/core/bimtek/certificates";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import { closeTimeline, getSession, getSessionItem, openTimelinePages } from "@sigap/core/bimtek/sessions";
import { db } from "@sigap/core/db/client";
import type { OutgoingMail } from "@sigap/core/mail/message";
import { SEND_CLAIM_GRACE_MS } from "@sigap/core/record/once";
import { registrationKeys } from "@sigap/core/registration/keys";
import { awaitTraining, oweTraining, recordTraining } from "@sigap/core/registration/recruitment";
import { getRegistration } from "@sigap/core/registration/repository";
import { tableName } from "@sigap/core/resources";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { candidate, DAY, enrolled, GARUT_OFFICER, mailTo, scheduledSession } from "./support/bimtek";
import { pump, useFakeWorkflowClock } from "./support/fake-clock";

process.env.AWS_CONNECT_TIMEOUT_MS = "0";
process.env.AWS_REQUEST_TIMEOUT_MS = "0";

/** Mail whose subject contains `dieOn` never leaves: the process died right before sending it. */
const mailHook = vi.hoisted(() => ({ dieOn: undefined as string | undefined, died: 0, to: "" }));
vi.mock("@sigap/core/mail/send", async (importOriginal) => {
  const real = await importOriginal<typeof import("@sigap/core/mail/send")>();
  return {
    ...real,
    sendMail: (mail: OutgoingMail) => {
      if (mailHook.dieOn && mail.subject.includes(mailHook.dieOn)) {
        mailHook.died += 1;
        mailHook.to = mail.to.join();
        return new Promise<never>(() => {});
      }
      return real.sendMail(mail);
    },
  };
});

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());
useFakeWorkflowClock();

let serial = 1200;
const person = () => candidate(stack.app, ++serial);
const advance = (ms: number) => pump(vi.advanceTimersByTimeAsync(ms));

async function openSessionIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of openTimelinePages()) ids.push(...page.map((s) => s.id));
  return ids;
}

/**
 * The process dies inside `work` right before the mail about `subject` goes (its claim made). The
 * fake clock stands still meanwhile (no `pump`): the claim's age is what the test then moves.
 */
async function dieBeforeSending(subject: string, work: () => Promise<unknown>): Promise<void> {
  mailHook.dieOn = subject;
  mailHook.died = 0;
  void work().catch(() => undefined);
  const deadline = performance.now() + 20_000;
  while (mailHook.died === 0) {
    if (performance.now() > deadline) throw new Error("Timed out waiting for the claimed send");
    await new Promise((resolve) => setImmediate(resolve));
  }
  mailHook.dieOn = undefined;
}

describe("Bimtek review fixes, round 2", () => {
  it("an open timeline is a small keys-only marker, not the session on one index partition", async () => {
    const s = await scheduledSession(10 * DAY, 5, { start: false });
    await enrolled(s, await person());
    expect((await pump(getSessionItem(s.id)))?.gsi2pk).toBeUndefined();
    const { pk, sk } = bimtekKeys.openTimeline(s.id);
    const marker = (await pump(db().send(new GetCommand({ TableName: tableName(), Key: { pk, sk } })))).Item;
    expect(Object.keys(marker ?? {}).sort()).toEqual(["entity", "gsi3pk", "gsi3sk", "pk", "sk"]);
    expect(await pump(openSessionIds())).toContain(s.id);

    await pump(closeTimeline(s.id));
    expect(await pump(openSessionIds())).not.toContain(s.id);
    expect((await pump(getSession(s.id)))?.id).toBe(s.id);
  });

  it("a certificate email claimed by a process that died is sent by the retry after the grace, once", async () => {
    const s = await scheduledSession(3600_000, 5, { start: false });
    const p = await person();
    const seat = await enrolled(s, p);
    await advance(DAY + 10 * 3600_000);
    await pump(
      recordAttendance(s.id, [{ enrollmentId: seat.id, days: [1, 2] }], {
        kind: "staff",
        email: GARUT_OFFICER.email,
      }),
    );
    const subject = `Sertifikat Bimtek`;
    await dieBeforeSending(subject, () => issueCertificates(s));
    expect(mailTo(p.email, subject)).toHaveLength(0);

    // Retried at once (the clock still): the claim may be another run's — not done, retried later.
    await expect(issueCertificates(s)).rejects.toMatchObject({ name: "MailDeliveryFailed" });
    expect(mailTo(p.email, subject)).toHaveLength(0);
    expect((await pump(getSession(s.id)))?.status).toBe("scheduled");

    await advance(SEND_CLAIM_GRACE_MS + 1000);
    expect(await pump(issueCertificates(s))).toEqual({ completed: 1, incomplete: 0 });
    expect(mailTo(p.email, subject)).toHaveLength(1);
    await pump(issueCertificates(s));
    expect(mailTo(p.email, subject)).toHaveLength(1);
  });

  it("an attendance link claimed by a process that died is sent by the retry after the grace, once", async () => {
    const s = await scheduledSession(3600_000, 5, { start: false });
    await advance(DAY + 10 * 3600_000);
    const subject = `Isi daftar hadir: ${s.title}`;
    await dieBeforeSending(subject, () => requestAttendance(s));
    const lost = mailHook.to;
    // The other organiser is mailed; the one whose claim is fresh is not, and the run is not done.
    await expect(requestAttendance(s)).rejects.toMatchObject({ name: "MailDeliveryFailed" });
    expect(mailTo(lost, subject)).toHaveLength(0);
    expect(mailTo(GARUT_OFFICER.email, subject)).toHaveLength(lost === GARUT_OFFICER.email ? 0 : 1);

    await advance(SEND_CLAIM_GRACE_MS + 1000);
    await pump(requestAttendance(s));
    await pump(requestAttendance(s));
    expect(mailTo(lost, subject)).toHaveLength(1);
    expect(mailTo(GARUT_OFFICER.email, subject)).toHaveLength(1);
  });

  it("an owed training answer is delivered once and cleared; a retried wait on a decided request does not loop", async () => {
    const p = await person();
    const registration = await pump(getRegistration(p.registrationId));
    if (!registration) throw new Error("no registration");
    const answer = {
      completedAt: "2026-11-20",
      recordedBy: { email: "sistem", role: "system", sub: "bimtek:test" },
      note: "Sertifikat BIMTEK-DASAR/3205/2026/0099",
    };
    const key = registrationKeys.registration(p.registrationId);
    const setOwed = () =>
      pump(
        db().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: key,
            UpdateExpression: "SET owedTraining = :answer",
            ExpressionAttributeValues: { ":answer": answer },
          }),
        ),
      );
    const owed = async () => (await pump(getRegistration(p.registrationId)))?.owedTraining;
    const subject = { subjectType: "registration", subjectId: p.registrationId, step: "basic-training" };

    // Owed before the wait was recorded; the wait is one from before the action table (legacy token).
    expect(await pump(oweTraining(registration, answer))).toBe("not-waiting");
    const token = `AQ${"y".repeat(90)}`;
    await pump(
      db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key,
          UpdateExpression: "SET trainingTaskToken = :token",
          ExpressionAttributeValues: { ":token": token },
        }),
      ),
    );
    await pump(awaitTraining({ registrationId: p.registrationId, taskToken: token }));
    const decided = (await pump(getCurrentRequest(subject)))?.decidedActionId;
    expect(decided).toBeDefined();
    expect(await owed()).toBeUndefined();

    // The wait retried with the answer owed again: already decided, nothing to answer — no loop.
    await setOwed();
    await pump(awaitTraining({ registrationId: p.registrationId, taskToken: token }));
    expect((await pump(getCurrentRequest(subject)))?.decidedActionId).toBe(decided);
    expect(await owed()).toBeUndefined();

    // Applied by the workflow: whatever is still owed goes with it.
    await setOwed();
    await pump(recordTraining(p.registrationId, answer));
    expect((await pump(getRegistration(p.registrationId)))?.stage).toBe("district-verification");
    expect(await owed()).toBeUndefined();
  });
});
