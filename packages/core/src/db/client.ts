import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  paginateQuery,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { awsClientOptions } from "../config/aws-clients";
import { tableName } from "../resources";

let baseClient: DynamoDBClient | undefined;
let documentClient: DynamoDBDocumentClient | undefined;

/**
 * One client per process; the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB locally. Timeouts and
 * retries are bounded (config/aws-clients.ts) so a frozen table fails fast instead of hanging.
 */
export function dynamodb(): DynamoDBClient {
  baseClient ??= new DynamoDBClient(awsClientOptions());
  return baseClient;
}

/** The document client most code uses (plain JavaScript values in and out). */
export function db(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(dynamodb(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

/** Every item a query matches, following pagination. */
export async function queryAll<T>(input: Omit<QueryCommandInput, "ExclusiveStartKey">): Promise<T[]> {
  const items: T[] = [];
  for await (const page of queryPages<T>(input)) items.push(...page);
  return items;
}

/** Every item of one partition whose sort key starts with `skPrefix` (an audit trail, a change log), in order. */
export function queryByPrefix<T>(key: { pk: string; skPrefix: string }): Promise<T[]> {
  return queryAll<T>({
    TableName: tableName(),
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": key.pk, ":prefix": key.skPrefix },
  });
}

/** A query's items page by page, so a caller can work through them without holding them all. */
export async function* queryPages<T>(
  input: Omit<QueryCommandInput, "ExclusiveStartKey">,
): AsyncGenerator<T[]> {
  for await (const page of paginateQuery({ client: db() }, input)) yield (page.Items ?? []) as T[];
}

/** BatchGetItem takes at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;

/**
 * The items at `keys` (those that exist, in no particular order): strongly consistent, batched,
 * and retrying what DynamoDB leaves unprocessed under load, a few times with backoff.
 */
export async function getMany<T>(keys: Array<{ pk: string; sk: string }>): Promise<T[]> {
  const items: T[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
    let batch: Record<string, unknown>[] = keys.slice(start, start + BATCH_GET_LIMIT);
    for (let round = 0; batch.length > 0; round++) {
      const result = await db().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: batch, ConsistentRead: true } } }),
      );
      items.push(...((result.Responses?.[tableName()] ?? []) as T[]));
      batch = (result.UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (batch.length > 0) {
        if (round >= 5) throw new Error("Batched read kept being throttled");
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      }
    }
  }
  return items;
}

/**
 * True when a write was refused only because its condition did not hold — a lost race or a repeat,
 * which callers answer in domain terms. A transaction cancelled for any other reason (throttling, a
 * conflicting transaction) is not: it is rethrown and answered as a dependency failure (503).
 * `item` narrows it to one item of a transaction (e.g. the NIK claim).
 */
export function conditionFailed(error: unknown, item?: number): boolean {
  if (error instanceof ConditionalCheckFailedException) return true;
  if (!(error instanceof TransactionCanceledException)) return false;
  const reasons = error.CancellationReasons ?? [];
  const failed = (index: number) => reasons[index]?.Code === "ConditionalCheckFailed";
  return item === undefined ? reasons.some((_, index) => failed(index)) : failed(item);
}
