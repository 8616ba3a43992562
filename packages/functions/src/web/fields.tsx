import type { FieldError } from "@sigap/core/error";
import type { Child, FC } from "hono/jsx";
import type { Refusal } from "./form-submission";

/**
 * Form building blocks shared by every form page. Accessibility is built in: each control has a
 * label; its hint and error are tied to it with `aria-describedby`; an invalid control says so
 * (`aria-invalid`) and the first one gets `autofocus`, which works with no script at all.
 */

/**
 * The longest value a re-rendered page echoes when its field sets no `maxlength`: a refused form
 * shows what was sent, but a 65 KB value must not make a 65 KB page (the field components cap at
 * their `maxlength`, at this otherwise; a page echoing a value by other means uses `echoed`).
 */
export const ECHO_MAX = 200;

/** A value as a page shows it back: at most `max` characters (whole code points). */
export function echoed(value: string | undefined, max: number = ECHO_MAX): string {
  if (value === undefined) return "";
  // Cheap check first: most values are short.
  if (value.length <= max) return value;
  return Array.from(value).slice(0, max).join("");
}

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

/** The ids an `aria-describedby` lists (hint, result, error …), skipping those not on the page. */
export const describedBy = (...ids: Array<string | false | undefined>) =>
  ids.filter(Boolean).join(" ") || undefined;

const fieldDescribedBy = (name: string, hint: boolean, error: boolean) =>
  describedBy(hint && `${name}-hint`, error && `${name}-error`);

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
      value={echoed(p.value, p.maxlength)}
      required={p.required ?? false}
      inputmode={p.inputmode}
      autocomplete={p.autocomplete}
      maxlength={p.maxlength}
      pattern={p.pattern}
      aria-invalid={p.error ? "true" : undefined}
      aria-describedby={fieldDescribedBy(p.name, Boolean(p.hint), Boolean(p.error))}
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
      aria-describedby={fieldDescribedBy(p.name, Boolean(p.hint), Boolean(p.error))}
      autofocus={p.focus ?? false}
    >
      {echoed(p.value, p.maxlength)}
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
    aria-describedby={fieldDescribedBy(p.name, Boolean(p.hint), Boolean(p.error))}
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

export const SelectField: FC<
  Omit<FieldProps, "type" | "inputmode" | "pattern" | "maxlength"> & {
    choices: readonly Choice[];
    placeholder?: string;
  }
> = (p) => (
  <div class="field">
    <label for={p.name}>{p.label}</label>
    <FieldHint name={p.name} hint={p.hint} />
    <select
      id={p.name}
      name={p.name}
      required={p.required ?? false}
      aria-invalid={p.error ? "true" : undefined}
      aria-describedby={fieldDescribedBy(p.name, Boolean(p.hint), Boolean(p.error))}
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

/** Errors in the order the page shows their fields (`labels` lists them so), then any others. */
function inPageOrder(errors: Errors, labels: Record<string, string>): Array<[string, string]> {
  const order = Object.keys(labels);
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  return [...errors].sort(([a], [b]) => rank(a) - rank(b));
}

/**
 * Every error at once at the top of a rejected form, each a link to its field, in the order of the
 * fields on the page (`labels` lists them in that order); `role="alert"` so a screen reader
 * announces it as the page opens.
 */
export const ErrorSummary: FC<{ errors: Errors; labels: Record<string, string> }> = ({ errors, labels }) =>
  errors.size === 0 ? null : (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">Ada {errors.size} isian yang perlu diperbaiki</h2>
      <ul>
        {inPageOrder(errors, labels).map(([field, message]) => (
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

/**
 * What a refused form shows above its fields besides the error summary: that this form was already
 * sent with other content (it now carries a fresh key), or a refusal that belongs to no field (a
 * quota, an outage). `heading` is the level that fits the page's outline.
 */
export const FormNotices: FC<{
  refusal?: Refusal | undefined;
  submitLabel: string;
  heading?: "h2" | "h3";
}> = ({ refusal, submitLabel, heading = "h2" }) => {
  const Heading = heading;
  return (
    <>
      {refusal?.keyRenewed ? (
        <div class="gone" role="alert">
          <Heading>Formulir ini sudah pernah dikirim</Heading>
          <p>
            Halaman ini sudah dikirim sebelumnya dengan isian yang berbeda. Isian Anda masih ada di bawah;
            periksa, lalu tekan "{submitLabel}" sekali lagi untuk mengirimnya sebagai pengiriman baru.
          </p>
        </div>
      ) : null}
      {refusal?.notice ? (
        <div class="error" role="alert">
          <Heading>{refusal.notice.title}</Heading>
          {refusal.notice.detail ? <p>{refusal.notice.detail}</p> : null}
        </div>
      ) : null}
    </>
  );
};

/**
 * The submit button Enter presses: the form's first, hidden from sight and from screen readers
 * (the visible button at the end is the one they meet), out of the tab order. It sends
 * `intent=enter`, so the page can tell Enter in the village search box from the "Kirim" button.
 */
export const EnterButton: FC<{ label: string }> = ({ label }) => (
  // Hidden on its wrapper: it stays focusable by script only (tabindex -1), which axe allows.
  <div class="visually-hidden" aria-hidden="true">
    <button type="submit" name="intent" value="enter" tabindex={-1}>
      {label}
    </button>
  </div>
);

/**
 * The page after an accepted form: what was accepted, the number and code to keep (large, to copy
 * by hand), and the link to follow it.
 */
export const ReceiptPanel: FC<{
  heading: string;
  lead: Child;
  keep: string;
  codes: Array<{ label: string; value: string }>;
  link: { href: string; label: string };
  children?: Child;
}> = ({ heading, lead, keep, codes, link, children }) => (
  <>
    <div class="success" role="status">
      <h1>{heading}</h1>
      <p>{lead}</p>
    </div>
    <p>{keep}</p>
    <dl>
      {codes.map((code) => (
        <>
          <dt>{code.label}</dt>
          <dd class="code">{code.value}</dd>
        </>
      ))}
    </dl>
    {children}
    <p>
      <a class="button" href={link.href}>
        {link.label}
      </a>
    </p>
  </>
);
