import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { createTableInput, tableSchema } from "@sigap/core/db/schema";

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const dynamoDbLocalDirectory = join(repositoryRoot, ".dynamodb-local");

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Waits until every acknowledged write is on disk, then stops the emulator and waits for it to exit. */
  stop(): Promise<void>;
}

/** What the supervisor reports when the emulator exits without being asked to. */
export interface DynamoDbLocalSupervision {
  /** It exited; a restart follows. */
  onExit?(reason: string): void;
  /** It answers again (in memory it is empty again: create the table). */
  onRestart?(): Promise<void>;
  /** It kept exiting; it is not restarted again. */
  onGiveUp?(error: Error): void;
}

/** Restarts after an unexpected exit: up to this many in a row, waiting 1, 2, 4 … s before each. */
const MAX_RESTARTS = 4;
/** An emulator that stayed up this long is healthy again: the restart count starts over. */
const STABLE_AFTER_MS = 60_000;
const PID_FILE = "dynamodb-local.pid";

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
 * `dataDirectory` keeps data between runs; without it the database is in memory. With `supervise`,
 * an emulator that exits on its own is restarted (bounded, with backoff) and the caller told.
 */
export async function startDynamoDbLocal(options: {
  port: number;
  dataDirectory?: string;
  supervise?: DynamoDbLocalSupervision;
}): Promise<DynamoDbLocal> {
  const jar = join(dynamoDbLocalDirectory, "DynamoDBLocal.jar");
  if (!existsSync(jar)) {
    throw new Error(`DynamoDB Local is missing (${jar}). Run \`npm install\` to fetch it.`);
  }
  if (options.dataDirectory) {
    mkdirSync(options.dataDirectory, { recursive: true });
    await stopOrphan(options.dataDirectory);
  }
  await refuseBusyPort(options.port);
  const endpoint = `http://127.0.0.1:${options.port}`;
  let running = await launch(jar, options);
  let stopping = false;
  let restarts = 0;
  /** The supervisor's work after an exit: a stop waits for it, so no relaunch outlives the stop. */
  let recovering: Promise<void> = Promise.resolve();

  const supervise = (emulator: Emulator) => {
    recovering = emulator.exited.then(async ({ code, signal }) => {
      if (stopping || !options.supervise) return;
      const { onExit, onRestart, onGiveUp } = options.supervise;
      const reason = `DynamoDB Local exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})`;
      onExit?.(reason);
      if (performance.now() - emulator.startedAt > STABLE_AFTER_MS) restarts = 0;
      for (;;) {
        if (restarts >= MAX_RESTARTS) {
          onGiveUp?.(
            new Error(
              `${reason}; ${MAX_RESTARTS} restarts in a row failed, giving up.\n${emulator.output()}`,
            ),
          );
          return;
        }
        const delayMs = 1000 * 2 ** restarts;
        restarts++;
        console.error(
          `${reason}; restarting it in ${delayMs / 1000} s (restart ${restarts} of ${MAX_RESTARTS}).`,
        );
        await new Promise((r) => setTimeout(r, delayMs));
        if (stopping) return;
        try {
          running = await launch(jar, options);
          if (stopping) return await running.stop(); // stopped while it was coming back
          console.error(`DynamoDB Local is running again on ${endpoint}.`);
          await onRestart?.();
          supervise(running);
          return;
        } catch (error) {
          console.error(
            `DynamoDB Local did not restart: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      }
    });
  };
  supervise(running);

  return {
    endpoint,
    port: options.port,
    stop: async () => {
      stopping = true;
      await running.stop();
      // An exit being recovered from: wait for the relaunch to settle (it stops itself on `stopping`).
      await recovering;
    },
  };
}

interface Emulator {
  startedAt: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns one emulator process and waits until it answers. */
async function launch(jar: string, options: { port: number; dataDirectory?: string }): Promise<Emulator> {
  const storage = options.dataDirectory ? ["-dbPath", options.dataDirectory] : ["-inMemory"];
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
      // It listens on every interface (it has no bind option); at least no web page may call it:
      // an origin that cannot exist (.invalid) is the only one allowed, instead of the default "*".
      "-cors",
      "http://localhost.invalid",
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const pidFile = options.dataDirectory ? join(options.dataDirectory, PID_FILE) : undefined;
  if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid));
  // When this process exits normally, the emulator goes too. A signal that kills this process runs
  // no "exit" handler (npm start handles SIGINT, SIGTERM and SIGHUP itself; SIGKILL nothing): the
  // next start finds such an orphan by its pid file.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  void exited.then(() => {
    process.off("exit", killOnExit);
    if (pidFile && readPid(pidFile) === child.pid) rmSync(pidFile, { force: true });
  });
  child.once("error", (error) => (output += String(error)));

  const endpoint = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await flushAcknowledgedWrites(endpoint);
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
      if (child.exitCode !== null || child.signalCode !== null) {
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
  return { startedAt: performance.now(), exited, output: () => output, stop };
}

/**
 * DynamoDB Local answers a write before its SQLite transaction is committed; the commit follows
 * under the same write lock. A later write has to wait for that lock, so one no-op write (deleting
 * an item that does not exist) per table returns only once everything acknowledged is committed.
 * Measured: without it, a stop right after a TransactWriteItems can lose the write.
 */
async function flushAcknowledgedWrites(endpoint: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    const { hashKey, rangeKey } = tableSchema.primaryIndex;
    for (const TableName of TableNames) {
      await client
        .send(
          new DeleteItemCommand({
            TableName,
            Key: { [hashKey]: { S: "LOCAL#FLUSH" }, [rangeKey]: { S: "LOCAL#FLUSH" } },
          }),
        )
        .catch(() => undefined); // a table of another shape: nothing of ours to flush
    }
  } catch {
    // Not answering: there is nothing more it will commit.
  } finally {
    client.destroy();
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Is a process with this pid running (signal 0 tests without sending anything)? */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The command line of a process, or "" when it cannot be read (not Linux, or gone). */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    try {
      return execFileSync("ps", ["-p", String(pid), "-o", "command="], { encoding: "utf8" });
    } catch {
      return "";
    }
  }
}

/**
 * An emulator left running on this data directory by an earlier run whose Node process was killed
 * outright (SIGKILL runs no exit handler) still holds the database and the port; a new one would
 * fail to bind, or the stack would talk to the orphan. Stop it cleanly (its writes are kept) first.
 */
async function stopOrphan(dataDirectory: string): Promise<void> {
  const pidFile = join(dataDirectory, PID_FILE);
  const pid = readPid(pidFile);
  if (pid === undefined) return;
  if (!isAlive(pid) || !commandLine(pid).includes("DynamoDBLocal.jar")) {
    rmSync(pidFile, { force: true });
    return;
  }
  const port = /-port (\d+)/.exec(commandLine(pid))?.[1];
  console.error(`DynamoDB Local from an earlier run is still running (pid ${pid}); stopping it first.`);
  if (port) await flushAcknowledgedWrites(`http://127.0.0.1:${port}`);
  process.kill(pid, "SIGTERM");
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited === 5000) process.kill(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(pidFile, { force: true });
}

/** A port someone else holds makes the emulator exit at once; say so plainly instead. */
async function refuseBusyPort(port: number): Promise<void> {
  const busy = await new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
  if (busy) {
    throw new Error(
      `Port ${port} is already in use, so DynamoDB Local cannot start. Another sigap (or another program) is running there: stop it, or choose another port with DYNAMODB_PORT.`,
    );
  }
}

/**
 * Creates the table exactly as infra declares it (tableSchema), if it does not exist yet. A table
 * from an older version (a kept data directory) is brought to the declared indexes: each missing
 * one is created and waited for (a query of an index still being created fails), then every index
 * the schema no longer declares (e.g. the retired gsi1/gsi2, which projected every attribute) is
 * dropped — locally no older code still reads them.
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    const wanted = createTableInput(tableName);
    try {
      await client.send(new CreateTableCommand(wanted));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
      await upgradeIndexes(client, tableName, wanted);
    }
    await waitForIndexes(client, tableName);
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

/** One index created or dropped per UpdateTable (DynamoDB's rule), each waited for before the next. */
async function upgradeIndexes(
  client: DynamoDBClient,
  tableName: string,
  wanted: ReturnType<typeof createTableInput>,
): Promise<void> {
  const present = new Set(
    (
      (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.GlobalSecondaryIndexes ??
      []
    ).map((index) => index.IndexName),
  );
  const declared = new Set((wanted.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    console.error(`DynamoDB Local: index ${index.IndexName} added to ${tableName}.`);
    await waitForIndexes(client, tableName);
  }
  for (const name of present) {
    if (!name || declared.has(name)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: name } }],
      }),
    );
    console.error(`DynamoDB Local: retired index ${name} dropped from ${tableName}.`);
    await waitForIndexes(client, tableName);
  }
}

/**
 * Until the table and every index are ACTIVE (a created index is backfilled, a dropped one gone).
 * Needed for writes too, not only queries: measured, DynamoDB Local fails a write with
 * InternalFailure while an index of the table is still DELETING.
 */
export async function waitForIndexes(
  client: DynamoDBClient,
  tableName: string,
  // An upgraded data folder's backfill, on a loaded machine, can take minutes: it happens once.
  timeoutMs = 600_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const busy = [
      ...(Table?.TableStatus === "ACTIVE" ? [] : [`table ${Table?.TableStatus}`]),
      ...(Table?.GlobalSecondaryIndexes ?? [])
        .filter((index) => index.IndexStatus !== "ACTIVE" || index.Backfilling)
        .map((index) => `${index.IndexName} ${index.IndexStatus}`),
    ];
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`DynamoDB Local: ${tableName} not ready: ${busy.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
