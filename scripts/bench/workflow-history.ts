// What the workflow paths of `npm run bench` share (scripts/bench/workflows.ts and the paths of each
// domain): waiting on real time, counting an execution's transitions from its history, the outbox's
// action links and answering them through the API. Not test/support's helpers: those nudge vitest's
// fake clock, and the bench runs on the real one with waits shrunk by SLA_SCALE.
import { DescribeExecutionCommand, GetExecutionHistoryCommand } from "@aws-sdk/client-sfn";
import type { SentMail } from "../../packages/core/src/mail/message";
import { outbox } from "../../packages/core/src/mail/outbox";
import { stateMachineArn } from "../../packages/core/src/resources";
import type { AppStack } from "../../test/support/app-stack";

/** Standard workflows, per state transition (us-east-1 and ap-southeast-3 list the same price). */
export const DOLLARS_PER_TRANSITION = 0.025 / 1000;
const PATIENCE_MS = 120_000;

export interface PathResult {
  workflow: string;
  path: string;
  transitions: number;
  executions: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
): Promise<T> {
  const deadline = performance.now() + PATIENCE_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`workflow bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

export const executionArnOf = (workflow: string, name: string) =>
  `${stateMachineArn(workflow).replace(":stateMachine:", ":execution:")}:${name}`;

/** How an execution ended and the states it entered (in order), once it has ended. */
export async function historyOf(
  stack: AppStack,
  executionArn: string,
): Promise<{ status: string; states: string[] }> {
  const status = await until(async () => {
    const described = await stack.client.send(new DescribeExecutionCommand({ executionArn }));
    return described.status === "RUNNING" ? undefined : described.status;
  }, `the end of ${executionArn}`);
  const states: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await stack.client.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    for (const event of page.events ?? []) {
      if (event.type?.endsWith("StateEntered")) states.push(event.stateEnteredEventDetails?.name ?? "?");
    }
    nextToken = page.nextToken;
  } while (nextToken);
  // BENCH_TRACE=1: each execution's states on stderr, to see what a count is made of.
  if (process.env.BENCH_TRACE)
    process.stderr.write(`${executionArn.split(":").pop()} ${status}: ${states.join(" → ")}\n`);
  return { status: status ?? "?", states };
}

/**
 * Transitions over the executions named `names` (attempts of one record: a superseded attempt is
 * billed too). Step Functions bills one transition per state entered.
 */
export async function transitionsOf(
  stack: AppStack,
  workflow: string,
  names: string[],
): Promise<{ transitions: number; statuses: string[] }> {
  let transitions = 0;
  const statuses: string[] = [];
  for (const name of names) {
    const { status, states } = await historyOf(stack, executionArnOf(workflow, name));
    transitions += states.length;
    statuses.push(status);
  }
  return { transitions, statuses };
}

/** Mail to `to` whose subject contains `about`, oldest first. */
export const mailTo = (to: string, about: string): SentMail[] =>
  (outbox().page({ limit: 200 }) ?? [])
    .filter((m) => m.to.includes(to) && m.subject.includes(about))
    .reverse();

/** The action link of the `nth` (1-based) email to `to` about `about`, once it was sent. */
export const nthLink = (to: string, about: string, nth = 1) =>
  until(
    () => mailTo(to, about)[nth - 1]?.links.find((l) => l.includes("/v1/actions/")),
    `email ${nth} to ${to} about ${about}`,
  );

/** Answers an action link as its page's form does. */
export async function decide(stack: AppStack, link: string, fields: Record<string, string>): Promise<void> {
  const response = await stack.app.request(new URL(link).pathname, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  if (response.status !== 200)
    throw new Error(
      `decision ${JSON.stringify(fields)} answered ${response.status}: ${await response.text()}`,
    );
}

/** Throws unless the executions ended as the path says they do (a wrong path must not be priced). */
export function expectStatuses(what: string, statuses: string[], expected: string[]): void {
  if (statuses.join() !== expected.join())
    throw new Error(`${what}: executions ended ${statuses.join(", ")}, expected ${expected.join(", ")}`);
}
