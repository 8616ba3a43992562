import { join } from "node:path";
import { workflows } from "@sigap/core/workflow/registry";
import { dynamoDbLocalDirectory } from "./dynamodb-local";

export const LOCAL_REGION = "ap-southeast-3";
export const LOCAL_JWT_SECRET = "local-development-jwt-secret-change-me-0001";
export const LOCAL_ACCOUNT = "000000000000";
const APP = "sigap";
const STAGE = "local";

export interface LocalPorts {
  api: number;
  dynamodb: number;
  stepFunctions: number;
}

function port(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 && parsed < 65536 ? parsed : fallback;
}

/** Ports from PORT, DYNAMODB_PORT and SFN_PORT, defaulting to 3000, 8000 and 8083. */
export function localPorts(env: NodeJS.ProcessEnv = process.env): LocalPorts {
  return {
    api: port(env.PORT, 3000),
    dynamodb: port(env.DYNAMODB_PORT, 8000),
    stepFunctions: port(env.SFN_PORT, 8083),
  };
}

export function stateMachineName(workflowName: string): string {
  return `${APP}-${STAGE}-${workflowName}`;
}

export function localFunctionArn(group: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${APP}-${STAGE}-${group}`;
}

/**
 * What the deployed functions get from AWS and SST, for the local stack: endpoints, dummy
 * credentials (so the SDK never looks for real ones) and the linked resources as SST_RESOURCE_*.
 * Values already set in the environment win, except the endpoints, which must match the ports.
 */
export function localEnvironment(
  ports: LocalPorts,
  options: { tableName?: string; dataDirectory?: string } = {},
): Record<string, string> {
  const workflowArns = Object.fromEntries(
    workflows.map((w) => [
      w.name,
      `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${stateMachineName(w.name)}`,
    ]),
  );
  const defaults: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    MAIL_TRANSPORT: "outbox",
    // Local staff tokens (`npm run token`); production verifies an issuer's JWKS instead.
    AUTH_JWT_SECRET: LOCAL_JWT_SECRET,
    PUBLIC_BASE_URL: `http://localhost:${ports.api}`,
    POWERTOOLS_SERVICE_NAME: APP,
    // The SDK warns that releases after January 2027 need Node 22; Lambdas already run on 22, and
    // the lockfile pins today's SDK for the local stack on Node 20 (see README).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    SST_RESOURCE_App: JSON.stringify({ name: APP, stage: STAGE }),
    SST_RESOURCE_Table: JSON.stringify({ name: options.tableName ?? `${APP}-${STAGE}` }),
    SST_RESOURCE_Workflows: JSON.stringify(workflowArns),
    SST_RESOURCE_Email: JSON.stringify({ sender: "no-reply@sigap.local" }),
    // A fixed development secret: local data is test data. On AWS this is the PiiSecret SST Secret.
    SST_RESOURCE_PiiSecret: JSON.stringify({ value: "local-development-secret-not-for-real-personal-data" }),
    ...(options.dataDirectory ? { MAIL_OUTBOX_FILE: join(options.dataDirectory, "outbox.jsonl") } : {}),
  };
  const chosen: Record<string, string> = {};
  for (const [key, value] of Object.entries(defaults)) chosen[key] = process.env[key] || value;
  // Linked resources describe this stack, not whatever an outer shell had.
  for (const key of Object.keys(defaults).filter((k) => k.startsWith("SST_RESOURCE_"))) {
    chosen[key] = defaults[key] as string;
  }
  chosen.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${ports.dynamodb}`;
  chosen.AWS_ENDPOINT_URL_SFN = `http://127.0.0.1:${ports.stepFunctions}`;
  return chosen;
}

export { dynamoDbLocalDirectory };
