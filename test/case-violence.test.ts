/**
 * The case-escalation workflow's violence route (UU TPKS), its recovery after a crash between the
 * save and the start, and the reporter's "not yet" reopening a closed case.
 */

import { listEvents } from "@sigap/core/case/repository";
import { outbox } from "@sigap/core/mail/outbox";
import { reconcileWorkflows } from "@sigap/core/workflow/reconcilers";
import { describe, expect, it, vi } from "vitest";
import {
  actionLink,
  caseNow,
  decideOk,
  events,
  HOUR,
  KADES_CIKAJANG,
  levelIs,
  mailAbout,
  nthMail,
  open,
  PPA_GARUT,
  PROVINCE,
  pump,
  report,
  TPTD_GARUT,
  until,
  useCaseStack,
} from "./support/cases";
import { capturedLogs } from "./support/logs";

useCaseStack();

describe("case escalation: violence route", () => {
  it("goes to the kabupaten's UPTD PPA at once, reminds in hours, then the province; no personal data in any email or log", async () => {
    const secretName = "Siti Korban Rahasia";
    let reported: Awaited<ReturnType<typeof report>> | undefined;
    const logged = await capturedLogs(async () => {
      reported = await violenceCase(secretName);
    });
    const c = (reported as Awaited<ReturnType<typeof report>>).case;
    const mails = outbox()
      .list()
      .filter((m) => m.subject.includes(c.id));
    expect(mails.length).toBeGreaterThanOrEqual(5);
    for (const mail of mails) {
      for (const secret of [secretName, c.description, c.location, "Kampung Uji"]) {
        expect(mail.text).not.toContain(secret);
        expect(mail.html).not.toContain(secret);
      }
      expect(mail.text).toContain(c.id);
      expect(mail.text).toContain("Anak yang Menjadi Korban Tindak Kekerasan");
    }
    expect(logged).toContain(c.id);
    for (const secret of [secretName, c.description, c.location]) expect(logged).not.toContain(secret);
  });
});

/** A violence case through the PPA, its reminders and the province, which takes it. */
async function violenceCase(secretName: string) {
  const reported = await report({
    ppksType: "anak-korban-kekerasan",
    urgency: "normal",
    subjectName: secretName,
  });
  const c = reported.case;
  const ppa = await nthMail(c.id, PPA_GARUT, 1);
  expect(await caseNow(c.id)).toMatchObject({ level: "ppa", violence: true, sensitive: true });
  // Skips the village entirely.
  expect(mailAbout(c.id, KADES_CIKAJANG)).toHaveLength(0);
  expect(ppa.text).toContain("UPTD PPA");
  // The details are on the PPA's own action page only.
  expect(await (await open(actionLink(ppa))).text()).toContain(secretName);

  // 6 hours a round, two reminders, then the province.
  await vi.advanceTimersByTimeAsync(6 * HOUR - 60_000);
  expect(mailAbout(c.id, PPA_GARUT)).toHaveLength(1);
  await vi.advanceTimersByTimeAsync(60_000);
  await nthMail(c.id, PPA_GARUT, 2);
  await vi.advanceTimersByTimeAsync(6 * HOUR);
  await nthMail(c.id, PPA_GARUT, 3);
  await vi.advanceTimersByTimeAsync(6 * HOUR);
  const province = await nthMail(c.id, PROVINCE, 1);
  await levelIs(c.id, "province");
  expect(mailAbout(c.id, TPTD_GARUT)).toHaveLength(0);
  await decideOk(actionLink(province), { decision: "handle" });
  await nthMail(c.id, PROVINCE, 2);
  return reported;
}

describe("case escalation: recovery and reopening", () => {
  it("a case saved but never started (a crash before the start) is started by the reconciler", async () => {
    const { case: c } = await report({ start: false });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(mailAbout(c.id)).toHaveLength(0);
    const counts = await pump(reconcileWorkflows());
    expect(counts["case-escalation"]?.started).toBeGreaterThanOrEqual(1);
    await nthMail(c.id, KADES_CIKAJANG, 1);
    // The marker is gone: the next run starts nothing for it.
    const again = await pump(reconcileWorkflows());
    expect(again["case-escalation"]?.started).toBe(0);
  });

  it("the reporter's 'not yet' reopens the case where it was closed; the second time, one level up", async () => {
    const { case: c, reporterEmail } = await report({ urgency: "high" });
    const reporter = reporterEmail as string;
    const request = await nthMail(c.id, KADES_CIKAJANG, 1);
    await decideOk(actionLink(request), {
      decision: "close-not-ppks",
      reason: "Warga mampu, tinggal bersama anak.",
    });
    const told = await nthMail(c.id, reporter, 1);
    expect(told.text).toContain("Bukan kasus PPKS");
    await decideOk(actionLink(told), { decision: "not-yet", reason: "Nenek masih sendirian kemarin malam." });

    // Reopened at the village, which closed it; the handler reads why, and the remark is in the trail.
    const reopened = await nthMail(c.id, KADES_CIKAJANG, 2);
    expect(reopened.subject).toBe(`Laporan kasus PPKS perlu ditindaklanjuti: ${c.id}`);
    expect(reopened.text).toContain("dibuka kembali");
    const trail = await pump(listEvents(c.id));
    expect(trail.find((e) => e.event === "reopened")?.note).toContain("Nenek masih sendirian kemarin malam.");
    expect(await caseNow(c.id)).toMatchObject({ status: "reopened", level: "village", stage: "response" });
    expect((await caseNow(c.id)).outcome).toBeUndefined();
    await decideOk(actionLink(reopened), {
      decision: "close-already-handled",
      reason: "Sudah dikunjungi kembali.",
    });
    const toldAgain = await nthMail(c.id, reporter, 2);
    await decideOk(actionLink(toldAgain), { decision: "not-yet" });

    // The second time it goes one level up.
    await nthMail(c.id, TPTD_GARUT, 1);
    expect(await caseNow(c.id)).toMatchObject({ status: "reopened", level: "district" });
    expect((await events(c.id)).filter((e) => e === "reopened")).toHaveLength(2);
  });

  it("no answer from the reporter within 10 days leaves the case closed", async () => {
    const { case: c, reporterEmail } = await report();
    const request = await nthMail(c.id, KADES_CIKAJANG, 1);
    await decideOk(actionLink(request), { decision: "close-duplicate", reason: "Sama dengan laporan lain." });
    const told = await nthMail(c.id, reporterEmail as string, 1);
    await vi.advanceTimersByTimeAsync(10 * 24 * HOUR);
    await until(async () => (await caseNow(c.id)).stage === "completed", "the window to lapse");
    expect(await caseNow(c.id)).toMatchObject({ status: "closed", outcome: "duplicate" });
    expect((await open(actionLink(told))).status).toBe(410);
    expect((await events(c.id)).at(-1)).toBe("confirmation-lapsed");
  });
});
