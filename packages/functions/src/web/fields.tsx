import type { FieldError } from "@sigap/core/error";
import type { Child, FC } from "hono/jsx";

/**
 * Form building blocks shared by every form page. Accessibility is built in: each control has a
 * label; its hint and error are tied to it with `aria-describedby`; an invalid control says so
 * (`aria-invalid`) and the first one gets `autofocus`, which works with no script at all.
 */

/** Field errors by field name (the first message of each), in the order they were reported. */
export type Errors = Map<string, string>;

export function errorsByField(errors: readonly FieldError[] | undefined): Errors {
  const map: Errors = new Map();
  for (const e of errors ?? []) if (!map.has(e.field)) map.set(e.field, e.message);
  return map;
}

/** The first field with an error, in the order the form shows its fields. */
export function firstInvalid(errors: Errors, order: readonly string[]): string | undefined {
  return order.find((name) => errors.has(name)) ?? errors.keys().next().value;
}

const describedBy = (name: string, hint: boolean, error: boolean) =>
  [hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter(Boolean).join(" ") || undefined;

export interface FieldProps {
  name: string;
  label: string;
  value?: string | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  /** Set on the first invalid field of a re-rendered form. */
  focus?: boolean;
  required?: boolean;
  type?: "text" | "email" | "tel" | "date" | "search";
  inputmode?: "numeric" | "tel" | "email" | "text";
  autocomplete?: string;
  maxlength?: number;
  pattern?: string;
}

export const FieldHint: FC<{ name: string; hint?: string | undefined }> = ({ name, hint }) =>
  hint ? (
    <span class="hint" id={`${name}-hint`}>
      {hint}
    </span>
  ) : null;

export const FieldMessage: FC<{ name: string; error?: string | undefined }> = ({ name, error }) =>
  error ? (
    <p class="field-error" id={`${name}-error`}>
      {error}
    </p>
  ) : null;

export const TextField: FC<FieldProps> = (p) => (
  <div class="field">
    <label for={p.name}>{p.label}</label>
    <FieldHint name={p.name} hint={p.hint} />
    <input
      id={p.name}
      name={p.name}
      type={p.type ?? "text"}
      value={p.value ?? ""}
      required={p.required ?? false}
      inputmode={p.inputmode}
      autocomplete={p.autocomplete}
      maxlength={p.maxlength}
      pattern={p.pattern}
      aria-invalid={p.error ? "true" : undefined}
      aria-describedby={describedBy(p.name, Boolean(p.hint), Boolean(p.error))}
      autofocus={p.focus ?? false}
    />
    <FieldMessage name={p.name} error={p.error} />
  </div>
);

export const TextArea: FC<Omit<FieldProps, "type" | "inputmode" | "pattern">> = (p) => (
  <div class="field">
    <label for={p.name}>{p.label}</label>
    <FieldHint name={p.name} hint={p.hint} />
    <textarea
      id={p.name}
      name={p.name}
      required={p.required ?? false}
      maxlength={p.maxlength}
      aria-invalid={p.error ? "true" : undefined}
      aria-describedby={describedBy(p.name, Boolean(p.hint), Boolean(p.error))}
      autofocus={p.focus ?? false}
    >
      {p.value ?? ""}
    </textarea>
    <FieldMessage name={p.name} error={p.error} />
  </div>
);

export interface Choice {
  value: string;
  label: string;
}

/** Radio buttons (one answer) or checkboxes (`multiple`), grouped in a fieldset with a legend. */
export const ChoiceField: FC<{
  name: string;
  legend: string;
  choices: readonly Choice[];
  selected?: readonly string[];
  multiple?: boolean;
  error?: string | undefined;
  hint?: string | undefined;
  focus?: boolean;
  required?: boolean;
}> = (p) => (
  <fieldset
    class="field"
    aria-invalid={p.error ? "true" : undefined}
    aria-describedby={describedBy(p.name, Boolean(p.hint), Boolean(p.error))}
  >
    <legend>{p.legend}</legend>
    <FieldHint name={p.name} hint={p.hint} />
    {p.choices.map((choice, i) => (
      <label class="choice">
        <input
          type={p.multiple ? "checkbox" : "radio"}
          id={i === 0 ? p.name : `${p.name}-${i}`}
          name={p.name}
          value={choice.value}
          checked={p.selected?.includes(choice.value) ?? false}
          required={!p.multiple && i === 0 && (p.required ?? false)}
          autofocus={i === 0 && (p.focus ?? false)}
        />
        <span>{choice.label}</span>
      </label>
    ))}
    <FieldMessage name={p.name} error={p.error} />
  </fieldset>
);

export const SelectField: FC<FieldProps & { choices: readonly Choice[]; placeholder?: string }> = (p) => (
  <div class="field">
    <label for={p.name}>{p.label}</label>
    <FieldHint name={p.name} hint={p.hint} />
    <select
      id={p.name}
      name={p.name}
      required={p.required ?? false}
      aria-invalid={p.error ? "true" : undefined}
      aria-describedby={describedBy(p.name, Boolean(p.hint), Boolean(p.error))}
      autofocus={p.focus ?? false}
    >
      <option value="">{p.placeholder ?? "— Pilih —"}</option>
      {p.choices.map((c) => (
        <option value={c.value} selected={c.value === p.value}>
          {c.label}
        </option>
      ))}
    </select>
    <FieldMessage name={p.name} error={p.error} />
  </div>
);

/**
 * Every error at once at the top of a rejected form, each a link to its field; `role="alert"` so a
 * screen reader announces it as the page opens.
 */
export const ErrorSummary: FC<{ errors: Errors; labels: Record<string, string>; children?: Child }> = ({
  errors,
  labels,
}) =>
  errors.size === 0 ? null : (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">Ada {errors.size} isian yang perlu diperbaiki</h2>
      <ul>
        {[...errors].map(([field, message]) => (
          <li>
            <a href={`#${field}`}>{labels[field] ? `${labels[field]}: ${message}` : message}</a>
          </li>
        ))}
      </ul>
    </div>
  );

/**
 * The form's own idempotency key: generated when the blank form is served, kept through every
 * re-render, sent back with the submission. A double click or a resubmitted page carries the same
 * key, so it replays the first answer instead of creating a second record.
 */
export const FormKey: FC<{ value: string }> = ({ value }) => (
  <input type="hidden" name="formKey" value={value} />
);
