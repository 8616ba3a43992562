import { SFNClient } from "@aws-sdk/client-sfn";

let client: SFNClient | undefined;

/** One Step Functions client per process; the endpoint comes from AWS_ENDPOINT_URL_SFN locally. */
export function sfn(): SFNClient {
  client ??= new SFNClient({});
  return client;
}
