/**
 * The daily digest: one email per addressee per zone and local day, at 07:00 local, listing their
 * pending links most urgent and most overdue first, read from the sparse pending index only.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { sendDailyDigest } from "@sigap/core/action/digest";
import { actionKeys } from "@sigap/core/action/keys";
import { reassignActions } from "@sigap/core/action/reassign";
import {
  type Action,
  type ActionUrgency,
  closeAction,
  createActions,
  getAction,
  recordDecision,
} from "@sigap/core/action/repository";
import { useClock } from "@sigap/core/clock";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { tableName } from "@sigap/core/resources";
import { scheduledJobs } from "@sigap/core/system/jobs";
import { localDateIn, TIME_ZONES } from "@sigap/core/time";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";

const DAY = 24 * 3600 * 1000;
const KADES_CIKAJANG = "kades.cikajang@garutkab.example.go.id";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

let restoreClock: (() => void) | undefined;
afterEach(() => {
  restoreClock?.();
  restoreClock = undefined;
});
const setClock = (at: Date) => {
  restoreClock?.();
  restoreClock = useClock({ now: () => at });
};

const mailTo = (address: string) =>
  outbox()
    .list()
    .reverse()
    .filter((m) => m.to.includes(address));
const digestsTo = (address: string) =>
  mailTo(address).filter((m) => m.subject.startsWith("Ringkasan harian"));
const actionLinks = (mail: { links: string[] }) => mail.links.filter((l) => l.includes("/v1/actions/"));
const idOf = (link: string) => new URL(link).pathname.split("/").pop() as string;

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let serial = 0;
/** One request asked of one addressee (as a case's village step would be), straight through the repository. */
async function ask(
  regionCode: string,
  email: string,
  options: {
    validForSeconds: number;
    urgency?: ActionUrgency;
    summary?: string;
    subjectId?: string;
    reminders?: number;
    level?: "village" | "district";
  },
): Promise<Action> {
  serial += 1;
  const subjectId = options.subjectId ?? `K-${serial}`;
  const actions = await createActions(
    {
      taskToken: `token-${serial}`,
      workflow: "digest-test",
      subjectType: "case",
      subjectId,
      step: "village-response",
      level: options.level ?? "village",
      regionCode,
      onBehalf: false,
      question: "Apakah Anda menangani kasus ini?",
      options: [{ value: "handle", label: "Tangani" }],
      summary: options.summary ?? `Kasus ${subjectId}`,
      ...(options.urgency ? { urgency: options.urgency } : {}),
    },
    [{ name: `Petugas ${email.split("@")[0]}`, email }],
    options.validForSeconds,
    {
      startLevel: options.level ?? "village",
      level: options.level ?? "village",
      reminders: options.reminders ?? 0,
    },
  );
  return (actions as Action[])[0] as Action;
}

/** A zone's local time as a UTC instant: `at("WITA", "2026-11-24", "07:00")`. */
const offsets = { WIB: "+07:00", WITA: "+08:00", WIT: "+09:00" } as const;
const at = (zone: keyof typeof offsets, date: string, time: string) =>
  new Date(`${date}T${time}:00${offsets[zone]}`);

describe("the daily digest", () => {
  it("sends a village head one email at 07:00 WIB listing both pending registrations with their links, none at 06:59", async () => {
    const names = ["Pendaftar Ringkasan Satu", "Pendaftar Ringkasan Dua"];
    for (const [i, fullName] of names.entries()) {
      const response = await stack.app.request("/v1/registrations", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          ...validRegistration,
          nik: `32050155079590${10 + i}`,
          fullName,
          email: `ringkasan${i}@example.com`,
        }),
      });
      expect(response.status).toBe(202);
    }
    const requests = await until(() => {
      const found = names.map((name) => mailTo(KADES_CIKAJANG).find((m) => m.subject.includes(name)));
      return found.every(Boolean)
        ? found.map((m) => actionLinks(m as { links: string[] })[0] as string)
        : undefined;
    }, "both recommendation requests");

    const tomorrow = localDateIn(new Date(Date.now() + DAY), "WIB");
    const early = await sendDailyDigest("WIB", at("WIB", tomorrow, "06:59"));
    expect(early.notYet).toBe(true);
    expect(digestsTo(KADES_CIKAJANG)).toHaveLength(0);

    const run = await sendDailyDigest("WIB", at("WIB", tomorrow, "07:00"));
    expect(run.sent).toBeGreaterThanOrEqual(1);
    const digests = digestsTo(KADES_CIKAJANG);
    expect(digests).toHaveLength(1);
    const digest = digests[0] as (typeof digests)[number];
    expect(digest.subject).toBe("Ringkasan harian: 2 permohonan menunggu keputusan Anda");
    for (const name of names) expect(digest.text).toContain(name);
    expect(digest.text).toContain("batas waktu");
    expect(digest.html).toContain('name="viewport"');
    // The very links of the per-item emails, oldest first, and they open the action page.
    expect(actionLinks(digest)).toEqual(requests);
    expect((await stack.app.request(new URL(requests[0] as string).pathname)).status).toBe(200);

    // The same day again (a retry, a second scheduler tick): nothing more.
    const again = await sendDailyDigest("WIB", at("WIB", tomorrow, "07:30"));
    expect(again.sent).toBe(0);
    expect(again.alreadySent).toBe(run.sent);
    expect(digestsTo(KADES_CIKAJANG)).toHaveLength(1);
  });

  it("is scheduled at 07:00 in each zone", () => {
    const digests = scheduledJobs.filter((job) => job.name.startsWith("daily-digest-"));
    expect(digests.map((job) => job.schedule)).toEqual(
      TIME_ZONES.map((zone) => ({ dailyAt: "07:00", zone })),
    );
  });

  it("runs each zone at its own 07:00 and lists only that zone's items", async () => {
    setClock(new Date("2026-12-01T00:00:00Z"));
    await ask("51.71", "wita.officer@example.go.id", { validForSeconds: 7 * 24 * 3600 });
    await ask("91.71", "wit.officer@example.go.id", { validForSeconds: 7 * 24 * 3600 });
    await ask("33.01", "wib.officer@example.go.id", { validForSeconds: 7 * 24 * 3600 });

    // 07:00 WIT is 22:00 UTC, 07:00 WITA 23:00 UTC, 07:00 WIB midnight UTC.
    expect((await sendDailyDigest("WIT", new Date("2026-12-01T21:59:00Z"))).notYet).toBe(true);
    expect((await sendDailyDigest("WIT", new Date("2026-12-01T22:00:00Z"))).sent).toBe(1);
    expect(digestsTo("wit.officer@example.go.id")).toHaveLength(1);
    expect((await sendDailyDigest("WITA", new Date("2026-12-01T22:59:00Z"))).notYet).toBe(true);
    const wita = await sendDailyDigest("WITA", new Date("2026-12-01T23:00:00Z"));
    expect(wita).toMatchObject({ localDate: "2026-12-02", sent: 1, itemsRead: 1 });
    expect(digestsTo("wita.officer@example.go.id")).toHaveLength(1);
    expect(digestsTo("wib.officer@example.go.id")).toHaveLength(0);
    expect((await sendDailyDigest("WIB", new Date("2026-12-01T23:00:00Z"))).notYet).toBe(true);
    expect(digestsTo("wib.officer@example.go.id")).toHaveLength(0);
    expect(digestsTo("wit.officer@example.go.id")).toHaveLength(1);
  });

  it("lists the most urgent first, then the longest overdue, with the reminder's link and how overdue", async () => {
    const officer = "urut.officer@example.go.id";
    const t0 = new Date("2026-12-10T01:00:00Z").getTime();
    const days = (n: number) => new Date(t0 + n * DAY);
    setClock(days(0));
    const first = await ask("52.01", officer, { validForSeconds: 3 * 86400, subjectId: "K-A" });
    setClock(days(1));
    await ask("52.01", officer, { validForSeconds: 5 * 86400, subjectId: "K-C", urgency: "high" });
    setClock(days(2));
    await ask("52.01", officer, { validForSeconds: 2 * 86400, subjectId: "K-D" });
    setClock(days(3));
    // The reminder's fresh link supersedes the first; the request stays due since day 3.
    const reminderA = await ask("52.01", officer, {
      validForSeconds: 3 * 86400,
      subjectId: "K-A",
      reminders: 1,
    });
    expect(reminderA.dueAt).toBe(days(3).toISOString());
    expect((await getAction(first.id))?.status).toBe("superseded");
    setClock(days(4));
    await ask("52.01", officer, { validForSeconds: 3 * 86400, subjectId: "K-D", reminders: 1 });
    await ask("52.01", officer, {
      validForSeconds: 2 * 86400,
      subjectId: "K-B",
      urgency: "emergency",
      summary: "Kasus K-B · Korban tindak kekerasan",
    });

    const run = await sendDailyDigest("WITA", days(5));
    expect(run.sent).toBeGreaterThanOrEqual(1);
    const digest = digestsTo(officer)[0] as { text: string; links: string[] };
    const order = ["K-B", "K-C", "K-A", "K-D"].map((code) => digest.text.indexOf(`Kasus ${code}`));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(digest.text).toContain("[DARURAT] Kasus K-B · Korban tindak kekerasan");
    expect(digest.text).toContain("Kasus K-A — terlambat 2 hari");
    expect(digest.text).toContain("Kasus K-D — terlambat 1 hari");
    expect(digest.text).toContain("[Mendesak] Kasus K-C — batas waktu");
    expect(actionLinks(digest).map(idOf)).toContain(reminderA.id);
    expect(actionLinks(digest).map(idOf)).not.toContain(first.id);
  });

  it("leaves decided items out, re-sends only what a failed run did not send, and never twice a day", async () => {
    setClock(new Date("2026-12-20T00:00:00Z"));
    const week = 7 * 86400;
    const decided = await ask("94.01", "x.officer@example.go.id", { validForSeconds: week });
    await ask("94.01", "x.officer@example.go.id", { validForSeconds: week, summary: "Kasus masih menunggu" });
    await ask("94.01", "y.officer@example.go.id", { validForSeconds: week });
    // An address the mailer refuses: that email fails, the others go.
    const broken = await ask("94.01", "rusak officer@example.go.id", { validForSeconds: week });
    expect(await recordDecision(decided, { decision: "handle" }, "2026-12-20T01:00:00Z")).toBe(true);

    const morning = new Date("2026-12-20T22:00:00Z"); // 07:00 WIT on the 21st
    await expect(sendDailyDigest("WIT", morning)).rejects.toThrow("1 email(s) not sent");
    const x = digestsTo("x.officer@example.go.id");
    expect(x).toHaveLength(1);
    expect(x[0]?.subject).toBe("Ringkasan harian: 1 permohonan menunggu keputusan Anda");
    expect(x[0]?.text).toContain("Kasus masih menunggu");
    expect(actionLinks(x[0] as { links: string[] }).map(idOf)).not.toContain(decided.id);
    expect(digestsTo("y.officer@example.go.id")).toHaveLength(1);

    // Run again (the scheduler's retry): only the unsent one is tried; the others are not mailed twice.
    await expect(sendDailyDigest("WIT", new Date(morning.getTime() + 60_000))).rejects.toThrow();
    expect(digestsTo("x.officer@example.go.id")).toHaveLength(1);
    expect(digestsTo("y.officer@example.go.id")).toHaveLength(1);

    // Once its item is closed, nothing is left to fail.
    expect(await closeAction(broken.id, "superseded")).toBe(true);
    const later = await sendDailyDigest("WIT", new Date(morning.getTime() + 120_000));
    expect(later).toMatchObject({ sent: 0, failed: 0 });
  });

  it("reads only the pending items, not the decided ones", async () => {
    setClock(new Date("2026-12-28T00:00:00Z"));
    const officer = "banyak.officer@example.go.id";
    const asked: Action[] = [];
    for (let i = 0; i < 120; i++) asked.push(await ask("82.01", officer, { validForSeconds: 7 * 86400 }));
    // 110 of them leave pending, each way an action can: decided, closed by another's decision, superseded.
    for (const [i, action] of asked.slice(10).entries()) {
      if (i % 3 === 0)
        expect(await recordDecision(action, { decision: "handle" }, "2026-12-28T01:00:00Z")).toBe(true);
      else expect(await closeAction(action.id, i % 3 === 1 ? "used" : "superseded")).toBe(true);
    }
    // Every WIT action of this file is still in the table; only the pending ones are in the index.
    const { Count: total } = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: "gsi1lean",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": actionKeys.regionPartition("82.01") },
        Select: "COUNT",
      }),
    );
    expect(total).toBe(120);
    const run = await sendDailyDigest("WIT", new Date("2026-12-28T22:00:00Z"));
    // The earlier tests' WIT links still pending (two at 94.01, one at 91.71, expired but never
    // superseded by a workflow here) are read too; nothing decided is.
    expect(run.itemsRead).toBe(10 + 2 + 1);
    const digest = digestsTo(officer)[0] as { subject: string };
    expect(digest.subject).toBe("Ringkasan harian: 10 permohonan menunggu keputusan Anda");
  });

  it("follows a request moved by a directory change: the new holder's digest lists it, the old holder's not", async () => {
    setClock(new Date("2027-01-05T00:00:00Z"));
    const moved = await ask("53.01", "lama.officer@example.go.id", {
      validForSeconds: 7 * 86400,
      level: "district",
      summary: "Kasus dipindahkan",
    });
    const [reassignment] = await reassignActions("53.01", [
      { name: "Petugas Baru", email: "baru.officer@example.go.id" },
    ]);
    expect(reassignment?.closed.map((a) => a.id)).toEqual([moved.id]);
    await sendDailyDigest("WITA", new Date("2027-01-05T23:00:00Z"));
    expect(digestsTo("lama.officer@example.go.id")).toHaveLength(0);
    const digest = digestsTo("baru.officer@example.go.id")[0] as { text: string; links: string[] };
    expect(digest.text).toContain("Kasus dipindahkan");
    expect(actionLinks(digest).map(idOf)).toEqual([reassignment?.created[0]?.id]);
  });
});
