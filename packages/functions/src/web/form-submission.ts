import { randomUUID } from "node:crypto";
import { AppError, type FieldError, type ProblemKind } from "@sigap/core/error";
import { isKeyReused } from "@sigap/core/record/idempotency";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { toProblem } from "../api/problem";

/**
 * What the form pages (/daftar, /lapor, /bimtek/:id) share between reading a submission and
 * answering it: the form's own idempotency key, the button that was pressed, and the outcome of the
 * one operation the JSON API calls too, as a page can show it (`submitForm`).
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

/**
 * Enter pressed in a text box: the form's first (hidden) submit button, `intent=enter`, is the
 * one the browser "presses". The visible "Kirim" button sends `intent=kirim`.
 */
export const isImplicitSubmit = (body: Record<string, unknown>) => textOf(body, "intent") === "enter";

/**
 * A link on this site from an absolute URL (the public base URL may name another host, e.g.
 * behind a CDN, or the API's host when the page is served elsewhere): path and query only.
 */
export function sitePath(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

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
  status: ContentfulStatusCode;
  /** The problem's kind when it was an `AppError` (a page may answer some kinds otherwise). */
  kind?: ProblemKind | undefined;
  fieldErrors: FieldError[];
  notice?: { title: string; detail?: string | undefined };
  /** This form's key was already used for other content: the form now carries a fresh one. */
  keyRenewed?: boolean;
}

/**
 * The answer to a refused submission: a validation problem lists its fields; anything else (a
 * NIK already registered, a quota, an outage) becomes a notice, its status kept. Unexpected errors
 * are logged by the one problem mapper.
 */
export function refusalOf(error: unknown, fieldFor: Partial<Record<ProblemKind, string>> = {}): Refusal {
  const problem = toProblem(error);
  const status = problem.status as ContentfulStatusCode;
  const kind = error instanceof AppError ? error.kind : undefined;
  if (problem.errors && problem.errors.length > 0) {
    return { status, kind, fieldErrors: problem.errors };
  }
  const field = kind ? fieldFor[kind] : undefined;
  if (field) {
    return { status, kind, fieldErrors: [{ field, message: problem.detail ?? problem.title }] };
  }
  return { status, kind, fieldErrors: [], notice: { title: problem.title, detail: problem.detail } };
}

/** What a form page answers after a submission: the accepted result, or the form again. */
export type FormOutcome<T> =
  | { accepted: T; refusal?: undefined; formKey?: undefined }
  | { accepted?: undefined; refusal: Refusal; formKey: string };

/**
 * The one submission flow of every form page: validate and submit (with the form's key as the
 * Idempotency-Key, waiting for a first click still under way), and turn a refusal into what the
 * re-rendered form shows — its status, the errors beside their fields or a notice, and the key the
 * form carries on (a fresh one when this key was used for other content).
 */
export async function submitForm<T>(
  formKey: string | undefined,
  submit: () => Promise<T>,
  fieldFor: Partial<Record<ProblemKind, string>> = {},
): Promise<FormOutcome<T>> {
  try {
    return { accepted: await onceSettled(submit) };
  } catch (error) {
    if (isKeyReused(error)) {
      return {
        refusal: { status: 409, kind: "validation", fieldErrors: [], keyRenewed: true },
        formKey: newFormKey(),
      };
    }
    return { refusal: refusalOf(error, fieldFor), formKey: formKey ?? newFormKey() };
  }
}
