/**
 * The case-escalation workflow's response stage: who is asked, when reminders come, and how an
 * ignored case climbs village → district → province (test/case-handling.test.ts: the handling
 * stage; test/case-violence.test.ts: the violence route, recovery and reopening).
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { actionKeys } from "@sigap/core/action/keys";
import { getAction } from "@sigap/core/action/repository";
import { isOverdue } from "@sigap/core/case/repository";
import { db } from "@sigap/core/db/client";
import { tableName } from "@sigap/core/resources";
import { changePeople } from "@sigap/core/staff/directory-change";
import { describe, expect, it, vi } from "vitest";
import {
  actionLink,
  caseNow,
  DAY,
  decideOk,
  dueIn,
  events,
  HOUR,
  KADES_CIKAJANG,
  levelIs,
  mailAbout,
  nthMail,
  open,
  PROVINCE,
  path,
  pump,
  report,
  SIMPANG,
  TPTD_GARUT,
  until,
  useCaseStack,
} from "./support/cases";

useCaseStack();

describe("case escalation: response", () => {
  it("handle, then resolved: the handler is asked at once, the reporter told and asked to confirm", async () => {
    const { case: c, reporterEmail } = await report();
    const request = await nthMail(c.id, KADES_CIKAJANG, 1);
    expect(request.subject).toBe(`Laporan kasus PPKS perlu ditindaklanjuti: ${c.id}`);
    // Cikajang lists no case handler: its village head stands in, as documented, not as "missing".
    expect(request.text).not.toContain("Belum ada petugas terdaftar");
    const page = await open(actionLink(request));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Tangani");
    expect(html).toContain("Rujuk ke tingkat di atasnya");
    expect(html).toContain("Tutup: bukan kasus PPKS");
    await dueIn(c.id, 7 * DAY, request);
    // The daily digest lists it by code and type, with its urgency, and reads nothing else.
    const asked = await pump(getAction(path(actionLink(request)).split("/").pop() as string));
    expect(asked).toMatchObject({ urgency: "normal", summary: `Kasus PPKS ${c.id}: Lanjut Usia Terlantar` });

    await decideOk(actionLink(request), { decision: "handle", note: "Ditangani Puskesos" });
    // Whoever took it gets, right away, the link to report the outcome.
    const handling = await nthMail(c.id, KADES_CIKAJANG, 2);
    expect(handling.subject).toBe(`Laporkan hasil penanganan kasus PPKS: ${c.id}`);
    // Normal urgency: 30 days to report the outcome.
    const taken = await dueIn(c.id, 30 * DAY, handling);
    expect(taken).toMatchObject({
      status: "in-progress",
      stage: "handling",
      level: "village",
      assignee: KADES_CIKAJANG,
    });

    await decideOk(actionLink(handling), {
      decision: "resolved",
      reason: "Dirujuk ke panti werdha dan didampingi PSM.",
    });
    const told = await nthMail(c.id, reporterEmail as string, 1);
    expect(told.subject).toBe(`Laporan Anda telah ditindaklanjuti: ${c.id}`);
    expect(told.text).toContain("Sudah ditangani");
    const closed = await caseNow(c.id);
    expect(closed).toMatchObject({ status: "closed", outcome: "resolved", stage: "confirmation" });
    expect(closed.dueAt).toBeUndefined();

    // The reporter's page: the case code, type, outcome and the question; nobody's personal data.
    const confirm = await (await open(actionLink(told))).text();
    expect(confirm).toContain("Sudah tertangani");
    expect(confirm).toContain(c.id);
    expect(confirm).toContain("Sudah ditangani");
    for (const hidden of [
      c.subject.name as string,
      c.description,
      c.location,
      KADES_CIKAJANG,
      "Catatan internal",
    ])
      expect(confirm).not.toContain(hidden);
    // The reporter's question is not staff work: in no region index (a directory change cannot hand
    // it to a village head) and in no daily digest.
    const { Item: question } = await pump(
      db().send(
        new GetCommand({
          TableName: tableName(),
          Key: actionKeys.action(path(actionLink(told)).split("/").pop() as string),
        }),
      ),
    );
    expect(question).toMatchObject({ audience: "reporter", status: "pending" });
    expect(question).not.toHaveProperty("gsi1pk");
    expect(question).not.toHaveProperty("gsi3pk");
    await decideOk(actionLink(told), { decision: "handled" });
    await until(async () => (await caseNow(c.id)).stage === "completed", "the case completed");
    expect(await events(c.id)).toEqual([
      "reported",
      "decision-requested",
      "taken",
      "decision-requested",
      "closed",
      "confirmed",
    ]);
  });

  it.each([
    ["emergency", 1 * DAY],
    ["high", 3 * DAY],
    ["normal", 7 * DAY],
  ] as const)(
    "reminds the village of an ignored %s case after its response time",
    async (urgency, response) => {
      const { case: c } = await report({ urgency });
      const first = await nthMail(c.id, KADES_CIKAJANG, 1);
      await vi.advanceTimersByTimeAsync(response - 60_000);
      expect(mailAbout(c.id)).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(60_000);
      const reminder = await nthMail(c.id, KADES_CIKAJANG, 2);
      expect(reminder.subject).toBe(`Pengingat ke-1: Laporan kasus PPKS perlu ditindaklanjuti: ${c.id}`);
      // The reminder's link replaces the first one.
      expect((await open(actionLink(first))).status).toBe(410);
      expect((await open(actionLink(reminder))).status).toBe(200);
      // Past its first deadline the case is overdue, although the reminder's link is fresh.
      await until(
        async () => (await caseNow(c.id)).dueAt !== undefined && caseNow(c.id),
        "the recorded reminder",
      );
      expect(isOverdue(await caseNow(c.id), new Date(Date.now()).toISOString())).toBe(true);
    },
  );

  it("moves a waiting case to the village head when the village's case-handler list is emptied", async () => {
    const KESOS = "kesos.kotakulon@garutkab.example.go.id";
    const LURAH = "lurah.kotakulon@garutkab.example.go.id";
    const { case: c } = await report({ villageCode: "32.05.01.1001" });
    const asked = await nthMail(c.id, KESOS, 1);
    await pump(
      changePeople("32.05.01.1001", "case-handler", [], { kind: "staff", email: "petugas@example.go.id" }),
    );
    // The fallback holds the work now: the lurah gets a link of their own, the old one stops working.
    const moved = await nthMail(c.id, LURAH, 1);
    expect((await open(actionLink(moved))).status).toBe(200);
    expect((await open(actionLink(asked))).status).toBe(410);
  });

  it("climbs village → district → province, each with its own response time, and the province's link closes it", async () => {
    const { case: c, reporterEmail } = await report({ urgency: "emergency" });
    await nthMail(c.id, KADES_CIKAJANG, 1);
    // Village: the ask and two reminders, a day each.
    for (let n = 2; n <= 3; n++) {
      await vi.advanceTimersByTimeAsync(DAY);
      await nthMail(c.id, KADES_CIKAJANG, n);
    }
    await vi.advanceTimersByTimeAsync(DAY);
    const district = await nthMail(c.id, TPTD_GARUT, 1);
    expect(district.subject).toBe(`Dialihkan kepada Anda: Laporan kasus PPKS perlu ditindaklanjuti: ${c.id}`);
    expect(mailAbout(c.id, KADES_CIKAJANG)).toHaveLength(3);
    await levelIs(c.id, "district");
    // District: 3 days a round whatever the urgency.
    await vi.advanceTimersByTimeAsync(3 * DAY - HOUR);
    expect(mailAbout(c.id, TPTD_GARUT)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(HOUR);
    await nthMail(c.id, TPTD_GARUT, 2);
    await vi.advanceTimersByTimeAsync(3 * DAY);
    await nthMail(c.id, TPTD_GARUT, 3);
    await vi.advanceTimersByTimeAsync(3 * DAY);
    const province = await nthMail(c.id, PROVINCE, 1);
    expect(province.subject).toContain("Dialihkan kepada Anda");
    await levelIs(c.id, "province");
    // The top level cannot refer any higher.
    expect(await (await open(actionLink(province))).text()).not.toContain("Rujuk ke tingkat di atasnya");

    await decideOk(actionLink(province), {
      decision: "close-already-handled",
      reason: "Sudah ditangani dinas provinsi.",
    });
    await nthMail(c.id, reporterEmail as string, 1);
    expect(await caseNow(c.id)).toMatchObject({
      status: "closed",
      outcome: "already-handled",
      level: "province",
    });
    expect(await events(c.id)).toEqual([
      "reported",
      "decision-requested",
      "reminder-sent",
      "reminder-sent",
      "escalated",
      "reminder-sent",
      "reminder-sent",
      "escalated",
      "closed",
    ]);
  });

  it("skips a level with nobody listed: a village without anybody goes straight to the district", async () => {
    const { case: c } = await report({ villageCode: SIMPANG, urgency: "high" });
    const district = await nthMail(c.id, TPTD_GARUT, 1);
    expect(district.text).toContain("Belum ada petugas terdaftar di tingkat di bawah Anda");
    await levelIs(c.id, "district");
    // Nobody at the village was ever asked, and the district's time is its own (3 days).
    await vi.advanceTimersByTimeAsync(3 * DAY);
    await nthMail(c.id, TPTD_GARUT, 2);
    expect(mailAbout(c.id).every((m) => m.to.includes(TPTD_GARUT))).toBe(true);
  });
});
