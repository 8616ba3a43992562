/**
 * A retry with the same Idempotency-Key while the first request is still running gets its own
 * problem type ("in-progress", 409) and Retry-After, not the "conflict" of a NIK already registered.
 */
import { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

function post(key: string) {
  return stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify({ ...validRegistration, nik: "3205015507950777" }),
  });
}

describe("POST /v1/registrations with an Idempotency-Key in progress", () => {
  it("answers the concurrent retry 409 in-progress with Retry-After, then replays the first answer", async () => {
    // Hold the first request's write long enough for the retry to arrive while it is in progress.
    const send = db().send.bind(db());
    const slowed = vi.spyOn(db(), "send").mockImplementation((async (command: unknown) => {
      if (command instanceof TransactWriteCommand) await new Promise((r) => setTimeout(r, 800));
      return send(command as never);
    }) as never);
    const first = post("retry-while-running");
    await new Promise((r) => setTimeout(r, 200));
    const retry = await post("retry-while-running");
    slowed.mockRestore();

    expect(retry.status).toBe(409);
    expect(retry.headers.get("retry-after")).toBe("2");
    expect(await retry.json()).toMatchObject({
      type: "https://sigap.kemensos.go.id/problems/in-progress",
      title: "Permintaan sedang diproses",
      status: 409,
    });
    const accepted = await first;
    expect(accepted.status).toBe(202);
    const replay = await post("retry-while-running");
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual(await accepted.json());
  });
});
