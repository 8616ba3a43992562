/**
 * The one source of timeouts and retries for every AWS SDK client (DynamoDB, Step Functions, SES),
 * in the API and in task functions alike. The API sits behind API Gateway's 29 s limit, so a
 * dependency that is frozen must fail well within it and be answered as 503, not hang:
 * worst case per call ≈ maxAttempts × (connectionTimeout + requestTimeout) + one short backoff ≈ 8 s.
 * Real DynamoDB answers in milliseconds; these limits only matter when something is wrong. Task
 * functions need no longer limits: Step Functions retries their failed attempts.
 */
export const AWS_CLIENT_TIMEOUTS = {
  /** TCP (and TLS) connection set-up. */
  connectionTimeoutMs: 1000,
  /** From sending the request to the end of the answer. */
  requestTimeoutMs: 3000,
  /** The first try and one retry (throttling, timeouts, network and 5xx errors are retried). */
  maxAttempts: 2,
} as const;

/** Options to spread into every SDK client's constructor. */
export function awsClientOptions() {
  return {
    maxAttempts: AWS_CLIENT_TIMEOUTS.maxAttempts,
    // The SDK builds its NodeHttpHandler from these options (no direct dependency on it needed).
    requestHandler: {
      connectionTimeout: AWS_CLIENT_TIMEOUTS.connectionTimeoutMs,
      requestTimeout: AWS_CLIENT_TIMEOUTS.requestTimeoutMs,
      // Without this, this SDK version only logs a warning when requestTimeout is exceeded.
      throwOnRequestTimeout: true,
    },
  };
}
