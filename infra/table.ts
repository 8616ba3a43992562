import { tableSchema } from "../packages/core/src/db/schema";

/** The one DynamoDB table, declared by core so the local emulator gets exactly the same one. */
export const table = new sst.aws.Dynamo("Table", {
  fields: tableSchema.fields,
  primaryIndex: tableSchema.primaryIndex,
  globalIndexes: tableSchema.globalIndexes,
  ttl: tableSchema.ttl,
  deletionProtection: $app.stage === "production",
  transform: {
    table: { pointInTimeRecovery: { enabled: true }, serverSideEncryption: { enabled: true } },
  },
});
