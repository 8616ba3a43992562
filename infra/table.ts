import { retiredIndexes, tableSchema } from "../packages/core/src/db/schema";

/**
 * The declared indexes, plus the retired ones for one release: the deploy that adds the lean
 * indexes must not drop what the functions it is replacing still query (README: "Index migration").
 */
const globalIndexes = Object.fromEntries(
  Object.entries({ ...tableSchema.globalIndexes, ...retiredIndexes }).map(([name, index]) => [
    name,
    {
      hashKey: index.hashKey,
      rangeKey: index.rangeKey,
      ...("projection" in index
        ? { projection: index.projection === "keys-only" ? ("keys-only" as const) : [...index.projection] }
        : {}),
    },
  ]),
);

/** The one DynamoDB table, declared by core so the local emulator gets exactly the same one. */
export const table = new sst.aws.Dynamo("Table", {
  fields: tableSchema.fields,
  primaryIndex: tableSchema.primaryIndex,
  globalIndexes,
  ttl: tableSchema.ttl,
  deletionProtection: $app.stage === "production",
  transform: {
    table: { pointInTimeRecovery: { enabled: true }, serverSideEncryption: { enabled: true } },
  },
});
