// `npm run bench`, registration: a keyed `POST /v1/registrations` against the running local stack
// (over HTTP, as a form or client posts it), side by side with raw DynamoDB Local writes of the same
// three items — the NIK claim, the registration, the first audit event — once as one PutItem per item
// and once as one TransactWriteItems (the baseline). The raw items are copied from what the
// application itself wrote during the warm-up, with fresh ids and NIK hashes.
import { randomBytes } from "node:crypto";
import { GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { db, queryByPrefix } from "../../packages/core/src/db/client";
import { hashNik } from "../../packages/core/src/identity/protect";
import { validRegistration } from "../../packages/core/src/registration/fixtures";
import { registrationKeys } from "../../packages/core/src/registration/keys";
import { tableName } from "../../packages/core/src/resources";
import { type Comparison, type Variant, withIds } from "./harness";

/** Serials per birth date: a NIK's last four digits, 0001–9999. */
const SERIALS_PER_DAY = 9999;

/**
 * The `n`th distinct applicant (n ≥ 0): a woman from Kecamatan Garut Kota whose NIK agrees with her
 * birth date (day + 40 for women) — every one passes the registration rules and claims its own NIK.
 */
export function applicant(n: number): Record<string, unknown> {
  const day = 1 + Math.floor(n / SERIALS_PER_DAY);
  if (day > 28) throw new Error("registration bench: more applicants than distinct NIKs (279,972)");
  const serial = String((n % SERIALS_PER_DAY) + 1).padStart(4, "0");
  const dd = String(day).padStart(2, "0");
  return {
    ...validRegistration,
    nik: `320501${40 + day}0795${serial}`,
    birthDate: `1995-07-${dd}`,
    fullName: `Pendaftar Bench ${n}`,
    email: `pendaftar${n}@example.com`,
  };
}

const newId = () =>
  randomBytes(9)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")
    .slice(0, 12);

export async function registrationComparison(options: {
  apiUrl: string;
  count: number;
  concurrency: number;
}): Promise<Comparison> {
  let nextApplicant = 0;

  const post = async () => {
    const response = await fetch(`${options.apiUrl}/v1/registrations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": randomBytes(16).toString("hex") },
      body: JSON.stringify(applicant(nextApplicant++)),
    });
    const body = await response.text();
    if (response.status !== 202) throw new Error(`registration answered ${response.status}: ${body}`);
    return JSON.parse(body) as { id: string };
  };

  // Warm the API (JIT, connections, caches) and take the raw writes' templates from what it wrote.
  const warmUp = options.concurrency * 2;
  let sampleId = "";
  for (let i = 0; i < warmUp; i++) sampleId = (await post()).id;
  const sampleNikHash = hashNik(String(applicant(nextApplicant - 1).nik));
  const get = async (key: { pk: string; sk: string }) =>
    (await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;
  const registrationItem = await get(registrationKeys.registration(sampleId));
  const claimItem = await get(registrationKeys.nikClaim(sampleNikHash));
  const [eventItem] = await queryByPrefix<Record<string, unknown>>(registrationKeys.eventPrefix(sampleId));
  if (!registrationItem || !claimItem || !eventItem) throw new Error("the warm-up's items are missing");
  // Same size of index entry, but not the workflow's start marker: the stack's reconciler must not
  // start a recruitment (and email village heads) for a raw copy.
  if (typeof registrationItem.gsi3pk === "string") {
    registrationItem.gsi3pk = registrationItem.gsi3pk.replace(/^[A-Z]+/, "BENCH");
  }

  /** The same three items for one raw operation: fresh id, fresh NIK hash. */
  const rawItems = () => {
    const ids: Array<[string, string]> = [
      [sampleId, newId()],
      [sampleNikHash, randomBytes(32).toString("hex").slice(0, sampleNikHash.length)],
    ];
    return [withIds(claimItem, ids), withIds(registrationItem, ids), withIds(eventItem, ids)];
  };
  const newItem = { ConditionExpression: "attribute_not_exists(pk)" };

  const api: Variant = {
    name: "POST /v1/registrations + Idempotency-Key",
    run: async () => {
      await post();
    },
  };
  const transaction: Variant = {
    name: "raw TransactWriteItems (3 items)",
    run: async () => {
      await db().send(
        new TransactWriteCommand({
          TransactItems: rawItems().map((Item) => ({ Put: { TableName: tableName(), Item, ...newItem } })),
        }),
      );
    },
  };
  const singleWrites: Variant = {
    name: "raw PutItem ×3",
    run: async () => {
      for (const Item of rawItems()) {
        await db().send(new PutCommand({ TableName: tableName(), Item, ...newItem }));
      }
    },
  };
  return {
    title: `Registration (${options.count}/block)`,
    baseline: transaction.name,
    variants: [api, transaction, singleWrites],
  };
}
