import type { TestProject } from "vitest/node";
import { freePort, startDynamoDbLocal } from "../../packages/local/src/dynamodb-local";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

/** One in-memory DynamoDB Local for the whole run; each test file makes its own table. */
export default async function setup(project: TestProject) {
  const dynamodb = await startDynamoDbLocal({ port: await freePort() });
  project.provide("dynamodbEndpoint", dynamodb.endpoint);
  return () => dynamodb.stop();
}
