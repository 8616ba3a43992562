// `npm run bench`, DynamoDB calls per submission: in-process (scripts/bench/in-process.ts), with one
// approver listed for the village and warm caches (one submission first), the calls one keyed
// `POST /v1/registrations` makes until the village head's email is in the outbox (issue 10: ≤ 5).
import { randomBytes } from "node:crypto";
import { outbox } from "../../packages/core/src/mail/outbox";
import type { AppStack } from "../../test/support/app-stack";
import { callCounter, todo } from "./optional";
import { applicant } from "./registration";

/** Kepala Desa of the fixture's village in the sample directory (one approver listed). */
const VILLAGE_HEAD = "kades.cikajang@garutkab.example.go.id";
const PATIENCE_MS = 30_000;

async function submitAndAwaitVillageHead(stack: AppStack, n: number): Promise<void> {
  const person = applicant(n);
  const response = await stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": randomBytes(16).toString("hex") },
    body: JSON.stringify(person),
  });
  if (response.status !== 202)
    throw new Error(`registration answered ${response.status}: ${await response.text()}`);
  const deadline = performance.now() + PATIENCE_MS;
  const asked = () =>
    outbox()
      .page({ limit: 20 })
      ?.some((m) => m.to.includes(VILLAGE_HEAD) && m.subject.includes(String(person.fullName)));
  while (!asked()) {
    if (performance.now() > deadline) throw new Error("the village head's email never came");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function submissionCallsTable(stack: AppStack): Promise<string> {
  const title = "### DynamoDB calls per submission (keyed POST → village head's email; target ≤ 5)";
  const counterModule = await callCounter();
  if (!counterModule) return `${title}\n\n${todo("needs packages/local/src/dynamodb-calls.ts (B, calls11)")}`;
  await submitAndAwaitVillageHead(stack, 0); // warms the directory, regions, clients
  const counter = counterModule.countDynamoDbCalls();
  try {
    await submitAndAwaitVillageHead(stack, 1);
    const calls = counter.calls.length;
    const byCommand = Object.entries(counter.byCommand())
      .map(([command, n]) => `${command} ×${n}`)
      .join(", ");
    return [
      title,
      "",
      "| calls | by command | items read |",
      "|---|---|---|",
      `| ${calls} | ${byCommand} | ${counter.itemsRead()} |`,
      "",
      "```",
      counter.describe(),
      "```",
    ].join("\n");
  } finally {
    counter.stop();
  }
}
