/**
 * The one error type for problems a caller should see. The HTTP layer maps it to an RFC 9457
 * problem document; anything else thrown is an internal error (500, details only in logs).
 * `title`, `detail` and field messages are for people, so they are in Bahasa Indonesia.
 */
export interface FieldError {
  field: string;
  message: string;
}

export type ProblemKind =
  | "validation"
  | "not-found"
  | "conflict"
  | "gone"
  | "unauthorized"
  | "forbidden"
  | "bad-request"
  | "unsupported-media-type"
  | "payload-too-large";

const statusByKind: Record<ProblemKind, number> = {
  "bad-request": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  gone: 410,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  validation: 422,
};

export class AppError extends Error {
  readonly kind: ProblemKind;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;

  constructor(kind: ProblemKind, title: string, detail?: string, errors?: FieldError[]) {
    super(detail ?? title);
    this.name = "AppError";
    this.kind = kind;
    this.status = statusByKind[kind];
    this.title = title;
    this.errors = errors;
  }
}
