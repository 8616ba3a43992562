import { AppError } from "@sigap/core/error";

/**
 * The `Idempotency-Key` header. What a key does (a retry replays the first answer) is kept in the
 * submission's own transaction: see core/record/idempotency.ts.
 */

/** A key from the header: 1–128 visible ASCII characters, or none. */
export function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = header.trim();
  if (!/^[\x21-\x7e]{1,128}$/.test(key)) {
    throw new AppError("bad-request", "Idempotency-Key tidak valid", "Gunakan 1–128 karakter tanpa spasi.");
  }
  return key;
}
