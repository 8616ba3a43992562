import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import type { LocalPorts } from "../../packages/local/src/environment";

const repository = join(import.meta.dirname, "..", "..");

/** `npm start` as a user runs it, on the given ports and data folder, with its output collected. */
export interface NpmStart {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the milliseconds from spawn to the first `/health` 200; throws if it exits first. */
  healthy(timeoutMs?: number): Promise<number>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export function npmStart(options: {
  ports: LocalPorts;
  dataDirectory: string;
  env?: Record<string, string>;
}): NpmStart {
  const { ports } = options;
  const spawnedAt = performance.now();
  const child = spawn("npm", ["start"], {
    cwd: repository,
    env: {
      ...process.env,
      PORT: String(ports.api),
      DYNAMODB_PORT: String(ports.dynamodb),
      SFN_PORT: String(ports.stepFunctions),
      DATA_DIR: options.dataDirectory,
      // The outer test environment must not leak into the started system.
      SST_RESOURCE_Table: "",
      MAIL_OUTBOX_FILE: "",
      AWS_ENDPOINT_URL_DYNAMODB: "",
      AWS_ENDPOINT_URL_SFN: "",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ended = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    output: () => output,
    async healthy(timeoutMs = 30_000) {
      for (;;) {
        if (ended()) throw new Error(`npm start exited:\n${output}`);
        const health = await fetch(`http://127.0.0.1:${ports.api}/health`).catch(() => undefined);
        if (health?.status === 200) return performance.now() - spawnedAt;
        if (performance.now() - spawnedAt > timeoutMs) {
          throw new Error(`npm start was not healthy in ${timeoutMs / 1000} s:\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (!ended()) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Pids of the processes whose command line matches `pattern` (pgrep -f). */
export function pidsMatching(pattern: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", pattern], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Pids of the DynamoDB Local emulator listening on `port` (the one a run started). */
export const emulatorPids = (port: number) => pidsMatching(`DynamoDBLocal.jar.*-port ${port}`);
