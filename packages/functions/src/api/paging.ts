import { AppError } from "@sigap/core/error";
import type { Context } from "hono";
import * as v from "valibot";
import { PageCursor } from "./params";

/** Items per page when the caller does not say, and the most a page may hold. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/**
 * The page a list request asks for: `limit` (1–100, default 50) and the opaque `cursor` from the
 * previous page's `nextCursor`. A malformed limit is a 422; a cursor that is not one of ours a 400.
 */
export function requestedPage(c: Context): { limit: number; cursor?: string } {
  const limit = c.req.query("limit");
  const cursor = c.req.query("cursor");
  let size = DEFAULT_PAGE_SIZE;
  if (limit !== undefined) {
    size = /^\d{1,3}$/.test(limit) ? Number(limit) : 0;
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw new AppError("validation", "Ukuran halaman tidak valid", `Gunakan limit 1–${MAX_PAGE_SIZE}.`, [
        { field: "limit", message: `Limit harus bilangan 1–${MAX_PAGE_SIZE}.` },
      ]);
    }
  }
  if (cursor !== undefined && !v.is(PageCursor, cursor)) {
    throw new AppError(
      "bad-request",
      "Kursor tidak valid",
      "Mulai lagi dari halaman pertama (tanpa cursor).",
    );
  }
  return { limit: size, ...(cursor ? { cursor } : {}) };
}
