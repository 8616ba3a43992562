import type { Server } from "node:http";
import { SFNClient } from "@aws-sdk/client-sfn";
import {
  type EngineOptions,
  type LocalLambda,
  LocalStepFunctions,
} from "../../packages/local/src/sfn/engine";
import { serveStepFunctions } from "../../packages/local/src/sfn/server";

export interface TestStepFunctions {
  engine: LocalStepFunctions;
  server: Server;
  url: string;
  client: SFNClient;
  close(): void;
}

/**
 * A local Step Functions endpoint on a free port, with the given in-process Lambdas, and the
 * application pointed at it (AWS_ENDPOINT_URL_SFN) the way `npm start` points it.
 */
export async function startTestStepFunctions(
  lambdas: Record<string, LocalLambda> | Map<string, LocalLambda> = {},
  onStatusChange?: EngineOptions["onStatusChange"],
): Promise<TestStepFunctions> {
  const byArn = lambdas instanceof Map ? lambdas : new Map(Object.entries(lambdas));
  const engine = new LocalStepFunctions({
    region: "ap-southeast-3",
    accountId: "000000000000",
    resolveLambda: (arn) => byArn.get(arn),
    ...(onStatusChange ? { onStatusChange } : {}),
  });
  const { server, url } = await serveStepFunctions(engine, 0);
  process.env.AWS_ENDPOINT_URL_SFN = url;
  const client = new SFNClient({
    endpoint: url,
    region: "ap-southeast-3",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return {
    engine,
    server,
    url,
    client,
    close() {
      client.destroy();
      server.close();
      server.closeAllConnections();
    },
  };
}
