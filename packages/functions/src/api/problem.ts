import { AppError } from "@sigap/core/error";
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
}

const PROBLEM_TYPE_BASE = "https://sigap.kemensos.go.id/problems/";

export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem), problem.status as 400, {
    "Content-Type": "application/problem+json; charset=utf-8",
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
    };
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
