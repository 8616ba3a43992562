// `npm run bench`, the case-escalation workflow's paths (see scripts/bench/workflows.ts): a report
// saved and started as POST /v1/cases does, then answered (or not) through the action links.
import { createCase, getCase } from "../../packages/core/src/case/repository";
import { validateCase } from "../../packages/core/src/case/schema";
import { caseReconciler, startCaseEscalation } from "../../packages/core/src/case/workflow";
import type { AppStack } from "../../test/support/app-stack";
import { decide, expectStatuses, nthLink, type PathResult, transitionsOf, until } from "./workflow-history";

const WORKFLOW = "case-escalation";
/** The sample directory's case handler of Desa Cikajang (packages/core/src/staff/seed.ts). */
const KADES_CIKAJANG = "kades.cikajang@garutkab.example.go.id";

/** Saves a report of its own (a subject no open case has, so nothing folds) and starts its execution. */
async function report(n: number) {
  const reporterEmail = `pelapor.bench${n}@example.com`;
  const input = validateCase({
    ppksType: "lanjut-usia-terlantar",
    urgency: "normal",
    villageCode: "32.05.22.2001",
    location: `Kampung Bench RT 0${n % 9} RW 02, dekat masjid`,
    description: `Seorang warga lanjut usia tinggal sendiri tanpa pengurus (laporan bench ${n}).`,
    subject: { name: `Warga Bench ${n}`, ageYears: 78 },
    reporter: { kind: "resident", name: "Pelapor Bench", email: reporterEmail },
  });
  const created = await createCase(input, { client: `198.51.100.${n % 250}` });
  if (created.folded) throw new Error(`report ${n} folded into ${created.case.id}`);
  await startCaseEscalation(created.case);
  return { caseId: created.case.id, reporterEmail, name: caseReconciler.executionName(created.case) };
}

/** Happy: the village takes the case, reports it resolved, the reporter confirms it was handled. */
export async function caseHappy(stack: AppStack, n: number): Promise<PathResult> {
  const { caseId, reporterEmail, name } = await report(n);
  await decide(stack, await nthLink(KADES_CIKAJANG, caseId, 1), { decision: "handle" });
  await decide(stack, await nthLink(KADES_CIKAJANG, caseId, 2), {
    decision: "resolved",
    reason: "Dirujuk ke panti werdha dan didampingi PSM.",
  });
  await decide(stack, await nthLink(reporterEmail, caseId, 1), { decision: "handled" });
  await until(async () => ((await getCase(caseId))?.stage === "completed" ? true : undefined), "completed");
  const { transitions, statuses } = await transitionsOf(stack, WORKFLOW, [name]);
  expectStatuses("case happy path", statuses, ["SUCCEEDED"]);
  return {
    workflow: WORKFLOW,
    path: "happy: village handles → resolved → reporter confirms",
    transitions,
    executions: 1,
  };
}

/** Escalation: nobody takes the case in; reminders, village → district → province, silent rounds, Parked. */
export async function caseEscalation(stack: AppStack, n: number): Promise<PathResult> {
  const { name } = await report(n);
  const { transitions, statuses } = await transitionsOf(stack, WORKFLOW, [name]);
  expectStatuses("case escalation path", statuses, ["SUCCEEDED"]);
  return {
    workflow: WORKFLOW,
    path: "escalation: nobody responds → province → Parked",
    transitions,
    executions: 1,
  };
}
