/**
 * The lean indexes (db/schema.ts): a table of the previous version (gsi1/gsi2 projecting every
 * attribute) is upgraded by the local start-up path (`ensureTable`) with its data, and every query
 * on the lean indexes names only attributes they project (a filter or projection on anything else
 * would silently match nothing).
 */
import {
  DescribeTableCommand,
  GetItemCommand,
  type QueryCommandInput,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { pendingActionsAt } from "@sigap/core/action/reassign";
import { countCases, createCase, listCasePage } from "@sigap/core/case/repository";
import { validateCase } from "@sigap/core/case/schema";
import { db } from "@sigap/core/db/client";
import { createTableInput, projectionOf, retiredIndexes, tableSchema } from "@sigap/core/db/schema";
import { coverage } from "@sigap/core/registration/coverage";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { registrationKeys } from "@sigap/core/registration/keys";
import {
  activeMemberId,
  createRegistration,
  listRegistrationPage,
  listRegistrations,
  recordTransition,
} from "@sigap/core/registration/repository";
import { validateRegistration } from "@sigap/core/registration/schema";
import { tableName } from "@sigap/core/resources";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type DynamoDbLocal,
  ensureTable,
  freePort,
  localClient,
  startDynamoDbLocal,
  waitForIndexes,
} from "../packages/local/src/dynamodb-local";

/** Index changes finish in DynamoDB Local's background: minutes when the machine is loaded. */
const INDEX_CHANGE_MS = 240_000;

// Its own emulator: creating and dropping indexes waits on DynamoDB Local's background work, which the
// whole suite's traffic on the shared one slowed past a minute.
let emulator: DynamoDbLocal;
let endpoint: string;
beforeAll(async () => {
  emulator = await startDynamoDbLocal({ port: await freePort() });
  endpoint = emulator.endpoint;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  await ensureTable(endpoint, tableName());
}, 120_000);
afterAll(() => emulator?.stop());
const GARUT_VILLAGE = "32.05.22.2001";
const officer = { kind: "staff" as const, id: "district-32.05", role: "district" };

async function describeIndexes() {
  const client = localClient(endpoint);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName() }));
    return Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [
        index.IndexName,
        { status: index.IndexStatus, projection: index.Projection },
      ]),
    );
  } finally {
    client.destroy();
  }
}

/** Turns this file's table back into the previous version's: gsi1/gsi2 (ALL), no lean indexes. */
async function downgradeToPreviousVersion() {
  const client = localClient(endpoint);
  const wanted = createTableInput(tableName());
  try {
    for (const name of ["gsi1lean", "gsi2lean"]) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName(),
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: name } }],
        }),
      );
      await waitForIndexes(client, tableName(), INDEX_CHANGE_MS);
    }
    for (const [name, index] of Object.entries(retiredIndexes)) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName(),
          AttributeDefinitions: wanted.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: name,
                KeySchema: [
                  { AttributeName: index.hashKey, KeyType: "HASH" },
                  { AttributeName: index.rangeKey, KeyType: "RANGE" },
                ],
                Projection: { ProjectionType: "ALL" },
              },
            },
          ],
        }),
      );
      await waitForIndexes(client, tableName(), INDEX_CHANGE_MS);
    }
  } finally {
    client.destroy();
  }
}

let serial = 11;
async function register(status?: "active") {
  const nik = `32050155079500${String(serial++).slice(-2)}`;
  const { registration } = await createRegistration(
    validateRegistration(
      { ...validRegistration, nik, villageCode: GARUT_VILLAGE },
      new Date("2026-01-01T00:00:00Z"),
    ),
  );
  if (status === "active") {
    await recordTransition(registration.id, {
      event: "activated",
      actor: officer,
      status: "active",
      stage: "completed",
      set: { memberNumber: `PSM-3205-0000${serial}` },
    });
  }
  return registration.id;
}

/** Attribute names a query's filter and projection read (placeholders resolved). */
function attributesRead(input: QueryCommandInput): string[] {
  const names = input.ExpressionAttributeNames ?? {};
  const expressions = [input.FilterExpression, input.ProjectionExpression].filter(Boolean).join(" ");
  const withoutValues = expressions.replace(/:[A-Za-z0-9_]+/g, " ");
  const words = withoutValues.match(/#?[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  const keywords = new Set([
    "AND",
    "OR",
    "NOT",
    "BETWEEN",
    "IN",
    "begins_with",
    "attribute_exists",
    "attribute_not_exists",
    "contains",
    "size",
  ]);
  return [
    ...new Set(words.filter((w) => !keywords.has(w)).map((w) => (w.startsWith("#") ? (names[w] ?? w) : w))),
  ];
}

describe("the lean indexes", () => {
  it(
    "upgrades a table of the previous version: lean indexes added and backfilled, gsi1/gsi2 dropped",
    async () => {
      // A case's intake itself queries the region index: it is made first (either way, the recreated
      // lean indexes are backfilled from every item of the table).
      await createCase(
        validateCase({
          ppksType: "lanjut-usia-terlantar",
          villageCode: GARUT_VILLAGE,
          location: "Kp. Sukamaju RT 01/RW 02, rumah dekat masjid",
          description: "Nenek Aminah tinggal sendiri dan tidak ada yang merawat.",
          subject: { name: "Aminah", gender: "P", ageYears: 76 },
          reporter: { kind: "resident", name: "Ujang Warga", phone: "0813-1111-2222" },
        }),
        { client: "203.0.113.9" },
      );
      await downgradeToPreviousVersion();
      expect(Object.keys(await describeIndexes()).sort()).toEqual(["gsi1", "gsi2", "gsi3", "gsi4"]);
      // Written while only the old indexes exist.
      const pending = await register();
      const active = await register("active");
      // The application writes to this file's own emulator, the one being upgraded.
      const client = localClient(endpoint);
      const { pk, sk } = registrationKeys.registration(pending);
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName(), Key: { pk: { S: pk }, sk: { S: sk } } }),
      );
      client.destroy();
      expect(Item).toBeDefined();

      await ensureTable(endpoint, tableName());

      const indexes = await describeIndexes();
      expect(Object.keys(indexes).sort()).toEqual(Object.keys(tableSchema.globalIndexes).sort());
      for (const [name, index] of Object.entries(tableSchema.globalIndexes)) {
        expect(indexes[name]?.status).toBe("ACTIVE");
        expect(indexes[name]?.projection?.ProjectionType).toBe(projectionOf(index).ProjectionType);
        expect(new Set(indexes[name]?.projection?.NonKeyAttributes ?? [])).toEqual(
          new Set(projectionOf(index).NonKeyAttributes ?? []),
        );
      }
      // A second start finds nothing to do.
      await ensureTable(endpoint, tableName());

      // The queries answer from the upgraded indexes, with whole records where lists show them.
      const page = await listRegistrationPage(["32"], undefined, { limit: 10 });
      expect(page.items.map((r) => r.id).sort()).toEqual([pending, active].sort());
      expect(page.items.every((r) => typeof r.fullName === "string" && typeof r.nikHash === "string")).toBe(
        true,
      );
      expect((await listRegistrations("32.05", "active")).map((r) => r.id)).toEqual([active]);
      expect(await activeMemberId("32.05", `PSM-3205-0000${serial}`)).toBe(active);
      expect(await activeMemberId("32.05", "PSM-3205-999999")).toBeUndefined();
      const cases = await listCasePage(["32.05"], { status: "reported" }, { limit: 10 });
      expect(cases.items).toHaveLength(1);
      expect(cases.items[0]?.description).toContain("Nenek Aminah");
      expect((await countCases("32.05")).byType).toEqual({ "lanjut-usia-terlantar": 1 });
    },
    2 * INDEX_CHANGE_MS,
  );

  it("is queried only for attributes it projects", async () => {
    const send = vi.spyOn(db(), "send");
    try {
      await listRegistrationPage(["32"], "submitted", { limit: 10 });
      await listRegistrations("32.05", "active");
      await activeMemberId("32.05", "PSM-3205-000001");
      await coverage("32");
      await coverage("32.05");
      await countCases("32.05");
      await listCasePage(["32.05"], { status: "reported", level: "village", overdue: true }, { limit: 10 });
      await pendingActionsAt(GARUT_VILLAGE);
      const queries = send.mock.calls
        .map(([command]) => command.input as QueryCommandInput)
        .filter((input) => input.IndexName === "gsi1lean" || input.IndexName === "gsi2lean");
      expect(new Set(queries.map((q) => q.IndexName))).toEqual(new Set(["gsi1lean", "gsi2lean"]));
      for (const query of queries) {
        const index = tableSchema.globalIndexes[query.IndexName as "gsi1lean" | "gsi2lean"];
        const projected = new Set<string>([
          "pk",
          "sk",
          index.hashKey,
          index.rangeKey,
          ...(projectionOf(index).NonKeyAttributes ?? []),
        ]);
        expect(attributesRead(query).filter((name) => !projected.has(name))).toEqual([]);
      }
    } finally {
      send.mockRestore();
    }
  });
});
