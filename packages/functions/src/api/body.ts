import { AppError } from "@sigap/core/error";
import type { Context } from "hono";

/**
 * Public endpoints accept JSON and plain HTML forms (application/x-www-form-urlencoded, and
 * multipart from forms with enctype set). Anything else is a 415; broken JSON a 400.
 */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = await c.req.json();
    } catch {
      throw new AppError("bad-request", "Data tidak dapat dibaca", "Isi permintaan bukan JSON yang valid.");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new AppError("bad-request", "Data tidak dapat dibaca", "Isi permintaan harus berupa objek JSON.");
    }
    return parsed as Record<string, unknown>;
  }
  if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data") {
    const form = await c.req.parseBody();
    return Object.fromEntries(Object.entries(form).filter(([, value]) => typeof value === "string"));
  }
  throw new AppError(
    "unsupported-media-type",
    "Format data tidak didukung",
    "Kirim data sebagai JSON (application/json) atau formulir (application/x-www-form-urlencoded).",
  );
}
