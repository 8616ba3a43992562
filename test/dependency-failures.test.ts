/**
 * A database that is frozen (accepts connections, never answers), dead (port closed), throttling or
 * failing answers every data endpoint with a 503 problem and Retry-After, within a few seconds and
 * never with a 500. This file's DynamoDB endpoint is a fake server the test controls, so the
 * application's one DynamoDB client (a module singleton) talks to it from the first call.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer, type Socket } from "node:net";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../packages/local/src/dynamodb-local";
import { staffToken } from "./support/staff-token";

type Mode = "frozen" | "dead" | "throttling" | "failing" | "cancelling";

/** The fake DynamoDB: one port whose behaviour the test switches. */
const port = await freePort();
const held = new Set<Socket>();
let mode: Mode = "dead";
let tcp: ReturnType<typeof createServer> | undefined;
let http: Server | undefined;

async function closeAll() {
  for (const socket of held) socket.destroy();
  held.clear();
  await new Promise<void>((resolve) => (tcp ? tcp.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  http?.closeAllConnections();
  tcp = undefined;
  http = undefined;
}

async function become(next: Mode) {
  await closeAll();
  mode = next;
  if (mode === "frozen") {
    tcp = createServer((socket) => {
      held.add(socket); // accepted, read, never answered
      socket.on("close", () => held.delete(socket));
    });
    await new Promise<void>((resolve) => tcp?.listen(port, "127.0.0.1", resolve));
  } else if (mode === "cancelling") {
    // Reads and single writes succeed (finding nothing); every transaction is cancelled by
    // throttling, as DynamoDB does under load: a retryable 503, never "NIK sudah terdaftar" or a 500.
    http = createHttpServer((request, response) => {
      request.resume();
      const target = request.headers["x-amz-target"] ?? "";
      response.writeHead(target.includes("TransactWriteItems") ? 400 : 200, {
        "Content-Type": "application/x-amz-json-1.0",
      });
      response.end(
        JSON.stringify(
          target.includes("TransactWriteItems")
            ? {
                __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                message: "Transaction cancelled, please refer cancellation reasons for specific reasons",
                CancellationReasons: [{ Code: "ThrottlingError" }, { Code: "None" }, { Code: "None" }],
              }
            : {},
        ),
      );
    });
    await new Promise<void>((resolve) => http?.listen(port, "127.0.0.1", resolve));
  } else if (mode === "throttling" || mode === "failing") {
    http = createHttpServer((request, response) => {
      request.resume();
      const [status, type] =
        mode === "throttling" ? [400, "ThrottlingException"] : [500, "InternalServerError"];
      response.writeHead(status, { "Content-Type": "application/x-amz-json-1.0" });
      response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: type }));
    });
    await new Promise<void>((resolve) => http?.listen(port, "127.0.0.1", resolve));
  }
}

process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${port}`;
// The app modules are loaded only now, so nothing can have built a client for the real endpoint.
const { createApp } = await import("@sigap/functions/api/app");
const app = createApp();

const body = JSON.stringify(validRegistration);
const json = { "Content-Type": "application/json" };
const requests: Array<[string, () => Promise<RequestInit>, string]> = [
  ["POST /v1/registrations", async () => ({ method: "POST", headers: json, body }), "/v1/registrations"],
  [
    "POST /v1/registrations with Idempotency-Key",
    async () => ({ method: "POST", headers: { ...json, "Idempotency-Key": `k-${Math.random()}` }, body }),
    "/v1/registrations",
  ],
  ["GET /v1/registrations/{id}", async () => ({}), "/v1/registrations/abcdefabcdef?receipt=ABCD-EFGH"],
  [
    "GET /v1/staff/registrations",
    async () => ({ headers: { Authorization: `Bearer ${await staffToken("district", "32.05")}` } }),
    "/v1/staff/registrations",
  ],
  ["GET /v1/actions/{id}", async () => ({}), "/v1/actions/aPendingActionIdOf32Characters00"],
  [
    "POST /v1/actions/{id}",
    async () => ({
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "decision=recommend",
    }),
    "/v1/actions/aPendingActionIdOf32Characters00",
  ],
  [
    "GET /v1/staff/registrations/{id}",
    async () => ({ headers: { Authorization: `Bearer ${await staffToken("district", "32.05")}` } }),
    "/v1/staff/registrations/abcdefabcdef",
  ],
  [
    "POST /v1/staff/registrations/{id}/training-completions",
    async () => ({
      method: "POST",
      headers: { ...json, Authorization: `Bearer ${await staffToken("district", "32.05")}` },
      body: "{}",
    }),
    "/v1/staff/registrations/abcdefabcdef/training-completions",
  ],
  [
    "PUT /v1/staff/directory/{code}",
    async () => ({
      method: "PUT",
      headers: { ...json, Authorization: `Bearer ${await staffToken("district", "32.05")}` },
      body: JSON.stringify({ approvers: [{ name: "Kepala Desa Baru", email: "kades.baru@example.go.id" }] }),
    }),
    "/v1/staff/directory/3205222001",
  ],
];

/** The guard against hanging: far below the > 15 s this used to take, far above the ~6 s worst case. */
const HANG_GUARD_MS = 12_000;

async function expectUnavailable(init: RequestInit, path: string) {
  const started = performance.now();
  const response = await app.request(path, init);
  const elapsed = performance.now() - started;
  expect({ path, status: response.status }).toEqual({ path, status: 503 });
  expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  expect(await response.json()).toEqual({
    type: "https://sigap.kemensos.go.id/problems/unavailable",
    title: "Layanan sedang tidak tersedia",
    status: 503,
    detail: expect.stringContaining("coba lagi"),
  });
  expect(elapsed).toBeLessThan(HANG_GUARD_MS);
}

beforeAll(() => become("frozen"));
afterAll(closeAll);

describe.each(["frozen", "dead", "throttling", "failing"] as const)("DynamoDB %s", (state) => {
  beforeAll(() => become(state));

  it("answers every data endpoint with 503 and Retry-After, in parallel, without hanging", {
    timeout: 30_000,
  }, async () => {
    // In parallel: the frozen case costs one timeout period, not one per endpoint.
    await Promise.all(requests.map(async ([, init, path]) => expectUnavailable(await init(), path)));
  });
});

describe("DynamoDB cancelling transactions for throttling", () => {
  beforeAll(() => become("cancelling"));

  it("answers a registration 503 with Retry-After, not 409 or 500", async () => {
    for (const [, init, path] of requests.filter(([name]) => name.startsWith("POST /v1/registrations"))) {
      await expectUnavailable(await init(), path);
    }
  });
});

describe("GET /health with DynamoDB frozen", () => {
  beforeAll(() => become("frozen"));

  it("answers 503 naming dynamodb within its check timeout", async () => {
    const started = performance.now();
    const response = await app.request("/health");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    const health = (await response.json()) as { dependencies: { dynamodb: { status: string } } };
    expect(health.dependencies.dynamodb.status).toBe("down");
    expect(performance.now() - started).toBeLessThan(HANG_GUARD_MS);
  });
});
