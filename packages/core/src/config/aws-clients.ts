import { settings } from "./settings";

/**
 * The one source of timeouts and retries for every AWS SDK client (DynamoDB, Step Functions, SES),
 * in the API and in task functions alike. The API sits behind API Gateway's 29 s limit, so a
 * dependency that is frozen must fail well within it and be answered as 503, not hang:
 * worst case per call ≈ maxAttempts × (connectionTimeout + requestTimeout) + one short backoff ≈ 8 s.
 * Real DynamoDB answers in milliseconds; these limits only matter when something is wrong. Task
 * functions need no longer limits: Step Functions retries their failed attempts.
 */

/** The first try and one retry (throttling, timeouts, network and 5xx errors are retried). */
const MAX_ATTEMPTS = 2;

/**
 * Options to spread into every SDK client's constructor. The limits come from settings
 * (`AWS_CONNECT_TIMEOUT_MS`, default 1 s: TCP and TLS set-up; `AWS_REQUEST_TIMEOUT_MS`, default
 * 3 s: from sending the request to the end of the answer).
 */
export function awsClientOptions() {
  const { connectTimeoutMs, requestTimeoutMs } = settings().aws;
  return {
    maxAttempts: MAX_ATTEMPTS,
    // The SDK builds its NodeHttpHandler from these options (no direct dependency on it needed).
    requestHandler: {
      connectionTimeout: connectTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Without this, this SDK version only logs a warning when requestTimeout is exceeded.
      throwOnRequestTimeout: true,
    },
  };
}
