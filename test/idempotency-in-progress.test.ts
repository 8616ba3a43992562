/**
 * Two attempts with the same Idempotency-Key at once. The key's record is one more conditional Put
 * in the registration's own transaction, so whichever attempt commits first holds the key and the
 * other replays its answer. Only when the transactions meet (DynamoDB cancels both with a
 * TransactionConflict) and nothing is stored yet is the retry told "in progress" (409, Retry-After).
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, ScanCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { idempotencyRecordKey } from "@sigap/core/record/idempotency";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { tableName } from "@sigap/core/resources";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());
afterEach(() => {
  vi.restoreAllMocks();
});

function post(key: string, nik: string) {
  return stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify({ ...validRegistration, nik }),
  });
}

async function countOf(entity: string, pkPrefix?: string): Promise<number> {
  const { Items } = await db().send(
    new ScanCommand({
      TableName: tableName(),
      FilterExpression: pkPrefix ? "entity = :entity AND begins_with(pk, :pk)" : "entity = :entity",
      ExpressionAttributeValues: { ":entity": entity, ...(pkPrefix ? { ":pk": pkPrefix } : {}) },
    }),
  );
  return Items?.length ?? 0;
}

/** What DynamoDB answers a transaction that met another one on the same item. */
const conflict = (items: number) =>
  new TransactionCanceledException({
    message: "Transaction cancelled, please refer cancellation reasons for specific reasons",
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: Array.from({ length: items }, (_, index) => ({
      Code: index === 0 ? "TransactionConflict" : "None",
    })),
  });

/** Every registration transaction is cancelled as if another attempt's were in flight. */
function transactionsConflict() {
  const send = db().send.bind(db());
  return vi.spyOn(db(), "send").mockImplementation((async (command: unknown) => {
    if (command instanceof TransactWriteCommand) throw conflict(command.input.TransactItems?.length ?? 1);
    return send(command as never);
  }) as never);
}

describe("POST /v1/registrations with the same Idempotency-Key twice at once", () => {
  it("lets the retry commit while the first is slowed, and the first replay it: one registration, one answer", async () => {
    const registrationsBefore = await countOf("registration");
    const recordsBefore = await countOf("idempotency-record");
    // Hold only the first attempt's transaction, client-side, until the retry has committed.
    const send = db().send.bind(db());
    let transactions = 0;
    vi.spyOn(db(), "send").mockImplementation((async (command: unknown) => {
      if (command instanceof TransactWriteCommand && ++transactions === 1) {
        await new Promise((r) => setTimeout(r, 800));
      }
      return send(command as never);
    }) as never);
    const first = post("retry-while-running", "3205015507950777");
    await new Promise((r) => setTimeout(r, 200));
    const retry = await post("retry-while-running", "3205015507950777");
    expect(retry.status).toBe(202);
    const slow = await first;
    expect(slow.status).toBe(202);
    expect(await slow.json()).toEqual(await retry.json());

    expect(await countOf("registration")).toBe(registrationsBefore + 1);
    expect(await countOf("idempotency-record")).toBe(recordsBefore + 1);
    const { Item } = await db().send(
      new GetCommand({
        TableName: tableName(),
        Key: idempotencyRecordKey("registrations", "retry-while-running"),
      }),
    );
    // The key itself is not stored: the partition comes from a keyed hash.
    expect(JSON.stringify(Item)).not.toContain("retry-while-running");
  });

  it("answers a conflict with nothing stored yet 409 in-progress with Retry-After", async () => {
    const registrationsBefore = await countOf("registration");
    transactionsConflict();
    const retry = await post("conflict-before-any", "3205015507950778");
    expect(retry.status).toBe(409);
    expect(retry.headers.get("retry-after")).toBe("2");
    expect(await retry.json()).toMatchObject({
      type: "https://sigap.kemensos.go.id/problems/in-progress",
      title: "Permintaan sedang diproses",
      status: 409,
    });
    vi.restoreAllMocks();
    expect(await countOf("registration")).toBe(registrationsBefore);
    // Tried again shortly (the twin never committed): accepted.
    expect((await post("conflict-before-any", "3205015507950778")).status).toBe(202);
  });

  it("answers a conflict with the key already stored by replaying the stored answer", async () => {
    const accepted = await post("conflict-after-commit", "3205015507950779");
    expect(accepted.status).toBe(202);
    transactionsConflict();
    const replay = await post("conflict-after-commit", "3205015507950779");
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual(await accepted.json());
  });

  it("leaves a conflict without a key a 503 to retry, as before", async () => {
    transactionsConflict();
    const response = await stack.app.request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...validRegistration, nik: "3205015507950780" }),
    });
    expect(response.status).toBe(503);
  });
});
