// `npm run bench`, state transitions and their cost: each path driven in-process on the local engine
// (scripts/bench/in-process.ts; waits shrunk by SLA_SCALE), its transitions counted from the
// execution's history as Step Functions bills them — one per state entered — and priced at Standard
// workflows' $0.025 per 1,000 transitions, per 1,000 runs of the path.
import { DescribeExecutionCommand, GetExecutionHistoryCommand } from "@aws-sdk/client-sfn";
import { outbox } from "../../packages/core/src/mail/outbox";
import { getRegistration } from "../../packages/core/src/registration/repository";
import { executionName } from "../../packages/core/src/registration/workflow";
import { stateMachineArn } from "../../packages/core/src/resources";
import type { AppStack } from "../../test/support/app-stack";
import { staffToken } from "../../test/support/staff-token";
import { todo } from "./optional";
import { applicant } from "./registration";

/** Standard workflows, per state transition (us-east-1 and ap-southeast-3 list the same price). */
const DOLLARS_PER_TRANSITION = 0.025 / 1000;
const PATIENCE_MS = 120_000;
const VILLAGE_HEAD = "kades.cikajang@garutkab.example.go.id";
const DISTRICT = "psm@dinsos.garutkab.example.go.id";

interface PathResult {
  workflow: string;
  path: string;
  transitions: number;
  executions: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = performance.now() + PATIENCE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`workflow bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** States entered over an execution's whole history, once it has ended. */
async function transitionsOf(stack: AppStack, executionArn: string): Promise<number> {
  await until(async () => {
    const { status } = await stack.client.send(new DescribeExecutionCommand({ executionArn }));
    return status === "RUNNING" ? undefined : status;
  }, `the end of ${executionArn}`);
  let transitions = 0;
  let nextToken: string | undefined;
  do {
    const page = await stack.client.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    transitions += (page.events ?? []).filter((e) => e.type?.endsWith("StateEntered")).length;
    nextToken = page.nextToken;
  } while (nextToken);
  return transitions;
}

const executionArnOf = (workflow: string, name: string) =>
  `${stateMachineArn(workflow).replace(":stateMachine:", ":execution:")}:${name}`;

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

/** The action link of the newest email to `to` about `name`. */
const linkTo = (to: string, name: string) =>
  outbox()
    .page({ limit: 50 })
    ?.find((m) => m.to.includes(to) && m.subject.includes(name))
    ?.links.find((l) => l.includes("/v1/actions/"));

async function decide(stack: AppStack, link: string, decision: string): Promise<void> {
  const response = await stack.app.request(new URL(link).pathname, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ decision }).toString(),
  });
  if (response.status !== 200) throw new Error(`decision answered ${response.status}`);
}

/** Recruitment, happy: the village head recommends, Bimtek dasar is completed, the district approves. */
async function recruitmentHappy(stack: AppStack, n: number): Promise<PathResult> {
  const { id, name } = await register(stack, n);
  await decide(
    stack,
    await until(() => linkTo(VILLAGE_HEAD, name), "the recommendation request"),
    "recommend",
  );
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
  await decide(stack, await until(() => linkTo(DISTRICT, name), "the verification request"), "approve");
  const registration = await getRegistration(id);
  if (!registration) throw new Error("registration vanished");
  const transitions = await transitionsOf(stack, executionArnOf("recruitment", executionName(registration)));
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
  const transitions = await transitionsOf(stack, executionArnOf("recruitment", executionName(registration)));
  return {
    workflow: "recruitment",
    path: "escalation: nobody answers → province → Parked",
    transitions,
    executions: 1,
  };
}

export async function workflowTransitionsTable(stack: AppStack): Promise<string> {
  const results = [await recruitmentHappy(stack, 100), await recruitmentEscalation(stack, 101)];
  const lines = [
    "### State transitions per run (Standard workflows, $0.025 per 1,000 transitions)",
    "",
    "| workflow | path | transitions | $ per 1,000 runs |",
    "|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.workflow} | ${r.path} | ${r.transitions} | ${(r.transitions * DOLLARS_PER_TRANSITION * 1000).toFixed(2)} |`,
    ),
    `| case escalation, bimtek session, bimtek offer, system check | happy / escalation | ${todo("not driven yet")} | |`,
  ];
  return lines.join("\n");
}
