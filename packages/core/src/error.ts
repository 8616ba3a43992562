/**
 * The one error type for problems a caller should see. The HTTP layer maps it to an RFC 9457
 * problem document; anything else thrown is an internal error (500, details only in logs).
 * `title`, `detail` and field messages are for people, so they are in Bahasa Indonesia.
 */
export interface FieldError {
  field: string;
  message: string;
}

export type ProblemKind =
  | "validation"
  | "not-found"
  | "conflict"
  | "gone"
  | "unauthorized"
  | "forbidden"
  | "bad-request"
  | "unsupported-media-type"
  | "payload-too-large"
  /** The same request is already being handled (an Idempotency-Key in use); retry shortly. */
  | "in-progress"
  /** A dependency (database, workflow engine) is down, slow or throttling; retry later. */
  | "unavailable"
  /** Too many requests of this kind from this client (or for this place); retry after the window. */
  | "rate-limited";

const statusByKind: Record<ProblemKind, number> = {
  "bad-request": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "in-progress": 409,
  gone: 410,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  validation: 422,
  "rate-limited": 429,
  unavailable: 503,
};

/** Seconds a client should wait before retrying, sent as `Retry-After`, for kinds that invite it. */
const retryAfterByKind: Partial<Record<ProblemKind, number>> = {
  "in-progress": 2,
  unavailable: 5,
};

export class AppError extends Error {
  readonly kind: ProblemKind;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    kind: ProblemKind,
    title: string,
    detail?: string,
    errors?: FieldError[],
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(detail ?? title, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.kind = kind;
    this.status = statusByKind[kind];
    this.title = title;
    this.errors = errors;
    this.retryAfterSeconds = options?.retryAfterSeconds ?? retryAfterByKind[kind];
  }
}

/** Error names of throttling, timeouts and aborted or failed connections, from the SDK or Node. */
const UNAVAILABLE_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalServerError",
  "InternalFailure",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "AbortError",
  // A write that met a transaction in flight on the same item.
  "TransactionConflictException",
  "TransactionInProgressException",
]);

/** Node's codes for a connection that could not be made or was cut. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Why DynamoDB cancels a transaction when nothing is wrong with the request: retry later. */
const TRANSIENT_CANCELLATIONS = new Set([
  "ThrottlingError",
  "TransactionConflict",
  "ProvisionedThroughputExceeded",
  "RequestLimitExceeded",
]);

/** A transaction cancelled only for transient reasons (no condition failed, no validation error). */
function transientlyCancelled(error: Error): boolean {
  if (error.name !== "TransactionCanceledException") return false;
  const codes = (
    (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []
  )
    .map((reason) => reason.Code ?? "None")
    .filter((code) => code !== "None");
  return codes.length > 0 && codes.every((code) => TRANSIENT_CANCELLATIONS.has(code));
}

function isUnavailableCause(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata, $fault } = error as Error & {
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
    $fault?: unknown;
  };
  if (UNAVAILABLE_NAMES.has(error.name)) return true;
  if (transientlyCancelled(error)) return true;
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
  // A service error with a 5xx status is the service's own failure, not the request's.
  if ($fault === "server" || ($metadata?.httpStatusCode ?? 0) >= 500) return true;
  return error instanceof AggregateError && error.errors.some(isUnavailableCause);
}

/**
 * The one classification of dependency failures: a throttled, timed-out, unreachable or failing
 * AWS service becomes a 503 `unavailable` AppError that
 * invites a retry; anything else gives `undefined`. Wrapped errors are followed through `cause`.
 */
export function dependencyUnavailable(error: unknown): AppError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof AppError) return undefined;
    if (isUnavailableCause(current)) {
      return new AppError(
        "unavailable",
        "Layanan sedang tidak tersedia",
        "Sistem sedang mengalami gangguan sementara. Silakan coba lagi beberapa saat lagi.",
        undefined,
        { cause: error },
      );
    }
    current = current.cause;
  }
  return undefined;
}
