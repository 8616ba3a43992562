import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { createTableInput, tableSchema } from "@sigap/core/db/schema";

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const dynamoDbLocalDirectory = join(repositoryRoot, ".dynamodb-local");

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (for tests that must not collide with a running `npm start`). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "ap-southeast-3",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

/**
 * Starts the official DynamoDB Local emulator (fetched by `npm install`) and resolves once it answers.
 * `dataDirectory` keeps data between runs; without it the database is in memory.
 */
export async function startDynamoDbLocal(options: {
  port: number;
  dataDirectory?: string;
}): Promise<DynamoDbLocal> {
  const jar = join(dynamoDbLocalDirectory, "DynamoDBLocal.jar");
  if (!existsSync(jar)) {
    throw new Error(`DynamoDB Local is missing (${jar}). Run \`npm install\` to fetch it.`);
  }
  const storage = options.dataDirectory ? ["-dbPath", options.dataDirectory] : ["-inMemory"];
  if (options.dataDirectory) mkdirSync(options.dataDirectory, { recursive: true });
  const child: ChildProcess = spawn(
    "java",
    [
      `-Djava.library.path=${join(dynamoDbLocalDirectory, "DynamoDBLocal_lib")}`,
      "-Xmx512m",
      "-jar",
      jar,
      "-sharedDb",
      // No telemetry: this machine has no route out, and the emulator must not phone home anyway.
      "-disableTelemetry",
      ...storage,
      "-port",
      String(options.port),
    ],
    // Run from the emulator's folder: it writes a metadata file into its working directory.
    { cwd: dynamoDbLocalDirectory, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  // Whatever ends this process (a crash, an unhandled signal), the emulator must not outlive it.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  void exited.then(() => process.off("exit", killOnExit));
  child.once("error", (error) => (output += String(error)));

  const endpoint = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(forced);
    }
  };

  const client = localClient(endpoint);
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited (code ${child.exitCode}):\n${output}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not start in 30 s: ${String(error)}\n${output}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port: options.port, stop };
}

/** Creates the table exactly as infra declares it (tableSchema), if it does not exist yet. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== "ENABLED") {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: tableSchema.ttl, Enabled: true },
        }),
      );
    }
  } finally {
    client.destroy();
  }
}
