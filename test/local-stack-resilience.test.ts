/**
 * `npm start` when things die: DynamoDB Local killed is restarted and /health follows (503, then
 * 200); a registration acknowledged with 202 survives a clean stop (SIGTERM) and the SIGKILL of the
 * Node process, whose orphaned emulator the next start stops cleanly instead of colliding with it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../packages/local/src/dynamodb-local";
import { emulatorPids, type NpmStart, npmStart, pidsMatching } from "./support/npm-start";

const dataDirectory = mkdtempSync(join(tmpdir(), "sigap-resilience-"));
const ports = { api: await freePort(), dynamodb: await freePort(), stepFunctions: await freePort() };
const api = `http://127.0.0.1:${ports.api}`;
const started: NpmStart[] = [];
/** What every start printed, in order. */
const output = () => started.map((run) => run.output()).join("");

async function healthStatus(): Promise<number | undefined> {
  return (await fetch(`${api}/health`).catch(() => undefined))?.status;
}

async function until(what: string, condition: () => Promise<boolean> | boolean, ms = 90_000) {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startHealthy(): Promise<NpmStart> {
  const run = npmStart({ ports, dataDirectory });
  started.push(run);
  await run.healthy(90_000);
  return run;
}

const emulators = () => emulatorPids(ports.dynamodb);

let serial = 900;
async function register(): Promise<{ id: string; statusUrl: string }> {
  serial += 1;
  const response = await fetch(`${api}/v1/registrations`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...validRegistration, nik: `320501550795${String(serial).padStart(4, "0")}` }),
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { id: string; statusUrl: string };
}

async function stored(statusUrl: string): Promise<number> {
  const url = new URL(statusUrl);
  return (await fetch(`${api}${url.pathname}${url.search}`)).status;
}

afterAll(async () => {
  for (const run of started) if (run.child.exitCode === null) run.child.kill("SIGTERM");
  for (const pid of emulators()) process.kill(pid, "SIGTERM");
  await until("every emulator to stop", () => emulators().length === 0, 15_000).catch(() => undefined);
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe("npm start when a process dies", () => {
  it("restarts a killed DynamoDB Local, keeps what was acknowledged, and survives an orphaned emulator", {
    timeout: 400_000,
  }, async () => {
    const first = await startHealthy();
    const before = await register();

    // DynamoDB Local dies: /health says so, the stack restarts it and /health recovers.
    const [emulator] = emulators();
    expect(emulator).toBeDefined();
    process.kill(emulator as number, "SIGKILL");
    await until("/health to report the dead emulator", async () => (await healthStatus()) === 503);
    await until("/health to recover", async () => (await healthStatus()) === 200);
    expect(output()).toMatch(/DynamoDB Local exited unexpectedly \(signal SIGKILL\); restarting it/);
    await until("the restart to be logged", () => output().includes("DynamoDB Local is running again"));
    expect(await stored(before.statusUrl)).toBe(200);

    // Accepted, then a clean stop at once: nothing lost.
    const beforeStop = await register();
    await first.stop();
    expect(emulators()).toEqual([]);

    // Accepted, then the Node process is killed outright: its emulator is orphaned, still running.
    const second = await startHealthy();
    expect(await stored(beforeStop.statusUrl)).toBe(200);
    const beforeKill = await register();
    const [node] = pidsMatching(`packages/local/src/start.ts`).filter(
      (pid) =>
        execFileSync("ps", ["-o", "ppid=", "-p", String(pid)], { encoding: "utf8" }).trim() ===
        String(second.child.pid),
    );
    expect(node).toBeDefined();
    process.kill(node as number, "SIGKILL");
    await until("npm to end", () => second.child.exitCode !== null || second.child.signalCode !== null);
    expect(emulators()).toHaveLength(1);

    // The next start stops the orphan cleanly and has every acknowledged registration.
    const third = await startHealthy();
    expect(output()).toContain("DynamoDB Local from an earlier run is still running");
    expect(emulators()).toHaveLength(1);
    expect(await stored(beforeKill.statusUrl)).toBe(200);
    expect(await stored(before.statusUrl)).toBe(200);
    await third.stop();
    expect(emulators()).toEqual([]);
  });
});
