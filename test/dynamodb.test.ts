/** The table the local stack creates is the one infra declares, and DynamoDB Local does what we rely on. */
import { DescribeTableCommand, DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { tableSchema } from "@sigap/core/db/schema";
import { tableName } from "@sigap/core/resources";
import { describe, expect, it } from "vitest";

describe("the table on DynamoDB Local", () => {
  it("has the keys, indexes and TTL attribute that infra declares", async () => {
    const { Table } = await db().send(new DescribeTableCommand({ TableName: tableName() }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: tableSchema.primaryIndex.hashKey, KeyType: "HASH" },
      { AttributeName: tableSchema.primaryIndex.rangeKey, KeyType: "RANGE" },
    ]);
    const indexes = Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((i) => [
        i.IndexName,
        i.KeySchema?.map((k) => k.AttributeName),
      ]),
    );
    expect(indexes).toEqual(
      Object.fromEntries(
        Object.entries(tableSchema.globalIndexes).map(([name, index]) => [
          name,
          [index.hashKey, index.rangeKey],
        ]),
      ),
    );
    const ttl = await db().send(new DescribeTimeToLiveCommand({ TableName: tableName() }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: "ENABLED",
      AttributeName: tableSchema.ttl,
    });
  });

  it("enforces uniqueness with a conditional write and reports the existing item", async () => {
    const put = () =>
      db().send(
        new PutCommand({
          TableName: tableName(),
          Item: { pk: "UNIQUE#nik-hash", sk: "UNIQUE", owner: "REG#1" },
          ConditionExpression: "attribute_not_exists(pk)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
    await put();
    const failure = await put().catch((error: { name: string; Item?: Record<string, unknown> }) => error);
    expect(failure).toMatchObject({ name: "ConditionalCheckFailedException" });
  });

  it("writes all or nothing in a transaction", async () => {
    await db().send(new PutCommand({ TableName: tableName(), Item: { pk: "TX#taken", sk: "A" } }));
    const attempt = db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: { pk: "TX#new", sk: "A" } } },
          {
            Put: {
              TableName: tableName(),
              Item: { pk: "TX#taken", sk: "A" },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        ],
      }),
    );
    await expect(attempt).rejects.toMatchObject({ name: "TransactionCanceledException" });
    const half = await db().send(new GetCommand({ TableName: tableName(), Key: { pk: "TX#new", sk: "A" } }));
    expect(half.Item).toBeUndefined();
  });
});
