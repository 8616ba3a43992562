import { AppError, dependencyUnavailable } from "@sigap/core/error";
import { logger } from "@sigap/core/log";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

/** RFC 9457 problem document; `type` is a stable URI fragment per kind of problem. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
  /** Sent as the `Retry-After` header (seconds), not in the document. */
  retryAfterSeconds?: number;
}

const PROBLEM_TYPE_BASE = "https://sigap.kemensos.go.id/problems/";

export function problemResponse(
  c: Context,
  problem: Problem,
  headers: Record<string, string> = {},
): Response {
  const { retryAfterSeconds, ...document } = problem;
  return c.body(JSON.stringify(document), problem.status as 400, {
    ...headers,
    "Content-Type": "application/problem+json; charset=utf-8",
    ...(retryAfterSeconds !== undefined ? { "Retry-After": String(retryAfterSeconds) } : {}),
  });
}

/** The one mapper from anything thrown to a problem document. */
export function toProblem(error: unknown): Problem {
  if (error instanceof AppError) {
    return {
      type: `${PROBLEM_TYPE_BASE}${error.kind}`,
      title: error.title,
      status: error.status,
      ...(error.message !== error.title ? { detail: error.message } : {}),
      ...(error.errors ? { errors: error.errors } : {}),
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    };
  }
  // A dependency that is down, slow or throttling is a 503 the caller may retry, never a 500.
  const unavailable = dependencyUnavailable(error);
  if (unavailable) {
    logger.warn("Dependency unavailable", { error: error instanceof Error ? error : String(error) });
    return toProblem(unavailable);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return {
      type: `${PROBLEM_TYPE_BASE}bad-request`,
      title: "Permintaan tidak dapat diproses",
      status: error.status,
      detail: "Periksa kembali data yang dikirim.",
    };
  }
  logger.error("Unhandled error", { error: error instanceof Error ? error : String(error) });
  return {
    type: `${PROBLEM_TYPE_BASE}internal`,
    title: "Terjadi gangguan pada sistem",
    status: 500,
    detail: "Silakan coba lagi beberapa saat lagi. Data Anda belum tentu tersimpan.",
  };
}
