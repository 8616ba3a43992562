import { SFNClient } from "@aws-sdk/client-sfn";
import { awsClientOptions } from "../config/aws-clients";

let client: SFNClient | undefined;

/**
 * One Step Functions client per process; the endpoint comes from AWS_ENDPOINT_URL_SFN locally.
 * Timeouts and retries are bounded (config/aws-clients.ts).
 */
export function sfn(): SFNClient {
  client ??= new SFNClient(awsClientOptions());
  return client;
}

/** SendTask* errors meaning the waiting step is gone (timed out, closed, or never existed). */
const CLOSED_TASK_ERRORS = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

export function isClosedTaskError(error: unknown): boolean {
  return error instanceof Error && CLOSED_TASK_ERRORS.has(error.name);
}
