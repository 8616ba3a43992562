/**
 * The local stack's start-up does not wait for reconciliation: the API answers while open
 * registrations are still being resumed in the background (here: a reconciliation that never ends
 * until the stack stops it), and stopping the stack stops the reconciliation first.
 */
import { afterAll, expect, it, vi } from "vitest";
import { freePort } from "../packages/local/src/dynamodb-local";
import { localEnvironment } from "../packages/local/src/environment";
import type { LocalStack } from "../packages/local/src/stack";

const reconciler = vi.hoisted(() => ({ calls: 0, stoppedBy: undefined as AbortSignal | undefined }));
vi.mock("@sigap/core/workflow/reconcilers", () => ({
  recoverWorkflows: ({ signal }: { signal?: AbortSignal } = {}) => {
    reconciler.calls += 1;
    return new Promise((resolve) =>
      signal?.addEventListener("abort", () => {
        reconciler.stoppedBy = signal;
        resolve({ running: 0, started: 0, restarted: 0, failed: 0 });
      }),
    );
  },
}));

let stack: LocalStack | undefined;
afterAll(() => stack?.stop());

// Starts a DynamoDB Local of its own: slow on a busy machine.
it("opens the API without awaiting reconciliation, and stops it on the way down", async () => {
  const ports = { api: await freePort(), dynamodb: await freePort(), stepFunctions: await freePort() };
  const environment = localEnvironment(ports, { tableName: "sigap-startup-test" });
  Object.assign(process.env, environment);
  const { startLocalStack } = await import("../packages/local/src/stack");

  stack = await startLocalStack({ ports, tableName: "sigap-startup-test" });
  let reconciled = false;
  void stack.reconciliation.then(() => {
    reconciled = true;
  });
  expect(reconciler.calls).toBe(1);
  const health = await fetch(`${stack.urls.api}/health`);
  expect(health.status).toBe(200);
  expect(reconciled).toBe(false);

  await stack.stop();
  stack = undefined;
  expect(reconciler.stoppedBy?.aborted).toBe(true);
  expect(reconciled).toBe(true);
}, 90_000);
