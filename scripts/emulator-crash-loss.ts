/**
 * How many acknowledged writes DynamoDB Local loses when it is stopped right after answering.
 * Each run starts the emulator on a fresh data directory (as `npm start` does: -sharedDb -dbPath),
 * creates the table, writes one registration and its NIK claim in a TransactWriteItems (as
 * createRegistration does), then at once kills the emulator (kill: SIGKILL), sends it SIGTERM without
 * a flush (term: how the stack stopped it before), or stops it the way the stack does now (stop: flush,
 * then SIGTERM); starts it again on the same directory and looks for both items.
 *
 *   node --import tsx scripts/emulator-crash-loss.ts [runs=10] [kill|term|stop ...]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetItemCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import {
  ensureTable,
  freePort,
  isAlive,
  localClient,
  startDynamoDbLocal,
} from "../packages/local/src/dynamodb-local";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const runs = Number(process.argv[2] ?? 10);
const modes = process.argv.slice(3).length ? process.argv.slice(3) : ["kill", "stop"];
const table = "crash-loss";

async function once(mode: string): Promise<boolean> {
  const dataDirectory = mkdtempSync(join(tmpdir(), "sigap-crash-loss-"));
  const port = await freePort();
  try {
    const emulator = await startDynamoDbLocal({ port, dataDirectory });
    await ensureTable(emulator.endpoint, table);
    const client = localClient(emulator.endpoint);
    const put = (pk: string) => ({
      Put: {
        TableName: table,
        Item: { pk: { S: pk }, sk: { S: pk } },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    });
    await client.send(new TransactWriteItemsCommand({ TransactItems: [put("REGISTRATION"), put("NIK")] }));
    client.destroy();
    if (mode === "kill" || mode === "term") {
      // term: SIGTERM without the stack's flush, as a stop did before it had one.
      const pid = Number(readFileSync(join(dataDirectory, "dynamodb-local.pid"), "utf8"));
      process.kill(pid, mode === "kill" ? "SIGKILL" : "SIGTERM");
      while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
    } else {
      await emulator.stop();
    }
    const again = await startDynamoDbLocal({ port, dataDirectory });
    const reader = localClient(again.endpoint);
    const found = await Promise.all(
      ["REGISTRATION", "NIK"].map(
        async (pk) =>
          (await reader.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: pk } } })))
            .Item,
      ),
    );
    reader.destroy();
    await again.stop();
    return found.every(Boolean);
  } finally {
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

for (const mode of modes) {
  let lost = 0;
  for (let run = 0; run < runs; run++) if (!(await once(mode))) lost++;
  console.log(
    `${{ kill: "SIGKILL", term: "SIGTERM without flush", stop: "the stack's stop (flush, SIGTERM)" }[mode] ?? mode} right after the answer: lost ${lost} of ${runs}`,
  );
}
