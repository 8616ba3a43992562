/**
 * Attacks on Bimtek scheduling (issue 8) that found real defects: each test states what should
 * happen and fails until the defect is fixed. DynamoDB Local, the local engine, a fake clock.
 */
import { cancelEnrolment, getEnrolment, offerSeats } from "@sigap/core/bimtek/enrolment";
import { enrolmentUrl } from "@sigap/core/bimtek/links";
import type { BimtekSession } from "@sigap/core/bimtek/model";
import { getSession } from "@sigap/core/bimtek/sessions";
import { recoverWorkflows } from "@sigap/core/workflow/reconcilers";
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

const HOUR = 3600 * 1000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();

async function staff(method: string, url: string, body?: unknown, role = "district", region = "32.05") {
  return pump(
    stack.app.request(url, {
      method,
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await staffToken(role, region)}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

const validSession = () => ({
  level: "dasar",
  title: "Bimtek Dasar PSM Garut",
  regionCode: "32.05",
  venue: "Aula Dinas Sosial Kabupaten Garut",
  startsAt: at(20 * DAY),
  endsAt: at(21 * DAY),
  capacity: 80,
});

const fieldsOf = async (response: Response) =>
  ((await response.json()) as { errors?: { field: string }[] }).errors?.map((e) => e.field) ?? [];

/** Moves the fake clock (the session's workflow runs its events on the way). */
const advance = (ms: number) => pump(vi.advanceTimersByTimeAsync(ms));

describe("attack: session validation", () => {
  it("refuses a start on a day that does not exist (30 February) instead of rolling it into March", async () => {
    const response = await staff("POST", "/v1/staff/bimtek", {
      ...validSession(),
      startsAt: "2027-02-30T08:00:00+07:00",
      endsAt: "2027-03-03T16:00:00+07:00",
    });
    expect(response.status, await response.clone().text()).toBe(422);
    expect(await fieldsOf(response)).toContain("startsAt");
  });

  it("refuses quotas naming one kecamatan twice (dotted and undotted) instead of silently keeping one", async () => {
    const response = await staff("POST", "/v1/staff/bimtek", {
      ...validSession(),
      quotas: { "32.05.01": 3, "320501": 2 },
    });
    // Today: 201 with quotas {"32.05.01": 2}, the officer's 3 seats silently dropped.
    expect(response.status, await response.clone().text()).toBe(422);
  });

  it("names every wrong quota at once: one outside the region beside one too large", async () => {
    const response = await staff("POST", "/v1/staff/bimtek", {
      ...validSession(),
      quotas: { "32.04.05": 3, "32.05.01": 100_000 },
    });
    expect(response.status).toBe(422);
    // Today only quotas.32.05.01 is named: the region check is skipped when any quota value is wrong.
    expect(await fieldsOf(response)).toEqual(expect.arrayContaining(["quotas.32.04.05", "quotas.32.05.01"]));
  });
});

describe("attack: a session that has already happened", () => {
  it("refuses to reschedule a session that has ended (attendance asked and recorded)", async () => {
    const s: BimtekSession = await scheduledSession(2 * DAY, 2);
    const person = await candidate(stack.app, 9101);
    const e = await enrolled(s, person);
    // Past the end (two days from now, lasting a day and 8 hours), before certificates (3 days later).
    await advance(2 * DAY + DAY + 9 * HOUR);
    // The session's workflow has asked the organisers for attendance (its `attendance` event ran).
    await until(
      async () => (await pump(getSession(s.id)))?.eventsDone?.includes("attendance@1") || undefined,
      "the attendance event",
    );
    const put = await staff("PUT", `/v1/staff/bimtek/${s.id}/attendance`, {
      records: [{ enrollmentId: e.id, days: [1, 2] }],
    });
    expect(put.status, await put.clone().text()).toBe(200);

    const moved = await staff("PATCH", `/v1/staff/bimtek/${s.id}`, {
      startsAt: at(10 * DAY),
      endsAt: at(11 * DAY),
    });
    // Today: 200, the finished session moves to the future with its recorded attendance kept.
    expect(moved.status, await moved.clone().text()).toBe(409);
  });

  it("refuses to cancel a session that has ended: its participants' attendance stands", async () => {
    const s: BimtekSession = await scheduledSession(2 * DAY, 2);
    const person = await candidate(stack.app, 9102);
    const e = await enrolled(s, person);
    await advance(2 * DAY + DAY + 9 * HOUR);
    const put = await staff("PUT", `/v1/staff/bimtek/${s.id}/attendance`, {
      records: [{ enrollmentId: e.id, days: [1, 2] }],
    });
    expect(put.status).toBe(200);
    const cancelled = await staff("POST", `/v1/staff/bimtek/${s.id}/cancellation`, {
      reason: "Salah input jadwal",
    });
    // Today: 200; the attended participant ends "session-cancelled" and gets no certificate.
    expect(cancelled.status, await cancelled.clone().text()).toBe(409);
  });

  it("does not offer a seat freed after the session started to the waiting list", async () => {
    const s: BimtekSession = await scheduledSession(2 * DAY, 1);
    const holder = await candidate(stack.app, 9103);
    const waiting = (await candidate(stack.app, 9104)) as Person;
    const seat = await enrolled(s, holder);
    const queued = await enrolled(s, waiting);
    expect([seat.status, queued.status]).toEqual(["confirmed", "waitlisted"]);

    // The session is under way (started 2 hours ago) when the holder cancels from the email link.
    await advance(2 * DAY + 2 * HOUR);
    const url = new URL(enrolmentUrl(seat.id));
    const cancel = await pump(
      stack.app.request(`${url.pathname}/cancellation${url.search}`, {
        method: "POST",
        headers: { Accept: "application/json" },
      }),
    );
    // A participant no longer cancels once the session has started (the seat stays theirs).
    expect(cancel.status).toBe(409);
    await advance(60_000);

    // Today: the first waiting person is "offered" a seat in a session already running, and emailed.
    expect((await pump(getEnrolment(queued.id)))?.status).toBe("waitlisted");
    expect(mailTo(waiting.email, "Kursi tersedia")).toHaveLength(0);
  });
});

describe("attack: npm start restarted mid-timeline", () => {
  it("start-up recovery finds open Bimtek sessions and offers (the engine kept no execution)", async () => {
    // Live: a session created, two enrolled, the stack stopped (SIGTERM) before H-7 and started
    // again: "bimtek-session":{"running":0,"started":0,"restarted":0}, and no reminder, no
    // attendance email ever came. The session and offer reconcilers define no `openItems`, so
    // `recoverAll` (what local start-up runs) looks at nothing.
    const s: BimtekSession = await scheduledSession(10 * DAY, 1);
    const holder = await enrolled(s, await candidate(stack.app, 9105));
    const queued = await enrolled(s, await candidate(stack.app, 9106));
    await pump(cancelEnrolment(holder.id));
    expect((await pump(offerSeats(s.id))).map((e) => e.id)).toEqual([queued.id]);

    const counts = await pump(recoverWorkflows());
    const seen = (workflow: string) => {
      const c = counts[workflow];
      return (c?.running ?? 0) + (c?.started ?? 0) + (c?.restarted ?? 0);
    };
    expect(seen("bimtek-session"), JSON.stringify(counts)).toBeGreaterThanOrEqual(1);
    expect(seen("bimtek-offer"), JSON.stringify(counts)).toBeGreaterThanOrEqual(1);
  });
});
