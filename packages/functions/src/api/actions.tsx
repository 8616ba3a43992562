import { decide } from "@sigap/core/action/decision";
import { describeSubject } from "@sigap/core/action/known-subjects";
import {
  type Action,
  type ActionInput,
  type ActionOption,
  getAction,
  isExpired,
} from "@sigap/core/action/repository";
import type { SubjectView } from "@sigap/core/action/subjects";
import { formatLocalTime } from "@sigap/core/time";
import { personText } from "@sigap/core/validation/text";
import { type Context, Hono } from "hono";
import type { FC } from "hono/jsx";
import * as v from "valibot";
import { ErrorSummary, type Errors, FieldHint, FieldMessage, firstInvalid, TextArea } from "../web/fields";
import { textOf } from "../web/form-submission";
import { Facts, Page } from "../web/layout";
import { readBody } from "./body";
import { unknownLinkPage } from "./pages";
import { ActionId, validParams } from "./params";

/**
 * Links in workflow emails, for any subject type (described by its registered describer). Mail
 * scanners open every link, so GET only shows what is asked and changes nothing; the POST of that
 * page decides, once. A sensitive subject's facts show here too: the link is the addressee's own
 * secret, and the page is never cached.
 */

/** Why a link no longer works, in a sentence; `decided` is " oleh … pada …" when known. */
const goneReasons: Record<
  Exclude<Action["status"], "pending">,
  (decided: string, action: Action) => string
> = {
  used: (decided) =>
    `Keputusan untuk permohonan ini sudah dicatat${decided}. Tautan hanya dapat dipakai sekali.`,
  superseded: () =>
    "Tautan ini sudah diganti oleh tautan yang lebih baru. Gunakan tautan pada email terbaru.",
  expired: () =>
    "Batas waktu untuk permohonan ini sudah lewat. Jika masih diperlukan, Anda akan menerima email baru.",
  reassigned: (_decided, action) =>
    `Permohonan ini sudah dialihkan kepada ${action.reassignedTo ?? "penyetuju lain"} karena daftar penyetuju diubah oleh Dinas Sosial. Tautan ini tidak berlaku lagi.`,
};

function gonePage(c: Context, action: Action, subject: SubjectView | undefined) {
  const status = action.status === "pending" ? "expired" : action.status;
  const by = action.decidedBy ? ` oleh ${action.decidedBy}` : "";
  const when =
    action.decidedAt && subject ? ` pada ${formatLocalTime(action.decidedAt, subject.regionCode)}` : "";
  return c.html(
    <Page title="Tautan tidak berlaku lagi">
      <h1>Tautan tidak berlaku lagi</h1>
      <p class="gone">{goneReasons[status](`${by}${when}`, action)}</p>
      {subject ? (
        <>
          <h2>{subject.title}</h2>
          <p>
            Status saat ini: <strong>{subject.standing}</strong>
          </p>
        </>
      ) : null}
    </Page>,
    410,
  );
}

/** What the person sent, kept when the page comes back with errors. */
interface DecisionValues {
  decision?: string;
  reason?: string;
  note?: string;
  /** The chosen option's own field, by field name. */
  fields?: Record<string, string>;
}

/** The id of an option's own field on the page (also its key among the page's errors). */
const optionInputId = (option: ActionOption, input: ActionInput) => `input-${option.value}-${input.field}`;

/** An option's own field (e.g. the PSM to assign), under it; hidden until it is chosen where the browser can. */
const OptionInput: FC<{ option: ActionOption; values: DecisionValues; errors: Errors; focus?: string }> = ({
  option,
  values,
  errors,
  focus,
}) => {
  const input = option.input;
  if (!input) return null;
  const id = optionInputId(option, input);
  const error = errors.get(id);
  return (
    <div class="option-input">
      <label class="label" for={id}>
        {input.label}
        {input.required ? "" : " (opsional)"}
      </label>
      <FieldHint name={id} hint={input.hint} />
      <input
        id={id}
        name={input.field}
        value={values.decision === option.value ? (values.fields?.[input.field] ?? "") : ""}
        maxlength={60}
        pattern={input.pattern}
        required={input.required ?? false}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        autofocus={focus === id}
      />
      <FieldMessage name={id} error={error} />
    </div>
  );
};

function formPage(
  c: Context,
  action: Action,
  subject: SubjectView,
  values: DecisionValues = {},
  errors: Errors = new Map(),
) {
  const reporter = action.audience === "reporter";
  const inputIds = action.options.flatMap((o) => (o.input ? [optionInputId(o, o.input)] : []));
  const focus = firstInvalid(errors, ["decision", ...inputIds, "reason", "note"]);
  const labels: Record<string, string> = {
    decision: "Keputusan",
    reason: reporter ? "Keterangan" : "Alasan",
    note: "Catatan internal",
    ...Object.fromEntries(
      action.options.flatMap((o) => (o.input ? [[optionInputId(o, o.input), o.input.label]] : [])),
    ),
  };
  const decisionError = errors.get("decision");
  return c.html(
    <Page title={subject.title}>
      <h1>{subject.title}</h1>
      <p>
        Yth. {action.addressee.name}
        {action.addressee.title ? ` (${action.addressee.title})` : ""},
      </p>
      {action.onBehalf ? (
        <p class="note">
          Anda diminta memutuskan atas nama tingkat di bawah Anda, karena keputusan belum diberikan dalam
          batas waktu atau penyetuju belum terdaftar.
        </p>
      ) : null}
      <Facts items={subject.facts} />
      <p class="note">Batas waktu: {formatLocalTime(action.validUntil, subject.regionCode)}</p>
      <ErrorSummary errors={errors} labels={labels} />
      <form method="post">
        <fieldset
          class="field"
          aria-invalid={decisionError ? "true" : undefined}
          aria-describedby={decisionError ? "decision-error" : undefined}
        >
          <legend>{action.question}</legend>
          {action.options.map((o, i) => (
            <div class="option">
              <label class="choice">
                <input
                  type="radio"
                  id={i === 0 ? "decision" : `decision-${i}`}
                  name="decision"
                  value={o.value}
                  checked={values.decision === o.value}
                  required={i === 0}
                  autofocus={i === 0 && focus === "decision"}
                />
                <span>
                  {o.label}
                  {o.requiresReason ? " (wajib menyertakan alasan)" : ""}
                </span>
              </label>
              <OptionInput option={o} values={values} errors={errors} focus={focus} />
            </div>
          ))}
          <FieldMessage name="decision" error={decisionError} />
        </fieldset>
        {reporter ? (
          <TextArea
            name="reason"
            label="Keterangan (opsional)"
            hint="Disampaikan kepada petugas."
            value={values.reason}
            error={errors.get("reason")}
            focus={focus === "reason"}
            maxlength={500}
          />
        ) : (
          <>
            <TextArea
              name="reason"
              label="Alasan"
              hint="Wajib untuk pilihan yang ditandai; dapat disampaikan kepada pihak terkait."
              value={values.reason}
              error={errors.get("reason")}
              focus={focus === "reason"}
              maxlength={500}
            />
            <TextArea
              name="note"
              label="Catatan internal"
              hint="Hanya untuk petugas."
              value={values.note}
              error={errors.get("note")}
              focus={focus === "note"}
              maxlength={500}
            />
          </>
        )}
        <p>
          <button type="submit">Kirim keputusan</button>
        </p>
      </form>
    </Page>,
    errors.size ? 422 : 200,
  );
}

/**
 * The chosen option's own field, checked against its pattern: `{answer}` (absent when left empty),
 * or the message to show. Fields of options not chosen are ignored.
 */
function optionAnswer(
  option: ActionOption,
  form: Record<string, unknown>,
): { answer?: Record<string, string> } | { error: string } {
  const input = option.input;
  if (!input) return {};
  const raw = form[input.field];
  const trimmed = typeof raw === "string" ? raw.trim() : "";
  const value = input.uppercase ? trimmed.toUpperCase() : trimmed;
  if (!value) return input.required ? { error: `${input.label} wajib diisi.` } : {};
  if (value.length > 60 || !new RegExp(`^(?:${input.pattern})$`).test(value)) {
    return { error: `${input.label} tidak sesuai formatnya. ${input.hint}` };
  }
  return { answer: { [input.field]: value } };
}

async function load(c: Context): Promise<{ action?: Action; subject?: SubjectView }> {
  const action = await getAction(c.req.param("actionId") ?? "");
  if (!action) return {};
  c.header("Cache-Control", "no-store");
  return { action, subject: await describeSubject(action) };
}

/** The reason reaches the applicant's email and the note the audit trail: people's text, several lines. */
const DecisionTexts = v.object({
  reason: v.optional(personText("Alasan", { min: 0, max: 500, lines: "multi" }), ""),
  note: v.optional(personText("Catatan", { min: 0, max: 500, lines: "multi" }), ""),
});

/** A link whose id cannot exist answers as an unknown one, without a read. */
const validAction = validParams({ actionId: ActionId }, unknownLinkPage);

export const actions = new Hono()
  .get("/:actionId", validAction, async (c) => {
    const { action, subject } = await load(c);
    if (!action || !subject) return unknownLinkPage(c);
    if (action.status !== "pending" || isExpired(action)) return gonePage(c, action, subject);
    return formPage(c, action, subject);
  })
  .post("/:actionId", validAction, async (c) => {
    const { action, subject } = await load(c);
    if (!action || !subject) return unknownLinkPage(c);
    if (action.status !== "pending" || isExpired(action)) return gonePage(c, action, subject);

    const form = await readBody(c);
    const text = (name: string) => textOf(form, name);
    const decision = text("decision");
    const option = action.options.find((o) => o.value === decision);
    const reporter = action.audience === "reporter";
    const values: DecisionValues = {
      decision,
      reason: text("reason"),
      note: reporter ? "" : text("note"),
      fields: option?.input ? { [option.input.field]: text(option.input.field) } : {},
    };
    // Every problem at once, each beside its field.
    const errors: Errors = new Map();
    if (!option) errors.set("decision", "Pilih salah satu keputusan.");
    const texts = v.safeParse(DecisionTexts, form, { abortPipeEarly: true });
    for (const issue of texts.issues ?? []) {
      const field = String(issue.path?.[0]?.key ?? "reason");
      // A reporter's page has no internal note: none is taken from it, nor checked.
      if (!(reporter && field === "note") && !errors.has(field)) errors.set(field, issue.message);
    }
    const reason = texts.success ? texts.output.reason : "";
    // A reporter's page has no internal note: none is taken from it.
    const note = texts.success && !reporter ? texts.output.note : "";
    if (texts.success && option?.requiresReason && reason.length < 5) {
      errors.set("reason", "Tuliskan alasan untuk pilihan ini (minimal 5 karakter).");
    }
    const extra = option ? optionAnswer(option, form) : {};
    if ("error" in extra && option?.input) errors.set(optionInputId(option, option.input), extra.error);
    if (!option || errors.size || "error" in extra) return formPage(c, action, subject, values, errors);

    // Single use, one decision per request, stored before the workflow hears of it.
    const outcome = await decide(action, { decision, reason, note, ...extra });
    if (!outcome.recorded) return gonePage(c, outcome.action, subject);
    const { decidedAt, delivery } = outcome;
    return c.html(
      <Page title="Keputusan tercatat">
        <h1>Terima kasih, keputusan Anda tercatat</h1>
        <Facts
          items={[
            { label: "Permohonan", value: subject.title },
            { label: "Keputusan", value: option.label },
            { label: "Waktu", value: formatLocalTime(decidedAt, subject.regionCode) },
          ]}
        />
        <p class="note">
          {delivery === "delivered"
            ? "Pihak terkait akan diberi tahu melalui email."
            : "Keputusan Anda sudah tersimpan dan akan diproses otomatis; Anda tidak perlu mengirim ulang. Pihak terkait akan diberi tahu melalui email."}{" "}
          Anda dapat menutup halaman ini.
        </p>
      </Page>,
    );
  });
