// `npm run bench:restart [-- N]`: what a restart costs with N open registrations (default 5000),
// each waiting on an unexpired village approval (as after a crash of the local engine, whose
// executions live in memory). Seeds them straight into a fresh data directory (BatchWrite), starts
// `npm start` on free ports and prints: time until /health answers 200, time until the background
// reconciliation finished, time until every waiting approval was resumed (its link re-bound to the
// new execution), and how many emails the restart sent (0 expected: every link is still valid).
// Figures, not assertions: the machines are noisy.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { actionKeys } from "../packages/core/src/action/keys";
import { registrationKeys } from "../packages/core/src/registration/keys";
import { ensureTable, freePort, localClient, startDynamoDbLocal } from "../packages/local/src/dynamodb-local";
import { npmStart } from "../test/support/npm-start";

const count = Number(process.argv[2] ?? process.env.BENCH_REGISTRATIONS ?? 5000);
const TABLE = "sigap-local"; // what `npm start` uses
const VILLAGE = "32.05.22.2001"; // Desa Cikajang, Garut: has an approver in the sample directory
const STALE_TOKEN = `AQ${"x".repeat(100)}`; // the lost execution's task: no longer exists
const dataDirectory = mkdtempSync(join(tmpdir(), "sigap-bench-restart-"));
const ports = { api: await freePort(), dynamodb: await freePort(), stepFunctions: await freePort() };
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function itemsOf(n: number, now: Date): Record<string, unknown>[] {
  const id = `bench${String(n).padStart(7, "0")}`;
  const createdAt = new Date(now.getTime() - 3600_000 + n).toISOString();
  const validUntil = new Date(now.getTime() + 2 * 24 * 3600_000).toISOString();
  const actionId = randomBytes(24).toString("base64url");
  const approver = { name: "Kepala Desa Cikajang", email: "kades.cikajang@garutkab.example.go.id" };
  return [
    {
      ...registrationKeys.registration(id),
      ...registrationKeys.byStatus("submitted", createdAt, id),
      ...registrationKeys.byRegion(VILLAGE, createdAt, id),
      entity: "registration",
      id,
      status: "submitted",
      stage: "village-recommendation",
      createdAt,
      updatedAt: createdAt,
      fullName: `Pendaftar Bench ${n}`,
      nikMasked: "3205********0001",
      villageCode: VILLAGE,
      email: `bench${n}@example.com`,
      warnings: [],
    },
    {
      ...actionKeys.action(actionId),
      entity: "action",
      id: actionId,
      status: "pending",
      taskToken: STALE_TOKEN,
      workflow: "recruitment",
      subjectType: "registration",
      subjectId: id,
      step: "village-recommendation",
      level: "village",
      regionCode: VILLAGE,
      addressee: approver,
      onBehalf: false,
      question: "Apakah Anda merekomendasikan warga ini?",
      options: [{ value: "recommend", label: "Rekomendasikan" }],
      createdAt,
      validUntil,
      mailedAt: createdAt,
    },
    {
      ...actionKeys.current("registration", id, "village-recommendation"),
      entity: "current-actions",
      actionIds: [actionId],
      approval: { startLevel: "village", level: "village", reminders: 0 },
      validUntil,
    },
  ];
}

async function seed(): Promise<void> {
  const dynamodb = await startDynamoDbLocal({
    port: ports.dynamodb,
    dataDirectory: join(dataDirectory, "dynamodb"),
  });
  try {
    await ensureTable(dynamodb.endpoint, TABLE);
    const client = DynamoDBDocumentClient.from(localClient(dynamodb.endpoint));
    const now = new Date();
    const items = Array.from({ length: count }, (_, n) => itemsOf(n, now)).flat();
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        let pending = (batches[next++] ?? []).map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const { UnprocessedItems } = await client.send(
            new BatchWriteCommand({ RequestItems: { [TABLE]: pending } }),
          );
          pending = (UnprocessedItems?.[TABLE] ?? []) as typeof pending;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    console.log(
      `seeded ${count} open registrations (${items.length} items) in ${seconds(performance.now() - started)}`,
    );
    client.destroy();
  } finally {
    await dynamodb.stop();
  }
}

/** Approvals still bound to the lost execution's task (not yet resumed). */
async function staleApprovals(): Promise<number> {
  const client = DynamoDBDocumentClient.from(localClient(`http://127.0.0.1:${ports.dynamodb}`));
  let stale = 0;
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: TABLE,
          FilterExpression: "taskToken = :stale",
          ExpressionAttributeValues: { ":stale": STALE_TOKEN },
          Select: "COUNT",
          ExclusiveStartKey: startKey,
        }),
      );
      stale += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  } finally {
    client.destroy();
  }
  return stale;
}

const outboxFile = join(dataDirectory, "outbox.jsonl");
const emails = () =>
  existsSync(outboxFile) ? readFileSync(outboxFile, "utf8").split("\n").filter(Boolean).length : 0;

async function restart(): Promise<void> {
  const run = npmStart({ ports, dataDirectory, env: { POWERTOOLS_LOG_LEVEL: "WARN" } });
  try {
    console.log(`healthy after            ${seconds(await run.healthy(10 * 60_000))}`);
    const started = performance.now();
    const limit = started + 30 * 60_000;
    const reconciled = () => run.output().match(/Reconciliation finished[^\n]*/)?.[0];
    while (reconciled() === undefined) {
      if (run.child.exitCode !== null || performance.now() > limit)
        throw new Error(`no reconciliation:\n${run.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`  ${reconciled()}`);
    for (;;) {
      const stale = await staleApprovals();
      if (stale === 0) break;
      if (performance.now() > limit) throw new Error(`${stale} approvals never resumed`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(
      `all approvals resumed    ${seconds(performance.now() - started)} after healthy (links re-bound)`,
    );
    console.log(`emails sent by restart   ${emails()}`);
  } finally {
    await run.stop();
  }
}

console.log(
  `bench:restart with ${count} open registrations waiting on a valid link (data: ${dataDirectory})`,
);
try {
  await seed();
  await restart();
} finally {
  rmSync(dataDirectory, { recursive: true, force: true });
}
