// `npm run bench`, state transitions and their cost: each path driven in-process on the local engine
// (scripts/bench/in-process.ts; waits shrunk by SLA_SCALE), its transitions counted from the
// execution's history as Step Functions bills them — one per state entered — and priced at Standard
// workflows' $0.025 per 1,000 transitions, per 1,000 runs of the path.
import { StartExecutionCommand } from "@aws-sdk/client-sfn";
import { getRegistration } from "../../packages/core/src/registration/repository";
import { executionName } from "../../packages/core/src/registration/workflow";
import { stateMachineArn } from "../../packages/core/src/resources";
import { workflows } from "../../packages/core/src/workflow/registry";
import type { AppStack } from "../../test/support/app-stack";
import { staffToken } from "../../test/support/staff-token";
import { applicant } from "./registration";
import {
  offerAccepted,
  offerLapsed,
  sessionCancelled,
  sessionHappy,
  sessionRescheduled,
} from "./workflow-bimtek";
import { caseEscalation, caseHappy } from "./workflow-cases";
import {
  DOLLARS_PER_TRANSITION,
  decide,
  expectStatuses,
  mailTo,
  type PathResult,
  transitionsOf,
  until,
} from "./workflow-history";

const VILLAGE_HEAD = "kades.cikajang@garutkab.example.go.id";
const DISTRICT = "psm@dinsos.garutkab.example.go.id";

async function register(stack: AppStack, n: number): Promise<{ id: string; name: string }> {
  const person = applicant(n);
  const response = await stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(person),
  });
  if (response.status !== 202) throw new Error(`registration answered ${response.status}`);
  return { id: ((await response.json()) as { id: string }).id, name: String(person.fullName) };
}

/** The action link of the newest email to `to` about `name`, once sent. */
const linkTo = (to: string, name: string) =>
  until(
    () =>
      mailTo(to, name)
        .at(-1)
        ?.links.find((l) => l.includes("/v1/actions/")),
    `the email to ${to} about ${name}`,
  );

/** Recruitment, happy: the village head recommends, Bimtek dasar is completed, the district approves. */
async function recruitmentHappy(stack: AppStack, n: number): Promise<PathResult> {
  const { id, name } = await register(stack, n);
  await decide(stack, await linkTo(VILLAGE_HEAD, name), { decision: "recommend" });
  await until(
    async () => ((await getRegistration(id))?.stage === "basic-training" ? true : undefined),
    "training",
  );
  const token = await staffToken("district", "32.05");
  await until(async () => {
    const response = await stack.app.request(`/v1/staff/registrations/${id}/training-completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ completedAt: "2026-11-20", note: "Bench" }),
    });
    return response.status === 202 ? true : undefined; // the wait's token may not be recorded yet
  }, "the training completion");
  await decide(stack, await linkTo(DISTRICT, name), { decision: "approve" });
  const registration = await getRegistration(id);
  if (!registration) throw new Error("registration vanished");
  const { transitions, statuses } = await transitionsOf(stack, "recruitment", [executionName(registration)]);
  expectStatuses("recruitment happy path", statuses, ["SUCCEEDED"]);
  return {
    workflow: "recruitment",
    path: "happy: recommend → Bimtek dasar → approve",
    transitions,
    executions: 1,
  };
}

/** Recruitment, escalation: nobody answers; reminders, village → district → province, silent rounds, Parked. */
async function recruitmentEscalation(stack: AppStack, n: number): Promise<PathResult> {
  const { id } = await register(stack, n);
  const registration = await until(() => getRegistration(id), "the registration");
  const { transitions, statuses } = await transitionsOf(stack, "recruitment", [executionName(registration)]);
  expectStatuses("recruitment escalation path", statuses, ["SUCCEEDED"]);
  return {
    workflow: "recruitment",
    path: "escalation: nobody answers → province → Parked",
    transitions,
    executions: 1,
  };
}

/** The system check an IT officer starts after a deploy: one task sends a test email. It has no other path. */
async function systemCheck(stack: AppStack): Promise<PathResult> {
  const { executionArn } = await stack.client.send(
    new StartExecutionCommand({
      stateMachineArn: stateMachineArn("system-check"),
      input: JSON.stringify({ to: "operator.bench@example.go.id" }),
    }),
  );
  const name = String(executionArn).split(":").pop() as string;
  const { transitions, statuses } = await transitionsOf(stack, "system-check", [name]);
  expectStatuses("system check", statuses, ["SUCCEEDED"]);
  return { workflow: "system-check", path: "happy: test email sent", transitions, executions: 1 };
}

type Path = (stack: AppStack, n: number) => Promise<PathResult>;

/** Every workflow's paths; `n` gives each path people of its own (unique NIKs, case subjects). */
const paths: Array<{ workflow: string; path: string; run: Path }> = [
  { workflow: "system-check", path: "happy", run: (stack) => systemCheck(stack) },
  { workflow: "recruitment", path: "happy", run: recruitmentHappy },
  { workflow: "recruitment", path: "escalation", run: recruitmentEscalation },
  { workflow: "case-escalation", path: "happy", run: caseHappy },
  { workflow: "case-escalation", path: "escalation", run: caseEscalation },
  { workflow: "bimtek-session", path: "happy", run: sessionHappy },
  { workflow: "bimtek-session", path: "rescheduled", run: sessionRescheduled },
  { workflow: "bimtek-session", path: "cancelled", run: sessionCancelled },
  { workflow: "bimtek-offer", path: "happy", run: offerAccepted },
  { workflow: "bimtek-offer", path: "escalation", run: offerLapsed },
];

const dollarsPerThousand = (transitions: number) => (transitions * DOLLARS_PER_TRANSITION * 1000).toFixed(2);

export async function workflowTransitionsTable(stack: AppStack): Promise<string> {
  const rows: string[] = [];
  // One path at a time: the counts do not depend on it, and the machine is shared.
  for (const [i, { workflow, path, run }] of paths.entries()) {
    try {
      const r = await run(stack, 100 + 10 * i);
      rows.push(
        `| ${r.workflow} | ${r.path} | ${r.executions} | ${r.transitions} | ${dollarsPerThousand(r.transitions)} |`,
      );
    } catch (error) {
      rows.push(`| ${workflow} | ${path} | | _failed: ${(error as Error).message}_ | |`);
    }
  }
  // A workflow added to the registry without a path here is said, not silently left out.
  const driven = new Set(paths.map((p) => p.workflow));
  for (const { name } of workflows.filter((w) => !driven.has(w.name))) {
    rows.push(`| ${name} | | | _no path driven yet (scripts/bench/workflows.ts)_ | |`);
  }
  return [
    "### State transitions per run (Standard workflows, $0.025 per 1,000 transitions)",
    "",
    "| workflow | path | executions | transitions | $ per 1,000 runs |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}
