import * as v from "valibot";
import { AppError, type FieldError } from "../error";

// Fallbacks in Bahasa Indonesia for any check without its own message (@valibot/i18n has no `id`).
v.setGlobalMessage((issue) => {
  switch (issue.kind === "schema" ? issue.type : issue.kind) {
    case "string":
    case "number":
    case "boolean":
    case "object":
      return "Isian ini tidak sesuai formatnya.";
    default:
      return issue.received === "undefined" ? "Wajib diisi." : "Isian ini tidak valid.";
  }
});

/** Valibot issues as `{ field, message }`, one per field (the first problem found for it). */
export function fieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  const seen = new Map<string, string>();
  for (const issue of issues) {
    const field = issue.path?.map((p) => String(p.key)).join(".") ?? "";
    if (!seen.has(field))
      seen.set(field, issue.received === "undefined" && !issue.message ? "Wajib diisi." : issue.message);
  }
  return [...seen].map(([field, message]) => ({ field, message }));
}

/**
 * Valibot reports a missing key with the object's message, not the field's; presenting every
 * declared key (absent ones as undefined) lets each field answer with its own "… wajib diisi".
 */
function withEveryField(schema: v.GenericSchema, input: unknown): unknown {
  const entries = (schema as { entries?: Record<string, unknown> }).entries;
  if (!entries || typeof input !== "object" || input === null || Array.isArray(input)) return input;
  return { ...Object.fromEntries(Object.keys(entries).map((key) => [key, undefined])), ...input };
}

/** Parses `input` or throws the one validation problem (422) with every field's message. */
export function parseOrThrow<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  title = "Data belum lengkap atau belum benar",
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, withEveryField(schema, input), { abortPipeEarly: true });
  if (result.success) return result.output;
  throw new AppError("validation", title, "Periksa kembali isian yang ditandai.", fieldErrors(result.issues));
}
