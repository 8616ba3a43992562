import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { dynamodb } from "@sigap/core/db/client";
import { tableSchema } from "@sigap/core/db/schema";
import { AppError } from "@sigap/core/error";
import { tableName } from "@sigap/core/resources";
import type { Context } from "aws-lambda";
import type { Context as RequestContext } from "hono";

/** How long a retry with the same Idempotency-Key replays the first answer. */
const REPLAY_WINDOW_SECONDS = 24 * 3600;
/** API Gateway ends every request at 29 s: an attempt still "in progress" after that was interrupted. */
const REQUEST_DEADLINE_MS = 29_000;

/**
 * Off Lambda (`npm start`) there is no invocation context; this stands in with the API's own
 * deadline, so an attempt cut short by an outage blocks its key for 29 s, not the whole window.
 */
function requestDeadline(): Context {
  const deadline = Date.now() + REQUEST_DEADLINE_MS;
  const remaining: Pick<Context, "getRemainingTimeInMillis"> = {
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  // Powertools reads nothing else of the context.
  return remaining as Context;
}

/**
 * Wraps an operation so that a retry with the same `Idempotency-Key` and the same body replays the
 * first answer and writes nothing; the same key with another body is refused. `aside` reaches the
 * operation but is not compared (a sender's address: a retry may come from another network).
 * Powertools keeps the records in our table (under `IDEMPOTENCY#<scope>`), expiring through its TTL
 * attribute.
 */
export function idempotent<TBody, TResult, TAside = undefined>(
  scope: string,
  operation: (body: TBody, aside: TAside) => Promise<TResult>,
) {
  type Request = { key: string; body: TBody; aside: TAside };
  let wrapped: ((request: Request) => Promise<TResult>) | undefined;
  const config = new IdempotencyConfig({
    eventKeyJmesPath: "key",
    payloadValidationJmesPath: "body",
    expiresAfterSeconds: REPLAY_WINDOW_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  /**
   * On Lambda, pass the invocation's context: an interrupted attempt then stays "in progress" only
   * until that invocation's deadline, not for the whole replay window.
   */
  return async (key: string, body: TBody, aside: TAside, lambdaContext?: Context): Promise<TResult> => {
    config.registerLambdaContext(lambdaContext ?? requestDeadline());
    wrapped ??= makeIdempotent(async (request: Request) => operation(request.body, request.aside), {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: tableName(),
        keyAttr: "pk",
        sortKeyAttr: "sk",
        staticPkValue: `IDEMPOTENCY#${scope}`,
        expiryAttr: tableSchema.ttl,
        awsSdkV3Client: dynamodb(),
      }),
      config,
    });
    try {
      return await wrapped({ key, body, aside });
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new AppError(
          "validation",
          "Idempotency-Key sudah dipakai",
          "Kunci Idempotency-Key ini sudah dipakai untuk data yang berbeda. Gunakan kunci baru untuk pengiriman baru.",
          undefined,
          { cause: error },
        );
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        // Its own kind (not "conflict", which means the data clashes): retrying shortly replays the answer.
        throw new AppError(
          "in-progress",
          "Permintaan sedang diproses",
          "Pengiriman yang sama sedang diproses. Coba lagi sebentar lagi.",
        );
      }
      // Store failures (IdempotencyPersistenceLayerError …) become 503 in the one problem mapper.
      throw error;
    }
  };
}

/** A key from the header: 1–128 visible ASCII characters, or none. */
export function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = header.trim();
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) {
    throw new AppError("bad-request", "Idempotency-Key tidak valid", "Gunakan 1–128 karakter tanpa spasi.");
  }
  return key;
}

/** The refusal of a key already used for other content (a form page answers it with a fresh form). */
export function isKeyReused(error: unknown): boolean {
  return error instanceof AppError && error.cause instanceof IdempotencyValidationError;
}

/**
 * The Lambda invocation's context, which hono/aws-lambda puts in `c.env` (none off Lambda, under
 * `npm start` and in tests): passed to `idempotent` operations so an interrupted attempt stays
 * "in progress" only until that invocation's deadline.
 */
export function lambdaContextOf(c: RequestContext): Context | undefined {
  return (c.env as { lambdaContext?: Context } | undefined)?.lambdaContext;
}
