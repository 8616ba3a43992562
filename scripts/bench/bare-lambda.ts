/**
 * The bare Lambda the issue measures every bundle against: a minimal Hono handler importing hono,
 * hono/aws-lambda, valibot, lib-dynamodb + client-dynamodb and client-sfn, making one call each.
 * Built with the same esbuild options as the real Lambdas (scripts/bench/lambdas.ts), never deployed.
 */

import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import * as v from "valibot";

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const executions = new SFNClient({});
const Body = v.object({ name: v.pipe(v.string(), v.minLength(1)) });

const app = new Hono().post("/items", async (c) => {
  const parsed = v.safeParse(Body, await c.req.json());
  if (!parsed.success) return c.json({ issues: parsed.issues.length }, 400);
  const id = crypto.randomUUID();
  await documents.send(new PutCommand({ TableName: "bare", Item: { pk: id, name: parsed.output.name } }));
  await executions.send(
    new StartExecutionCommand({ stateMachineArn: "arn:bare", name: id, input: JSON.stringify({ id }) }),
  );
  return c.json({ id }, 202);
});

export const handler = handle(app);
