/**
 * Two attempts with the same Idempotency-Key at once. The key's record is one more conditional Put
 * in the registration's own transaction, so whichever attempt commits first holds the key and the
 * other replays its answer. Only when the transactions meet (DynamoDB cancels both with a
 * TransactionConflict) and nothing is stored yet is the retry told "in progress" (409, Retry-After).
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, ScanCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { tableSchema } from "@sigap/core/db/schema";
import { idempotencyRecordKey } from "@sigap/core/record/idempotency";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { tableName } from "@sigap/core/resources";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { countDynamoDbCalls } from "../packages/local/src/dynamodb-calls";
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

/** What DynamoDB answers a transaction whose item `at` met another transaction. */
const conflict = (items: number, at: number) =>
  new TransactionCanceledException({
    message: "Transaction cancelled, please refer cancellation reasons for specific reasons",
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: Array.from({ length: items }, (_, index) => ({
      Code: index === at ? "TransactionConflict" : "None",
    })),
  });

/**
 * Every transaction is cancelled with a conflict on one item: "record" (the key's record, always
 * last: another attempt with this key is in flight) or "first" (the NIK claim or the new case: e.g.
 * another key racing on the same NIK).
 */
function transactionsConflict(on: "record" | "first" = "record") {
  const send = db().send.bind(db());
  return vi.spyOn(db(), "send").mockImplementation((async (command: unknown) => {
    if (command instanceof TransactWriteCommand) {
      const items = command.input.TransactItems?.length ?? 1;
      throw conflict(items, on === "record" ? items - 1 : 0);
    }
    return send(command as never);
  }) as never);
}

/** A named resident's report (no quota, never folded). */
const validCase = {
  ppksType: "lanjut-usia-terlantar",
  urgency: "high",
  location: "Jl. Cikajang No. 5, dekat masjid",
  description: "Seorang lansia tinggal sendiri tanpa keluarga dan kekurangan makanan.",
  subject: { name: "Ahmad Sutisna", gender: "L", ageYears: 78 },
  reporter: { kind: "resident", name: "Dewi Lestari", phone: "0812-1111-2222", email: "dewi@example.com" },
};

function postCase(key: string | undefined, villageCode: string) {
  return stack.app.request("/v1/cases", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) },
    body: JSON.stringify({ ...validCase, villageCode }),
  });
}

describe("POST /v1/registrations with the same Idempotency-Key twice at once", () => {
  it("lets the retry commit while the first is slowed, and the first replay it: one registration, one answer", async () => {
    const registrationsBefore = await countOf("registration");
    const recordsBefore = await countOf("idempotency-record");
    // Hold only the first attempt's transaction, client-side, until the retry has committed.
    const send = db().send.bind(db());
    let transactions = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reachedHold = () => {};
    const holding = new Promise<void>((resolve) => {
      reachedHold = resolve;
    });
    vi.spyOn(db(), "send").mockImplementation((async (command: unknown) => {
      if (command instanceof TransactWriteCommand && ++transactions === 1) {
        reachedHold();
        await held;
      }
      return send(command as never);
    }) as never);
    const first = post("retry-while-running", "3205015507950777");
    await holding;
    const retry = await post("retry-while-running", "3205015507950777");
    expect(retry.status).toBe(202);
    // From here on only the slow attempt works on this submission: what it reads answers it.
    const calls = countDynamoDbCalls();
    release();
    const slow = await first;
    calls.stop();
    expect(slow.status).toBe(202);
    expect(await slow.json()).toEqual(await retry.json());
    // The key's record answered (not the NIK claim's content dedupe, which would answer the same).
    const reads = calls.calls.filter((call) => call.command === "GetItem").flatMap((call) => call.entities);
    expect(reads, calls.describe()).toContain("IDEMPOTENCY");
    expect(reads, calls.describe()).not.toContain("NIK");

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

  it("answers a conflict on the key's record with nothing stored yet 409 in-progress with Retry-After", async () => {
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

  it("leaves a keyed conflict on another item (the NIK claim) a 503 to retry, not in-progress", async () => {
    transactionsConflict("first");
    const response = await post("conflict-on-claim", "3205015507950781");
    expect(response.status).toBe(503);
    vi.restoreAllMocks();
    expect((await post("conflict-on-claim", "3205015507950781")).status).toBe(202);
  });

  it("replaces a record whose window has passed (not yet deleted by TTL) instead of honouring it", async () => {
    const key = idempotencyRecordKey("registrations", "expired-key");
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...key,
          entity: "idempotency-record",
          bodyHash: "another body",
          answer: { id: "old" },
          [tableSchema.ttl]: Math.floor(Date.now() / 1000) - 60,
        },
      }),
    );
    const response = await post("expired-key", "3205015507950782");
    expect(response.status, await response.clone().text()).toBe(202);
    const { Item } = await db().send(
      new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
    );
    expect(Item?.bodyHash).not.toBe("another body");
    expect(Number(Item?.[tableSchema.ttl])).toBeGreaterThan(Date.now() / 1000);
    expect((await post("expired-key", "3205015507950782")).status).toBe(202);
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

describe("POST /v1/cases with a stubbed conflict", () => {
  it("answers a conflict on the key's record 409 in-progress, and one on another item 503", async () => {
    transactionsConflict("record");
    const refused = await postCase("case-conflict", "32.05.22.2002");
    expect(refused.status, await refused.clone().text()).toBe(409);
    vi.restoreAllMocks();
    transactionsConflict("first");
    expect((await postCase("case-conflict", "32.05.22.2002")).status).toBe(503);
    vi.restoreAllMocks();
    const accepted = await postCase("case-conflict", "32.05.22.2002");
    expect(accepted.status).toBe(202);
    transactionsConflict("record");
    // Stored by now: the conflict is answered by the record.
    const replay = await postCase("case-conflict", "32.05.22.2002");
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual(await accepted.json());
  });
});
