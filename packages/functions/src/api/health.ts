import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { ListStateMachinesCommand } from "@aws-sdk/client-sfn";
import { settings } from "@sigap/core/config/settings";
import { db } from "@sigap/core/db/client";
import { tableName } from "@sigap/core/resources";
import { sfn } from "@sigap/core/workflow/client";
import { Hono } from "hono";

type DependencyState = { status: "up" } | { status: "down"; error: string };

const CHECK_TIMEOUT_MS = 2000;

async function check(probe: (signal: AbortSignal) => Promise<unknown>): Promise<DependencyState> {
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  try {
    await probe(signal);
    return { status: "up" };
  } catch (error) {
    return {
      status: "down",
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

/** `GET /health`: 200 when every dependency answers, 503 naming the one that does not. */
export const health = new Hono().get("/", async (c) => {
  const [dynamodb, stepfunctions] = await Promise.all([
    check((abortSignal) => db().send(new DescribeTableCommand({ TableName: tableName() }), { abortSignal })),
    check((abortSignal) => sfn().send(new ListStateMachinesCommand({ maxResults: 1 }), { abortSignal })),
  ]);
  const dependencies = {
    dynamodb,
    stepfunctions,
    mail: { status: "up", transport: settings().mailTransport } as const,
  };
  const healthy = Object.values(dependencies).every((d) => d.status === "up");
  c.header("Cache-Control", "no-store");
  return c.json({ status: healthy ? "ok" : "degraded", dependencies }, healthy ? 200 : 503);
});
