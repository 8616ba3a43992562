/**
 * No case execution outlives Step Functions' one-year limit, and none is restarted forever: a case
 * kept going by decisions made just before each deadline is parked at a stage boundary once its
 * execution passes the policy's lifetime, and the reconciler resumes it at the right step; a
 * closed case with no reporter address left lets its confirmation lapse instead of failing; an
 * item whose executions keep failing is given up on after the cap, flagged for staff.
 */
import { DescribeExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { caseErasable } from "@sigap/core/case/erasure";
import { applyHandling, applyResponse } from "@sigap/core/case/escalation";
import { caseKeys } from "@sigap/core/case/keys";
import { db } from "@sigap/core/db/client";
import { logger } from "@sigap/core/log";
import { stateMachineArn, tableName } from "@sigap/core/resources";
import type { ExecutionStatusChange } from "@sigap/core/workflow/executions";
import { GAVE_UP_FLAG, MAX_FAILED_ATTEMPTS } from "@sigap/core/workflow/executions";
import { handleWorkflowEvent, reconcileWorkflows } from "@sigap/core/workflow/reconcilers";
import { describe, expect, it, vi } from "vitest";
import {
  actionLink,
  caseNow,
  DAY,
  decideOk,
  events,
  KADES_CIKAJANG,
  mailAbout,
  nthMail,
  PROVINCE,
  pump,
  report,
  TPTD_GARUT,
  until,
  useCaseStack,
} from "./support/cases";

const stack = useCaseStack();

/** The failures in a row the executions module counts on the item (not part of `Case`). */
const failuresOf = async (id: string) =>
  ((await caseNow(id)) as { workflowFailures?: number }).workflowFailures;

const executionArn = (caseId: string, attempt: number) =>
  stateMachineArn("case-escalation")
    .replace(":stateMachine:", ":execution:")
    .concat(`:case-${caseId}-${attempt}`);
const describeExecution = (caseId: string, attempt: number) =>
  pump(stack().client.send(new DescribeExecutionCommand({ executionArn: executionArn(caseId, attempt) })));

/** Lets `days` pass, then decides on the latest of `count` emails to `to` (its last reminder). */
/**
 * Lets each reminder come (`waits`, in days, from the ask `sent` counts), then `last` days more — a
 * day before the step would escalate — and decides on the latest link. The clock moves one
 * deadline at a time: an ask's wait starts once its task has run, after real I/O.
 */
async function decideLate(
  caseId: string,
  to: string,
  sent: number,
  waits: number[],
  last: number,
  fields: Record<string, string>,
): Promise<void> {
  let count = sent;
  for (const days of waits) {
    await vi.advanceTimersByTimeAsync(days * DAY);
    count += 1;
    await nthMail(caseId, to, count);
  }
  await vi.advanceTimersByTimeAsync(last * DAY);
  expect(mailAbout(caseId, to)).toHaveLength(count);
  await decideOk(actionLink(mailAbout(caseId, to)[count - 1] as { links: string[] }), fields);
}

describe("case lifetime: no execution near the one-year limit", () => {
  it("a case kept going near every deadline is parked at a stage boundary and resumed where it stands", async () => {
    const { case: c, reporterEmail } = await report({ subjectName: "Abah Eman Sukmana" });
    const reporter = reporterEmail as string;
    await nthMail(c.id, KADES_CIKAJANG, 1);
    // Village response (normal: 7 days, two reminders): taken a day before it would escalate.
    await decideLate(c.id, KADES_CIKAJANG, 1, [7, 7], 6, { decision: "handle" });
    await nthMail(c.id, KADES_CIKAJANG, 4);
    // Handling (30 days, then reminders every 7): extended once, then referred, each a day early.
    await decideLate(c.id, KADES_CIKAJANG, 4, [30, 7], 6, { decision: "extend", reason: "Menunggu panti." });
    await nthMail(c.id, KADES_CIKAJANG, 7);
    await decideLate(c.id, KADES_CIKAJANG, 7, [30, 7], 6, { decision: "refer", reason: "Perlu dinas." });
    await nthMail(c.id, TPTD_GARUT, 1);
    // The district (3 days a round): taken, then referred on near its handling deadline.
    await decideLate(c.id, TPTD_GARUT, 1, [3, 3], 2, { decision: "handle" });
    await nthMail(c.id, TPTD_GARUT, 4);
    await decideLate(c.id, TPTD_GARUT, 4, [30, 3], 2, { decision: "refer", reason: "Perlu balai provinsi." });
    await nthMail(c.id, PROVINCE, 1);
    await decideLate(c.id, PROVINCE, 1, [3, 3], 2, { decision: "handle" });
    await nthMail(c.id, PROVINCE, 4);
    // Still the first execution, 157 days on: younger than its 180-day lifetime.
    expect((await caseNow(c.id)).workflowAttempt ?? 1).toBe(1);
    expect((await describeExecution(c.id, 1)).status).toBe("RUNNING");

    // Resolved on day 192: the case closes, and the execution, past its lifetime, parks there.
    await decideLate(c.id, PROVINCE, 4, [30, 3], 2, {
      decision: "resolved",
      reason: "Dirujuk ke panti werdha.",
    });
    await until(async () => (await caseNow(c.id)).workflowAttempt === 2, "the parked execution marked");
    const parked = await describeExecution(c.id, 1);
    expect(parked.status).toBe("SUCCEEDED");
    expect(JSON.parse(parked.output ?? "{}").parked).toEqual({
      reason: "lifetime",
      stage: "confirmation",
      level: "province",
    });
    expect((Date.parse(parked.stopDate?.toISOString() ?? "") - Date.parse(c.createdAt)) / DAY).toBeLessThan(
      200,
    );
    expect(await caseNow(c.id)).toMatchObject({ status: "closed", stage: "confirmation", level: "province" });
    // Nobody was asked twice: the reporter is asked by the next execution, not the parked one.
    expect(mailAbout(c.id, reporter)).toHaveLength(0);

    const counts = await pump(reconcileWorkflows());
    expect(counts["case-escalation"]?.restarted).toBe(1);
    const told = await nthMail(c.id, reporter, 1);
    expect(told.text).toContain("Sudah ditangani");
    expect((await describeExecution(c.id, 2)).status).toBe("RUNNING");

    // The reporter says "not yet" near the end of their window: reopened at the province.
    await vi.advanceTimersByTimeAsync(9 * DAY);
    await decideOk(actionLink(told), { decision: "not-yet" });
    const reopened = await nthMail(c.id, PROVINCE, 7);
    expect(reopened.subject).toBe(`Laporan kasus PPKS perlu ditindaklanjuti: ${c.id}`);
    expect(await caseNow(c.id)).toMatchObject({ status: "reopened", stage: "response", level: "province" });
    // The new execution is young: it carries the reopened case on, unparked.
    expect((await caseNow(c.id)).workflowAttempt).toBe(2);
    expect((await describeExecution(c.id, 2)).status).toBe("RUNNING");
    // No duplicate: every addressee got exactly the emails of the steps they were asked.
    expect(mailAbout(c.id, KADES_CIKAJANG)).toHaveLength(9);
    expect(mailAbout(c.id, TPTD_GARUT)).toHaveLength(6);
    expect(mailAbout(c.id, reporter)).toHaveLength(1);
  });
});

describe("case lifetime: no restart forever", () => {
  it("a closed case whose reporter address is gone lets its confirmation lapse, and is done", async () => {
    const { case: c, reporterEmail } = await report({ subjectName: "Ma Onah Rohaeti" });
    const request = await nthMail(c.id, KADES_CIKAJANG, 1);
    await decideOk(actionLink(request), { decision: "close-not-ppks", reason: "Warga mampu." });
    await nthMail(c.id, reporterEmail as string, 1);
    // Closed, but still carried by the workflow: open to the reconciler and to an erasure request.
    expect(await caseNow(c.id)).toMatchObject({ status: "closed", stage: "confirmation" });
    expect((await pump(caseErasable.load(c.id)))?.open).toBe(true);

    // The address goes (as an erasure before this rule did), and the execution is lost.
    await pump(
      db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: caseKeys.case(c.id),
          UpdateExpression: "REMOVE reporter.email",
        }),
      ),
    );
    await pump(stack().client.send(new StopExecutionCommand({ executionArn: executionArn(c.id, 1) })));
    await until(async () => (await caseNow(c.id)).workflowAttempt === 2, "the aborted execution marked");
    await pump(reconcileWorkflows());

    // Resumed at the confirmation, nobody to ask: it lapses at once instead of failing.
    await until(async () => (await caseNow(c.id)).stage === "completed", "the confirmation lapsed");
    expect((await events(c.id)).at(-1)).toBe("confirmation-lapsed");
    expect((await describeExecution(c.id, 2)).status).toBe("SUCCEEDED");
    expect((await caseNow(c.id)).workflowAttempt).toBe(2);
    expect((await pump(caseErasable.load(c.id)))?.open).toBe(false);
  });

  it("an item whose executions keep failing is given up on after the cap, flagged, logged without personal data", async () => {
    const subjectName = "Aki Karta Wijaya";
    const { case: c } = await report({ subjectName, start: false });
    const ended = (attempt: number, status: ExecutionStatusChange["detail"]["status"]) =>
      pump(
        handleWorkflowEvent({
          version: "0",
          id: `event-${attempt}-${status}`,
          "detail-type": "Step Functions Execution Status Change",
          source: "aws.states",
          account: "000000000000",
          time: new Date().toISOString(),
          region: "ap-southeast-3",
          resources: [executionArn(c.id, attempt)],
          detail: {
            executionArn: executionArn(c.id, attempt),
            stateMachineArn: stateMachineArn("case-escalation"),
            name: `case-${c.id}-${attempt}`,
            status,
            startDate: Date.now(),
            stopDate: Date.now(),
            input: null,
            output: null,
          },
        }),
      );
    // A parked execution is no failure: it ends a row of failures.
    expect(await ended(1, "FAILED")).toBe(true);
    expect(await ended(2, "SUCCEEDED")).toBe(true);
    expect(await failuresOf(c.id)).toBe(0);
    let attempt = 3;
    for (; attempt < 3 + MAX_FAILED_ATTEMPTS - 1; attempt += 1) {
      expect(await ended(attempt, attempt % 2 ? "FAILED" : "TIMED_OUT")).toBe(true);
    }
    expect(await failuresOf(c.id)).toBe(MAX_FAILED_ATTEMPTS - 1);
    expect((await caseNow(c.id)).flags ?? []).not.toContain(GAVE_UP_FLAG);

    // The tenth failure in a row: not marked again; an error log naming the workflow and the id.
    const errors = vi.spyOn(logger, "error");
    expect(await ended(attempt, "ABORTED")).toBe(false);
    expect(errors).toHaveBeenCalledTimes(1);
    const [message, fields] = errors.mock.calls[0] ?? [];
    expect(message).toContain("Workflow gave up on an item");
    expect(fields).toMatchObject({
      workflow: "case-escalation",
      itemId: c.id,
      failures: MAX_FAILED_ATTEMPTS,
    });
    expect(JSON.stringify(errors.mock.calls)).not.toContain(subjectName);
    const givenUp = await caseNow(c.id);
    expect(givenUp.workflowAttempt).toBe(attempt);
    expect(givenUp.flags).toContain(GAVE_UP_FLAG);
    // A repeated event changes nothing, and logs nothing again.
    expect(await ended(attempt, "ABORTED")).toBe(false);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
    expect((await caseNow(c.id)).flags?.filter((f) => f === GAVE_UP_FLAG)).toHaveLength(1);
  });

  it("a decision no option offers fails the task (and so, repeated, the cap) instead of passing for another", async () => {
    const { case: c } = await report({ subjectName: "Nini Iyah Komariah", start: false });
    const decision = (value: string) => ({
      decision: value,
      reason: "Alasan uji.",
      actionRef: "a-test",
      decidedBy: { name: "Kepala Desa", email: KADES_CIKAJANG, level: "village" },
      onBehalf: false,
    });
    // Not taken as `handle`.
    expect(
      await pump(applyResponse(c.id, decision("take-it")).catch((error: unknown) => error)),
    ).toMatchObject({
      name: "InvalidTaskInput",
    });
    expect(await caseNow(c.id)).toMatchObject({ status: "reported", stage: "response" });
    // Nor, once taken, as `extend`.
    await pump(applyResponse(c.id, decision("handle")));
    expect(await pump(applyHandling(c.id, decision("later")).catch((error: unknown) => error))).toMatchObject(
      {
        name: "InvalidTaskInput",
      },
    );
    const handling = await caseNow(c.id);
    expect(handling).toMatchObject({ status: "in-progress", stage: "handling" });
    expect(handling.flags ?? []).not.toContain("extended");
    expect(await events(c.id)).not.toContain("extended");
  });
});
