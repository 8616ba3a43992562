/**
 * Staff Bimtek sessions against DynamoDB Local: validation (every error at once), who may organise
 * which level where, the default close of enrolment, reschedule and cancellation (a new schedule
 * version and workflow attempt, marked for the reconciler), region scoping, and the public list.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { bimtekKeys } from "@sigap/core/bimtek/keys";
import type { BimtekSession } from "@sigap/core/bimtek/model";
import { getSession } from "@sigap/core/bimtek/sessions";
import { workflowPolicy } from "@sigap/core/config/durations";
import { db } from "@sigap/core/db/client";
import { tableName } from "@sigap/core/resources";
import { createApp } from "@sigap/functions/api/app";
import { describe, expect, it } from "vitest";
import { staffToken } from "./support/staff-token";

const app = createApp();
const DAY = 24 * 3600 * 1000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString().replace("Z", "+00:00");

const valid = () => ({
  level: "dasar",
  title: "Bimtek Dasar PSM Garut",
  regionCode: "3205",
  venue: "Aula Dinas Sosial Kabupaten Garut",
  startsAt: at(20 * DAY),
  endsAt: at(21 * DAY),
  capacity: 80,
  quotas: { "32.05.22": 10 },
  speakers: [{ name: "Dr. Rina", email: "rina@kemensos.example.go.id" }],
});

async function send(method: string, url: string, role: string, region: string, body?: unknown) {
  return app.request(url, {
    method,
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${await staffToken(role, region)}`,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function created(body: Record<string, unknown> = {}): Promise<BimtekSession> {
  const response = await send("POST", "/v1/staff/bimtek", "district", "32.05", { ...valid(), ...body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as BimtekSession;
}

describe("creating a session", () => {
  it("saves it with the policy's default close of enrolment and the start-pending marker", async () => {
    const session = await created();
    expect(session).toMatchObject({
      regionCode: "32.05",
      status: "scheduled",
      scheduleVersion: 1,
      seatsHeld: 0,
    });
    const closesBefore = workflowPolicy().bimtek.enrolmentClosesBeforeSeconds * 1000;
    expect(Date.parse(session.enrolmentClosesAt)).toBe(Date.parse(session.startsAt) - closesBefore);
    const { Item } = await db().send(
      new GetCommand({ TableName: tableName(), Key: bimtekKeys.session(session.id) }),
    );
    expect(Item?.gsi3pk).toBe("START#bimtek-session");
  });

  it("lists every error at once: past start, inverted range, capacity, quotas, level and region", async () => {
    const response = await send("POST", "/v1/staff/bimtek", "district", "32.05", {
      ...valid(),
      title: "",
      startsAt: at(-DAY),
      endsAt: at(-2 * DAY),
      capacity: 0,
      quotas: { "32.04.05": 5 },
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: Array<{ field: string; message: string }> };
    const fields = problem.errors.map((e) => e.field).sort();
    expect(fields).toEqual(["capacity", "endsAt", "quotas.32.04.05", "startsAt", "title"]);
    const second = await send("POST", "/v1/staff/bimtek", "admin", "32", {
      ...valid(),
      level: "lanjutan",
      endsAt: "besok",
      quotas: { "32.04.05": 5, "32.05.22": 100 },
    });
    expect(second.status).toBe(422);
    const errors = ((await second.json()) as { errors: Array<{ field: string; message: string }> }).errors;
    expect(errors.map((e) => e.field).sort()).toEqual(["endsAt", "quotas", "quotas.32.04.05", "regionCode"]);
    expect(errors.find((e) => e.field === "regionCode")?.message).toContain("provinsi");
  });

  it("refuses a close of enrolment after the start, and an offset-less time", async () => {
    const response = await send("POST", "/v1/staff/bimtek", "district", "32.05", {
      ...valid(),
      startsAt: "2030-01-01T08:00:00",
      enrolmentClosesAt: at(40 * DAY),
    });
    expect(response.status).toBe(422);
    const fields = ((await response.json()) as { errors: Array<{ field: string }> }).errors.map(
      (e) => e.field,
    );
    expect(fields).toContain("startsAt");
  });

  it("lets only the organiser create: another kabupaten 404, a province officer for dasar 403", async () => {
    expect((await send("POST", "/v1/staff/bimtek", "district", "32.04", valid())).status).toBe(404);
    expect((await send("POST", "/v1/staff/bimtek", "province", "32", valid())).status).toBe(403);
    const lanjutan = await send("POST", "/v1/staff/bimtek", "province", "32", {
      ...valid(),
      level: "lanjutan",
      regionCode: "32",
      quotas: {},
    });
    expect(lanjutan.status).toBe(201);
  });
});

describe("changing a session", () => {
  it("reschedules with a new version and workflow attempt, marked for the reconciler", async () => {
    const session = await created();
    const response = await send("PATCH", `/v1/staff/bimtek/${session.id}`, "district", "32.05", {
      startsAt: at(30 * DAY),
      endsAt: at(31 * DAY),
    });
    expect(response.status).toBe(200);
    const now = (await getSession(session.id)) as BimtekSession;
    expect(now).toMatchObject({ scheduleVersion: 2, workflowAttempt: 2, workflowFailures: 0 });
    expect(Date.parse(now.startsAt)).toBeGreaterThan(Date.parse(session.startsAt));
    const { Item } = await db().send(
      new GetCommand({ TableName: tableName(), Key: bimtekKeys.session(session.id) }),
    );
    expect(Item?.gsi3pk).toBe("START#bimtek-session");
    expect(Item?.gsi1sk).toBe(`${now.startsAt}#${session.id}`);
    const inverted = await send("PATCH", `/v1/staff/bimtek/${session.id}`, "district", "32.05", {
      startsAt: at(30 * DAY),
      endsAt: at(29 * DAY),
    });
    expect(inverted.status).toBe(422);
  });

  it("cancels once with a reason; a second cancellation is a 409", async () => {
    const session = await created();
    const url = `/v1/staff/bimtek/${session.id}/cancellation`;
    expect((await send("POST", url, "district", "32.05", { reason: "" })).status).toBe(422);
    const response = await send("POST", url, "district", "32.05", { reason: "Gedung tidak dapat dipakai." });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "cancelled",
      scheduleVersion: 2,
      cancellationReason: "Gedung tidak dapat dipakai.",
    });
    expect(await getSession(session.id)).toMatchObject({ workflowAttempt: 2 });
    expect((await send("POST", url, "district", "32.05", { reason: "Lagi dibatalkan." })).status).toBe(409);
    expect((await send("PATCH", `/v1/staff/bimtek/${session.id}`, "district", "32.05", valid())).status).toBe(
      409,
    );
  });

  it("is region-scoped: another kabupaten sees 404", async () => {
    const session = await created();
    expect((await send("GET", `/v1/staff/bimtek/${session.id}`, "district", "32.04")).status).toBe(404);
    const mine = await send("GET", `/v1/staff/bimtek/${session.id}`, "district", "32.05");
    expect(await mine.json()).toMatchObject({
      session: { id: session.id },
      participants: [],
      waitingList: [],
    });
    expect((await send("GET", "/v1/staff/bimtek/bzzzzzzzzzzzz", "district", "32.05")).status).toBe(404);
  });
});

describe("the public list", () => {
  it("shows open sessions with seats left; not cancelled ones; 422 for a bad region", async () => {
    const open = await created({ title: "Sesi Terbuka" });
    const cancelled = await created({ title: "Sesi Batal" });
    await send("POST", `/v1/staff/bimtek/${cancelled.id}/cancellation`, "district", "32.05", {
      reason: "Dibatalkan karena banjir.",
    });
    const response = await app.request("/v1/bimtek?regionCode=32.05&level=dasar");
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Array<{ id: string; seatsLeft: number }> };
    expect(items.find((s) => s.id === open.id)?.seatsLeft).toBe(80);
    expect(items.some((s) => s.id === cancelled.id)).toBe(false);
    expect((await app.request("/v1/bimtek?regionCode=99.99")).status).toBe(422);
    expect((await app.request("/v1/bimtek")).status).toBe(422);
  });
});

describe("what the form must say exactly", () => {
  const fieldsOf = async (response: Response) =>
    ((await response.json()) as { errors?: { field: string; message: string }[] }).errors ?? [];

  it("refuses a day or hour that does not exist (31 April, 24:30) instead of rolling it over", async () => {
    for (const startsAt of ["2027-04-31T08:00:00+07:00", "2027-04-20T24:30:00+07:00"]) {
      const response = await send("POST", "/v1/staff/bimtek", "district", "32.05", {
        ...valid(),
        startsAt,
        endsAt: "2027-05-02T16:00:00+07:00",
      });
      expect(response.status).toBe(422);
      expect((await fieldsOf(response)).map((e) => e.field)).toContain("startsAt");
    }
  });

  it("refuses a quota key that is no kecamatan code (__proto__), and one kecamatan named twice", async () => {
    const response = await app.request("/v1/staff/bimtek", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await staffToken("district", "32.05")}`,
      },
      // Written by hand: JSON.stringify would not keep a `__proto__` key.
      body: JSON.stringify({ ...valid(), quotas: {} }).replace(
        '"quotas":{}',
        '"quotas":{"__proto__":5,"32.05.22":2,"320522":3}',
      ),
    });
    expect(response.status).toBe(422);
    const errors = await fieldsOf(response);
    expect(errors.map((e) => e.field)).toEqual(expect.arrayContaining(["quotas.__proto__"]));
    expect(errors.find((e) => e.message.includes("32.05.22 sudah disebut"))).toBeDefined();
  });

  it("refuses two speakers with one email address, whatever its case", async () => {
    const response = await send("POST", "/v1/staff/bimtek", "district", "32.05", {
      ...valid(),
      speakers: [
        { name: "Dr. Rina", email: "rina@kemensos.example.go.id" },
        { name: "Rina S.", email: "Rina@Kemensos.example.go.id" },
      ],
    });
    expect(response.status).toBe(422);
    expect((await fieldsOf(response)).map((e) => e.field)).toEqual(["speakers.1.email"]);
  });
});

describe("a session under way", () => {
  it("is neither rescheduled nor cancelled between its start and its end (409)", async () => {
    const s = await created({ startsAt: at(1500), endsAt: at(DAY), quotas: {} });
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const moved = await send("PATCH", `/v1/staff/bimtek/${s.id}`, "district", "32.05", {
      startsAt: at(10 * DAY),
      endsAt: at(11 * DAY),
    });
    expect(moved.status).toBe(409);
    expect(((await moved.json()) as { title: string }).title).toBe("Sesi sudah dimulai");
    const cancelled = await send("POST", `/v1/staff/bimtek/${s.id}/cancellation`, "district", "32.05", {
      reason: "Narasumber berhalangan",
    });
    expect(cancelled.status).toBe(409);
    expect((await getSession(s.id))?.status).toBe("scheduled");
  });
});
