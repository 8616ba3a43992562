import { randomUUID } from "node:crypto";
import { AppError, type FieldError, type ProblemKind } from "@sigap/core/error";
import { toProblem } from "../api/problem";

/**
 * What the form pages (/daftar, /lapor) share between reading a submission and answering it: the
 * form's own idempotency key, the button that was pressed, and the outcome of the one operation
 * the JSON API calls too, as a page can show it.
 */

/** A fresh key for a blank form (see `FormKey`). */
export const newFormKey = (): string => randomUUID();

/** The form's key as sent back, when it has the shape of an Idempotency-Key; otherwise none. */
export function formKeyOf(body: Record<string, unknown>): string | undefined {
  const key = body.formKey;
  return typeof key === "string" && /^[\x21-\x7e]{1,128}$/.test(key) ? key : undefined;
}

/** A submitted value as text (a repeated field gives its last value, as `readBody` keeps it). */
export function textOf(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof last === "string" ? last : "";
}

/** Every submitted value of a field that may repeat (checkboxes). */
export function listOf(body: Record<string, unknown>, name: string): string[] {
  return [body[name]].flat().filter((value): value is string => typeof value === "string");
}

/** The "Cari desa" button of the region picker: show matching villages, save nothing. */
export const isVillageSearch = (body: Record<string, unknown>) => textOf(body, "intent") === "cari-desa";

/** Pauses between waits for a first submission still being handled (a double click without script). */
const IN_PROGRESS_WAITS_MS = [300, 600, 1200, 2400];

/**
 * Runs the submission; when the same form is still being handled (a second click while the first
 * is under way), waits for it, so the second click gets the first answer rather than an error.
 */
export async function onceSettled<T>(submit: () => Promise<T>): Promise<T> {
  for (const wait of IN_PROGRESS_WAITS_MS) {
    try {
      return await submit();
    } catch (error) {
      if (!(error instanceof AppError) || error.kind !== "in-progress") throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  return submit();
}

/** A refused submission as the form shows it: messages beside fields, or one notice at the top. */
export interface Refusal {
  status: number;
  fieldErrors: FieldError[];
  notice?: { title: string; detail?: string | undefined };
}

/**
 * The answer to a refused submission: a validation problem lists its fields; anything else (a
 * NIK already registered, a quota, an outage) becomes a notice, its status kept. Unexpected errors
 * are logged by the one problem mapper.
 */
export function refusalOf(error: unknown, fieldFor: Partial<Record<ProblemKind, string>> = {}): Refusal {
  const problem = toProblem(error);
  if (problem.errors && problem.errors.length > 0) {
    return { status: problem.status, fieldErrors: problem.errors };
  }
  const field = fieldFor[problem.type.split("/").pop() as ProblemKind];
  if (field) {
    return { status: problem.status, fieldErrors: [{ field, message: problem.detail ?? problem.title }] };
  }
  return {
    status: problem.status,
    fieldErrors: [],
    notice: { title: problem.title, detail: problem.detail },
  };
}
