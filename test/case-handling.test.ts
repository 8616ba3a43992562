/**
 * The case-escalation workflow's handling stage and the response's other decisions: the handling
 * deadline per urgency, refer, close, extend (once), and a refer from the district to the province.
 */
import { describe, expect, it, vi } from "vitest";
import {
  actionLink,
  caseNow,
  DAY,
  decide,
  decideOk,
  dueIn,
  events,
  KADES_CIKAJANG,
  levelIs,
  mailAbout,
  nthMail,
  open,
  PROVINCE,
  report,
  TPTD_GARUT,
  until,
  useCaseStack,
} from "./support/cases";

useCaseStack();

/** Reports a case and has the village take it; returns the case and the handling email. */
async function taken(urgency: "emergency" | "high" | "normal" = "normal", reporter?: Record<string, string>) {
  const reported = await report({ urgency, ...(reporter ? { reporter } : {}) });
  const request = await nthMail(reported.case.id, KADES_CIKAJANG, 1);
  await decideOk(actionLink(request), { decision: "handle" });
  const handling = await nthMail(reported.case.id, KADES_CIKAJANG, 2);
  return { ...reported, handling };
}

describe("case escalation: handling", () => {
  it.each([
    ["emergency", 3 * DAY],
    ["high", 14 * DAY],
    ["normal", 30 * DAY],
  ] as const)("reminds whoever took a %s case at its handling deadline", async (urgency, deadline) => {
    const { case: c } = await taken(urgency);
    await vi.advanceTimersByTimeAsync(deadline - 60_000);
    expect(mailAbout(c.id, KADES_CIKAJANG)).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    const reminder = await nthMail(c.id, KADES_CIKAJANG, 3);
    expect(reminder.subject).toBe(`Pengingat ke-1: Laporkan hasil penanganan kasus PPKS: ${c.id}`);
  });

  it("a handler silent after the reminders: the district is asked to take the case over", async () => {
    const { case: c } = await taken("emergency");
    await vi.advanceTimersByTimeAsync(3 * DAY);
    await nthMail(c.id, KADES_CIKAJANG, 3);
    // Reminders come at the level's response time (a day for an emergency at the village).
    await vi.advanceTimersByTimeAsync(DAY - 60_000);
    expect(mailAbout(c.id, KADES_CIKAJANG)).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(60_000);
    await nthMail(c.id, KADES_CIKAJANG, 4);
    // The second reminder is recorded (after its email) before the day of silence that follows it.
    await until(
      async () => (await events(c.id)).filter((e) => e === "reminder-sent").length === 2,
      "the second reminder in the trail",
    );
    await vi.advanceTimersByTimeAsync(DAY);
    // Not asked for the outcome of a handling it never took: asked to take the case in.
    const district = await nthMail(c.id, TPTD_GARUT, 1);
    expect(district.subject).toBe(`Dialihkan kepada Anda: Laporan kasus PPKS perlu ditindaklanjuti: ${c.id}`);
    await levelIs(c.id, "district");
    const page = await (await open(actionLink(district))).text();
    expect(page).toContain("Tangani");
    expect(page).not.toContain("Perpanjang");
    const lapsed = await caseNow(c.id);
    expect(lapsed.stage).toBe("response");
    expect(lapsed.assignee).toBeUndefined();
    expect((await events(c.id)).slice(-2)).toEqual(["handling-lapsed", "escalated"]);

    await decideOk(actionLink(district), { decision: "handle" });
    const handling = await nthMail(c.id, TPTD_GARUT, 2);
    expect(handling.subject).toBe(`Laporkan hasil penanganan kasus PPKS: ${c.id}`);
    expect(await caseNow(c.id)).toMatchObject({ stage: "handling", level: "district", assignee: TPTD_GARUT });
  });

  it("handle may assign a PSM: a member number of the kabupaten, checked on the page, becomes the assignee", async () => {
    const { case: c } = await report();
    const request = await nthMail(c.id, KADES_CIKAJANG, 1);
    const page = await (await open(actionLink(request))).text();
    expect(page).toContain('name="assignee"');
    const wrong = await decide(actionLink(request), { decision: "handle", assignee: "PSM-3273-000001" });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("PSM-3205-000001");
    await decideOk(actionLink(request), { decision: "handle", assignee: "psm-3205-000042" });
    await nthMail(c.id, KADES_CIKAJANG, 2);
    await until(async () => (await caseNow(c.id)).assignee === "PSM-3205-000042", "the PSM assigned");
    // Typed with another option, the field is not taken.
    const other = await report({ subjectName: "Aki Dadang Sulaeman" });
    const otherRequest = await nthMail(other.case.id, KADES_CIKAJANG, 1);
    await decideOk(actionLink(otherRequest), {
      decision: "refer",
      reason: "Perlu panti sosial kabupaten.",
      assignee: "bukan nomor",
    });
    await nthMail(other.case.id, TPTD_GARUT, 1);
    expect((await caseNow(other.case.id)).assignee).toBeUndefined();
  });

  it("refer: the village sends the case to the district, which refers it on to the province", async () => {
    const { case: c } = await report();
    const request = await nthMail(c.id, KADES_CIKAJANG, 1);
    await decideOk(actionLink(request), { decision: "refer", reason: "Perlu panti sosial kabupaten." });
    const district = await nthMail(c.id, TPTD_GARUT, 1);
    expect(await caseNow(c.id)).toMatchObject({ level: "district", stage: "response" });
    await decideOk(actionLink(district), { decision: "handle" });
    const handling = await nthMail(c.id, TPTD_GARUT, 2);
    expect(handling.subject).toBe(`Laporkan hasil penanganan kasus PPKS: ${c.id}`);
    await decideOk(actionLink(handling), {
      decision: "refer",
      reason: "Perlu rehabilitasi di balai provinsi.",
    });
    const province = await nthMail(c.id, PROVINCE, 1);
    expect(province.subject).toContain("Laporan kasus PPKS perlu ditindaklanjuti");
    expect(await caseNow(c.id)).toMatchObject({ level: "province", stage: "response" });
    // The ask mails first, then records itself on the case.
    await until(async () => (await events(c.id)).length >= 8, "the province's request recorded");
    expect(await events(c.id)).toEqual([
      "reported",
      "decision-requested",
      "referred",
      "decision-requested",
      "taken",
      "decision-requested",
      "referred",
      "decision-requested",
    ]);
  });

  it("close: a reason is required; an anonymous reporter is never mailed, the outcome is recorded", async () => {
    // A person of its own: an anonymous report of a similar name would fold into an open case.
    const { case: c } = await report({ reporter: { kind: "anonymous" }, subjectName: "Mak Icih Rahayu" });
    const request = await nthMail(c.id, KADES_CIKAJANG, 1);
    const refused = await open(actionLink(request));
    expect(refused.status).toBe(200);
    await decideOk(actionLink(request), {
      decision: "close-duplicate",
      reason: "Sama dengan laporan c0000000000.",
    });
    await until(async () => (await caseNow(c.id)).stage === "completed", "the case completed");
    expect(await caseNow(c.id)).toMatchObject({
      status: "closed",
      outcome: "duplicate",
      outcomeSummary: "Sama dengan laporan c0000000000.",
    });
    expect(mailAbout(c.id).every((m) => m.to.includes(KADES_CIKAJANG))).toBe(true);
  });

  it("never asks a reporter about their own action: a village head who reported and closed it", async () => {
    const { case: c } = await report({
      reporter: { kind: "resident", name: "Kepala Desa Cikajang", email: KADES_CIKAJANG },
      subjectName: "Abah Udin Sumarna",
    });
    const request = await nthMail(c.id, KADES_CIKAJANG, 1);
    await decideOk(actionLink(request), {
      decision: "close-already-handled",
      reason: "Sudah kami antar ke puskesmas.",
    });
    await until(async () => (await caseNow(c.id)).stage === "completed", "the case completed");
    expect(await caseNow(c.id)).toMatchObject({ status: "closed", outcome: "already-handled" });
    // Only the request itself: no "has your report been handled?" to the one who just closed it.
    expect(mailAbout(c.id, KADES_CIKAJANG)).toHaveLength(1);
  });

  it("extend: once, with a reason; the deadline starts again and the option is gone", async () => {
    const { case: c, handling } = await taken("emergency");
    await vi.advanceTimersByTimeAsync(2 * DAY);
    await decideOk(actionLink(handling), { decision: "extend", reason: "Menunggu jadwal panti." });
    const extended = await nthMail(c.id, KADES_CIKAJANG, 3);
    expect(extended.subject).toBe(`Laporkan hasil penanganan kasus PPKS: ${c.id}`);
    const page = await (await open(actionLink(extended))).text();
    expect(page).not.toContain("Perpanjang");
    expect(page).toContain("Sudah ditangani");
    await dueIn(c.id, 3 * DAY, extended);
    expect(await events(c.id)).toContain("extended");
  });
});
