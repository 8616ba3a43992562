import { AppError } from "@sigap/core/error";
import type { Context } from "hono";

const unreadable = (detail: string) => new AppError("bad-request", "Data tidak dapat dibaca", detail);

const unsupported = (detail: string) =>
  new AppError("unsupported-media-type", "Format data tidak didukung", detail);

const SUPPORTED =
  "Kirim data sebagai JSON (application/json) atau formulir (application/x-www-form-urlencoded atau multipart/form-data).";

/** Browsers and clients send UTF-8 (or say nothing); any other declared charset is refused, not guessed. */
function assertUtf8(contentType: string): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8" && charset !== "us-ascii") {
    throw unsupported("Gunakan pengodean karakter UTF-8.");
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Form values are percent-encoded UTF-8; `%FF` or an over-long `%C0%80` is not, and would become "�". */
function percentEncodingIsUtf8(body: string): boolean {
  return body.split("&").every((pair) => {
    try {
      decodeURIComponent(pair.replaceAll("+", " "));
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The one body reader of the API. Public endpoints accept JSON and plain HTML forms
 * (application/x-www-form-urlencoded, and multipart from forms with enctype set). Any other type
 * or charset is a 415; a body that cannot be parsed as what it claims to be, or a form carrying a
 * file, is a 400. Never a 500: nothing here depends on anything but the request.
 */
export async function readBody(
  c: Context,
  options: { repeatable?: readonly string[] } = {},
): Promise<Record<string, unknown>> {
  const contentType = c.req.header("Content-Type") ?? "";
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (
    type !== "application/json" &&
    type !== "application/x-www-form-urlencoded" &&
    type !== "multipart/form-data"
  ) {
    throw unsupported(SUPPORTED);
  }
  assertUtf8(contentType);
  // Read outside the parsers' error handling, so the body-size limit still answers its own 413;
  // hono caches the bytes, so the form parser below reads them from that cache.
  const bytes = await c.req.arrayBuffer();
  // Bytes that are not UTF-8 would be decoded as U+FFFD and stored as "�": refuse them instead.
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw unreadable("Isi permintaan bukan teks UTF-8 yang valid.");
  }
  if (type === "application/x-www-form-urlencoded" && !percentEncodingIsUtf8(text)) {
    throw unreadable("Isi formulir bukan teks UTF-8 yang valid.");
  }

  if (type === "application/json") {
    let parsed: unknown;
    try {
      // The text is already decoded (and checked) above: parse it, not the bytes a second time.
      parsed = JSON.parse(text);
    } catch {
      throw unreadable("Isi permintaan bukan JSON yang valid.");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw unreadable("Isi permintaan harus berupa objek JSON.");
    }
    return parsed as Record<string, unknown>;
  }

  let form: Record<string, string | File | (string | File)[]>;
  try {
    // Throws on a multipart body without a boundary or with broken parts.
    form = await c.req.parseBody({ all: true });
  } catch {
    throw unreadable("Isi formulir tidak dapat dibaca.");
  }
  const values = Object.entries(form);
  if (values.some(([, value]) => [value].flat().some((part) => typeof part !== "string"))) {
    throw unreadable("Formulir ini tidak menerima berkas.");
  }
  // A field the form may repeat (`conditions=a&conditions=b`) keeps every value; any other keeps
  // its last, as a single value. Fields named `x[]` are no field of ours.
  const repeatable = new Set(options.repeatable ?? []);
  return Object.fromEntries(
    values.flatMap(([name, value]): Array<[string, unknown]> => {
      if (name.endsWith("[]")) return [];
      if (!Array.isArray(value)) return [[name, value]];
      return [[name, repeatable.has(name) ? value : value[value.length - 1]]];
    }),
  );
}
