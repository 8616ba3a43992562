/**
 * Receipt codes at rest: only encrypted in the idempotency records, verified with a keyed hash,
 * and still answered the same on a replay.
 */
import { createHash } from "node:crypto";
import { ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { registrationKeys } from "@sigap/core/registration/keys";
import { getRegistration } from "@sigap/core/registration/repository";
import { tableName } from "@sigap/core/resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

interface Accepted {
  id: string;
  receiptCode: string;
  status: string;
  statusUrl: string;
}

function post(nik: string, key?: string) {
  return stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) },
    body: JSON.stringify({ ...validRegistration, nik }),
  });
}

const statusOf = (id: string, code: string) =>
  stack.app.request(`/v1/registrations/${id}?receipt=${encodeURIComponent(code)}`);

async function everyItem(): Promise<Record<string, unknown>[]> {
  const { Items } = await db().send(new ScanCommand({ TableName: tableName() }));
  return Items ?? [];
}

describe("receipt codes at rest", () => {
  it("keep idempotency records free of the code, replay the same code, and open the status", async () => {
    const first = await post("3205015507950501", "receipt-key-1");
    expect(first.status).toBe(202);
    const accepted = (await first.json()) as Accepted;
    expect(accepted.receiptCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    const records = (await everyItem()).filter((item) => String(item.pk).startsWith("IDEMPOTENCY#"));
    expect(records).toHaveLength(1);
    const stored = JSON.stringify(records);
    expect(stored).toContain(accepted.id);
    expect(stored).not.toContain(accepted.receiptCode);
    expect(stored).not.toContain(accepted.receiptCode.replace("-", ""));
    expect(stored).not.toContain("receipt=");

    const replay = await post("3205015507950501", "receipt-key-1");
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual(accepted);
    expect(replay.headers.get("location")).toBe(accepted.statusUrl);

    const status = await statusOf(accepted.id, accepted.receiptCode);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { id: string }).id).toBe(accepted.id);
  });

  it("store no code and no unkeyed hash of it anywhere in the table", async () => {
    const accepted = (await (await post("3205015507950502")).json()) as Accepted;
    const normalized = accepted.receiptCode.replace("-", "");
    const unkeyed = createHash("sha256").update(normalized).digest("base64url");
    const everything = JSON.stringify(await everyItem());
    expect(everything).not.toContain(accepted.receiptCode);
    expect(everything).not.toContain(normalized);
    expect(everything).not.toContain(unkeyed);
    const registration = await getRegistration(accepted.id);
    expect(registration?.receiptHash).toMatch(/^hmac1\./);
  });

  it("refuse a wrong code and accept the right one in any case or spacing", async () => {
    const accepted = (await (await post("3205015507950503")).json()) as Accepted;
    expect((await statusOf(accepted.id, "ABCD-EFGH")).status).toBe(404);
    expect((await statusOf(accepted.id, accepted.receiptCode.toLowerCase().replace("-", " "))).status).toBe(
      200,
    );
  });

  it("verify a record from before keyed hashes through its encrypted code, not its old hash", async () => {
    const accepted = (await (await post("3205015507950504")).json()) as Accepted;
    const normalized = accepted.receiptCode.replace("-", "");
    // What records written before this change hold: an unkeyed SHA-256 of the code.
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: registrationKeys.registration(accepted.id),
        UpdateExpression: "SET receiptHash = :legacy",
        ExpressionAttributeValues: {
          ":legacy": createHash("sha256").update(normalized).digest("base64url"),
        },
      }),
    );
    expect((await statusOf(accepted.id, accepted.receiptCode)).status).toBe(200);
    expect((await statusOf(accepted.id, "ABCD-EFGH")).status).toBe(404);
  });
});
