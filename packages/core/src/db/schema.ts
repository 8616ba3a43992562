import type { CreateTableCommandInput, Projection } from "@aws-sdk/client-dynamodb";

/**
 * The one table, declared once. `infra/table.ts` hands this object to `sst.aws.Dynamo` and the local
 * runtime turns it into a CreateTable call, so the emulator's table is exactly the deployed one.
 * Each entity's key-building module lives with its domain; these are only the attribute names.
 * A declared index's projection cannot change on a live table: a leaner one gets a new name (and
 * the old one goes to `retiredIndexes` for one release).
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
    /**
     * Work lists: items by status or kind, sorted by time (gsi1's keys). Only `status` is projected,
     * for the one query that filters on it (pending actions); every other reader wants keys (a
     * count, the waiting list's order) and reads whole items by key (`db/lean-index.ts`). An update
     * that leaves the keys and status alone writes nothing here.
     */
    gsi1lean: { hashKey: "gsi1pk", rangeKey: "gsi1sk", projection: ["status"] },
    /**
     * Region scoping: items by region code prefix, sorted by time (gsi2's keys), with what its
     * filters and reports read — coverage (villageCode, status, stage), case counts and filters
     * (ppksType, status, level, outcome, dueAt), the PSM looked up by member number (memberNumber,
     * id). Lists that show whole records read them by key.
     */
    gsi2lean: {
      hashKey: "gsi2pk",
      rangeKey: "gsi2sk",
      projection: [
        "id",
        "status",
        "stage",
        "villageCode",
        "ppksType",
        "level",
        "outcome",
        "dueAt",
        "memberNumber",
      ],
    },
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

/**
 * Indexes the code no longer reads, still declared to infra for one release: a table's index
 * cannot change its projection, so gsi1/gsi2 (projecting every attribute) were replaced by the
 * lean ones above under new names. The release that adds those keeps these, because the
 * functions still running during the deploy query them; the next release deletes this object and
 * the deploy drops them (README: "Index migration"). The local start-up drops them at once.
 */
export const retiredIndexes = {
  gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" },
  gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk" },
} as const;

type IndexDeclaration = {
  readonly hashKey: string;
  readonly rangeKey: string;
  readonly projection?: "keys-only" | readonly string[];
};

/** DynamoDB's form of an index's projection (SST's `projection`: absent = all, "keys-only", or the included names). */
export function projectionOf(index: IndexDeclaration): Projection {
  if (index.projection === undefined) return { ProjectionType: "ALL" };
  if (index.projection === "keys-only") return { ProjectionType: "KEYS_ONLY" };
  return { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projection] };
}

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
      Projection: projectionOf(index),
    })),
  };
}
