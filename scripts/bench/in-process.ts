// The in-process half of `npm run bench`: what `npm start` runs (the API app, the local Step
// Functions engine with every workflow, the task handlers) in this one process, on its own in-memory
// DynamoDB Local, so the bench can count DynamoDB calls (B's counter sits on this process's client)
// and read execution histories. bench.ts runs this file as a child process: its environment (table,
// endpoints, SLA_SCALE) must not mix with the HTTP comparisons against `npm start`.
//
// Durations are shrunk with SLA_SCALE (every wait becomes Step Functions' minimum of 1 s) instead of
// faking the clock: the state transitions an execution makes do not depend on how long it waited.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { ensureTable, freePort, startDynamoDbLocal } from "../../packages/local/src/dynamodb-local";
import { localEnvironment } from "../../packages/local/src/environment";

const { values: args } = parseArgs({
  options: { only: { type: "string", default: "calls,workflows,jobs" } },
});
const sections = new Set((args.only ?? "").split(","));

const dynamodbLocal = await startDynamoDbLocal({ port: await freePort() });
const tableName = `bench-${randomUUID()}`;
Object.assign(
  process.env,
  localEnvironment(
    { api: 0, dynamodb: Number(new URL(dynamodbLocal.endpoint).port), stepFunctions: 1 },
    { tableName },
  ),
  { POWERTOOLS_LOG_LEVEL: "SILENT", MAIL_OUTBOX_FILE: "", SLA_SCALE: "0.000001" },
);
await ensureTable(dynamodbLocal.endpoint, tableName);
// Imported only now: the settings are read once, from the environment set above.
const { startAppStack } = await import("../../test/support/app-stack");
const stack = await startAppStack();
try {
  if (sections.has("calls")) {
    const { submissionCallsTable } = await import("./calls");
    console.log(`${await submissionCallsTable(stack)}\n`);
  }
  if (sections.has("workflows")) {
    const { workflowTransitionsTable } = await import("./workflows");
    console.log(`${await workflowTransitionsTable(stack)}\n`);
  }
  if (sections.has("jobs")) {
    const { jobReadsTable } = await import("./jobs");
    console.log(await jobReadsTable());
  }
} finally {
  stack.close();
  await dynamodbLocal.stop();
}
// The engine's timers (parked waits of executions still running) must not keep the bench alive.
process.exit(0);
