import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { awsClientOptions } from "../config/aws-clients";

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
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as T[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** A query's items page by page, so a caller can work through them without holding them all. */
export async function* queryPages<T>(
  input: Omit<QueryCommandInput, "ExclusiveStartKey">,
): AsyncGenerator<T[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield (page.Items ?? []) as T[];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
