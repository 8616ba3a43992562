/**
 * Shared by the case-escalation tests: the real state machine on the local engine, the real task
 * handlers, DynamoDB Local, the API app (for the action links), with fake timers standing in for days.
 * Each test file calls `useCaseStack()` once at its top.
 */
import { getCurrentRequest } from "@sigap/core/action/repository";
import type { Case } from "@sigap/core/case/model";
import { createCase, getCase, listEvents } from "@sigap/core/case/repository";
import { validateCase } from "@sigap/core/case/schema";
import { startCaseEscalation } from "@sigap/core/case/workflow";
import { outbox } from "@sigap/core/mail/outbox";
import { afterAll, beforeAll, expect } from "vitest";
import { type AppStack, startAppStack } from "./app-stack";
import { actionLink, path, pump, until, useFakeWorkflowClock } from "./fake-clock";

export { actionLink, path, pump, until };

export const HOUR = 3600 * 1000;
export const DAY = 24 * HOUR;

/** The sample directory (packages/core/src/staff/seed.ts). */
export const KADES_CIKAJANG = "kades.cikajang@garutkab.example.go.id";
export const TPTD_GARUT = "tptd@dinsos.garutkab.example.go.id";
export const PROVINCE = "dinsos.prov@jabarprov.example.go.id";
export const PPA_GARUT = "uptdppa@garutkab.example.go.id";
export const CIKAJANG = "32.05.22.2001";
/** Desa Simpang (Garut): nobody listed for any duty. */
export const SIMPANG = "32.05.22.2002";

let stack: AppStack;

/** Starts the stack for the file and fakes the clock for each test. */
export function useCaseStack(): () => AppStack {
  // A jump of days on the fake clock would fire every in-flight SDK request's timeout.
  process.env.AWS_CONNECT_TIMEOUT_MS = "0";
  process.env.AWS_REQUEST_TIMEOUT_MS = "0";
  beforeAll(async () => {
    stack = await startAppStack();
  });
  afterAll(() => stack.close());
  useFakeWorkflowClock();
  return () => stack;
}

let serial = 0;
export interface ReportOptions {
  ppksType?: string;
  urgency?: "emergency" | "high" | "normal";
  villageCode?: string;
  reporter?: Record<string, string>;
  subjectName?: string;
  /** Saved but not started: a crash between the save and the start. */
  start?: boolean;
}

/** Saves a report as POST /v1/cases does and starts its execution. */
export async function report(options: ReportOptions = {}): Promise<{ case: Case; reporterEmail?: string }> {
  serial += 1;
  const reporter = options.reporter ?? {
    kind: "resident",
    name: "Pelapor Uji",
    email: `pelapor${serial}-${process.pid}@example.com`,
  };
  const input = validateCase({
    ppksType: options.ppksType ?? "lanjut-usia-terlantar",
    urgency: options.urgency ?? "normal",
    villageCode: options.villageCode ?? CIKAJANG,
    location: `Kampung Uji RT 0${serial % 9} RW 02, dekat masjid`,
    description: `Seorang warga lanjut usia tinggal sendiri tanpa pengurus (laporan ${serial}).`,
    subject: { name: options.subjectName ?? `Warga Uji Satu ${serial}`, ageYears: 78 },
    reporter,
  });
  const created = await pump(createCase(input, { client: `198.51.100.${serial % 250}` }));
  // As POST /v1/cases: a report folded into an open case starts nothing; a test wants a case of its own.
  if (created.folded) throw new Error(`Report folded into ${created.case.id}: give it a subject of its own`);
  if (options.start !== false) await pump(startCaseEscalation(created.case));
  return { case: created.case, ...(reporter.email ? { reporterEmail: reporter.email } : {}) };
}

/** Mail about this case (its code is in every subject), oldest first. */
export const mailAbout = (caseId: string, to?: string) =>
  outbox()
    .list()
    .reverse()
    .filter((m) => m.subject.includes(caseId) && (!to || m.to.includes(to)));

export const open = (link: string) => pump(stack.app.request(path(link)));
export async function decide(link: string, fields: Record<string, string>): Promise<Response> {
  return pump(
    stack.app.request(path(link), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    }),
  );
}

/** Decides and expects the decision to be recorded. */
export async function decideOk(link: string, fields: Record<string, string>): Promise<void> {
  const response = await decide(link, fields);
  expect(response.status, await response.clone().text()).toBe(200);
}

export const caseNow = (id: string) => pump(getCase(id)) as Promise<Case>;
export const events = async (id: string) => (await pump(listEvents(id))).map((e) => e.event);
export const stageIs = (id: string, stage: Case["stage"]) => async () => (await caseNow(id)).stage === stage;
export const requestOf = (id: string, step: string) =>
  pump(getCurrentRequest({ subjectType: "case", subjectId: id, step }));

/** Waits until the case records `level` (the ask mails first, then records where the case is). */
export const levelIs = (id: string, level: Case["level"]) =>
  until(async () => (await caseNow(id)).level === level, `${id} at ${level}`);

/** Waits until `count` emails about the case reached `to`, and returns the last. */
export const nthMail = (caseId: string, to: string, count: number) =>
  until(() => mailAbout(caseId, to)[count - 1], `mail ${count} about ${caseId} to ${to}`);

/**
 * Waits until the case records a deadline `ms` after `asked` was mailed, give or take `SLACK`:
 * pumping DynamoDB Local's I/O moves the fake clock on (a minute or more between an ask's save
 * and its email on a busy machine), far less than the hours and days the policies differ by.
 */
const SLACK = 10 * 60_000;
export function dueIn(caseId: string, ms: number, asked: { sentAt: string }): Promise<Case> {
  return until(
    async () => {
      const found = await caseNow(caseId);
      const due = found.dueAt ? Date.parse(found.dueAt) : Number.NaN;
      return Math.abs(due - (Date.parse(asked.sentAt) + ms)) < SLACK ? found : undefined;
    },
    `the deadline of ${caseId} ${ms / DAY} days after ${asked.sentAt}`,
  );
}
