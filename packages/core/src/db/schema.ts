import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/**
 * The one table, declared once. `infra/table.ts` hands this object to `sst.aws.Dynamo` and the local
 * runtime turns it into a CreateTable call, so the emulator's table is exactly the deployed one.
 * Each entity's key-building module lives with its domain; these are only the attribute names.
 */
export const tableSchema = {
  fields: {
    pk: "string",
    sk: "string",
    gsi1pk: "string",
    gsi1sk: "string",
    gsi2pk: "string",
    gsi2sk: "string",
    gsi3pk: "string",
    gsi3sk: "string",
    gsi4pk: "string",
    gsi4sk: "string",
  },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  globalIndexes: {
    /** Work lists: items by status or kind, sorted by time. */
    gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" },
    /** Region scoping: items by region code prefix, sorted by time. */
    gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk" },
    /**
     * Sparse work queues: only items some job must act on carry its keys — items whose workflow
     * execution is to be started or restarted (see workflow/keys.ts), so the reconciler's work
     * costs the exceptions, not the open items; and pending email actions, by zone, for the daily
     * digest (see action/keys.ts); and a small marker per Bimtek session whose timeline is still
     * open (see bimtek/keys.ts), read only when the local engine lost its executions — so a job reads
     * what is waiting, never the whole table.
     */
    gsi3: { hashKey: "gsi3pk", rangeKey: "gsi3sk", projection: "keys-only" },
    /**
     * Sparse: only records whose personal data awaits erasure, by when it is due (see
     * record/retention-keys.ts); the retention job reads just the due ones, and keys are all it needs.
     */
    gsi4: { hashKey: "gsi4pk", rangeKey: "gsi4sk", projection: "keys-only" },
  },
  /** Epoch seconds after which DynamoDB deletes the item (idempotency records, expired actions). */
  ttl: "expiresAt",
} as const;

const attributeTypes = { string: "S", number: "N", binary: "B" } as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: Object.entries(tableSchema.fields).map(([name, type]) => ({
      AttributeName: name,
      AttributeType: attributeTypes[type],
    })),
    KeySchema: [
      { AttributeName: tableSchema.primaryIndex.hashKey, KeyType: "HASH" },
      { AttributeName: tableSchema.primaryIndex.rangeKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: Object.entries(tableSchema.globalIndexes).map(([indexName, index]) => ({
      IndexName: indexName,
      KeySchema: [
        { AttributeName: index.hashKey, KeyType: "HASH" },
        { AttributeName: index.rangeKey, KeyType: "RANGE" },
      ],
      Projection: {
        ProjectionType: "projection" in index && index.projection === "keys-only" ? "KEYS_ONLY" : "ALL",
      },
    })),
  };
}
