import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { ensureTable } from "../../packages/local/src/dynamodb-local";
import { localEnvironment } from "../../packages/local/src/environment";

// Every test file runs against its own fresh table in the shared DynamoDB Local, with the same
// environment `npm start` gives the application. Step Functions tests start their own endpoint.
const endpoint = inject("dynamodbEndpoint");
const tableName = `test-${randomUUID()}`;
Object.assign(
  process.env,
  localEnvironment({ api: 0, dynamodb: Number(new URL(endpoint).port), stepFunctions: 1 }, { tableName }),
  {
    POWERTOOLS_LOG_LEVEL: "SILENT",
    MAIL_OUTBOX_FILE: "",
  },
);
await ensureTable(endpoint, tableName);
