import { decide } from "@sigap/core/action/decision";
import { describeSubject } from "@sigap/core/action/known-subjects";
import { type Action, type ActionOption, getAction, isExpired } from "@sigap/core/action/repository";
import type { SubjectView } from "@sigap/core/action/subjects";
import { formatLocalTime } from "@sigap/core/time";
import { personText } from "@sigap/core/validation/text";
import { type Context, Hono } from "hono";
import * as v from "valibot";
import { readBody } from "./body";
import { escapeHtml, facts, page, unknownLinkPage } from "./pages";
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
  const decided = `${by}${when}`;
  return c.html(
    page(
      "Tautan tidak berlaku lagi",
      `<h1>Tautan tidak berlaku lagi</h1><p class="gone">${escapeHtml(goneReasons[status](decided, action))}</p>${
        subject
          ? `<h2>${escapeHtml(subject.title)}</h2><p>Status saat ini: <strong>${escapeHtml(subject.standing)}</strong></p>`
          : ""
      }`,
    ),
    410,
  );
}

/** An option's own field (e.g. the PSM to assign), under it; hidden until it is chosen where the browser can. */
function optionInput(option: ActionOption): string {
  const input = option.input;
  if (!input) return "";
  const id = `input-${option.value}-${input.field}`;
  return `<div class="option-input"><label for="${escapeHtml(id)}">${escapeHtml(input.label)}${
    input.required ? "" : " (opsional)"
  }</label><input id="${escapeHtml(id)}" name="${escapeHtml(input.field)}" maxlength="60" pattern="${escapeHtml(
    input.pattern,
  )}" title="${escapeHtml(input.hint)}"${input.required ? " required" : ""}></div>`;
}

function formPage(c: Context, action: Action, subject: SubjectView, error?: string, status: 200 | 422 = 200) {
  const reporter = action.audience === "reporter";
  const options = action.options
    .map(
      (o, i) =>
        `<div class="option"><label><input type="radio" name="decision" value="${escapeHtml(o.value)}"${i === 0 ? " required" : ""}> ${escapeHtml(o.label)}${
          o.requiresReason ? " (wajib menyertakan alasan)" : ""
        }</label>${optionInput(o)}</div>`,
    )
    .join("");
  const texts = reporter
    ? `<label for="reason">Keterangan (opsional; disampaikan kepada petugas)</label>
<textarea id="reason" name="reason" maxlength="500"></textarea>`
    : `<label for="reason">Alasan (wajib untuk pilihan yang ditandai; dapat disampaikan kepada pihak terkait)</label>
<textarea id="reason" name="reason" maxlength="500"></textarea>
<label for="note">Catatan internal (hanya untuk petugas)</label>
<textarea id="note" name="note" maxlength="500"></textarea>`;
  return c.html(
    page(
      subject.title,
      `<h1>${escapeHtml(subject.title)}</h1>
<p>Yth. ${escapeHtml(action.addressee.name)}${action.addressee.title ? ` (${escapeHtml(action.addressee.title)})` : ""},</p>
${action.onBehalf ? '<p class="note">Anda diminta memutuskan atas nama tingkat di bawah Anda, karena keputusan belum diberikan dalam batas waktu atau penyetuju belum terdaftar.</p>' : ""}
${facts(subject.facts)}
<p class="note">Batas waktu: ${escapeHtml(formatLocalTime(action.validUntil, subject.regionCode))}</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post">
<fieldset><legend>${escapeHtml(action.question)}</legend>${options}</fieldset>
${texts}
<p><button type="submit">Kirim keputusan</button></p>
</form>`,
    ),
    status,
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
    const decision = typeof form.decision === "string" ? form.decision : "";
    const option = action.options.find((o) => o.value === decision);
    if (!option) return formPage(c, action, subject, "Pilih salah satu keputusan.", 422);
    const texts = v.safeParse(DecisionTexts, form, { abortPipeEarly: true });
    if (!texts.success) return formPage(c, action, subject, texts.issues[0].message, 422);
    const { reason } = texts.output;
    // A reporter's page has no internal note: none is taken from it.
    const note = action.audience === "reporter" ? "" : texts.output.note;
    if (option.requiresReason && reason.length < 5) {
      return formPage(c, action, subject, "Tuliskan alasan untuk pilihan ini (minimal 5 karakter).", 422);
    }
    const extra = optionAnswer(option, form);
    if ("error" in extra) return formPage(c, action, subject, extra.error, 422);

    // Single use, one decision per request, stored before the workflow hears of it.
    const outcome = await decide(action, { decision, reason, note, ...extra });
    if (!outcome.recorded) return gonePage(c, outcome.action, subject);
    const { decidedAt, delivery } = outcome;
    return c.html(
      page(
        "Keputusan tercatat",
        `<h1>Terima kasih, keputusan Anda tercatat</h1>${facts([
          { label: "Permohonan", value: subject.title },
          { label: "Keputusan", value: option.label },
          { label: "Waktu", value: formatLocalTime(decidedAt, subject.regionCode) },
        ])}<p class="note">${
          delivery === "delivered"
            ? "Pihak terkait akan diberi tahu melalui email."
            : "Keputusan Anda sudah tersimpan dan akan diproses otomatis; Anda tidak perlu mengirim ulang. Pihak terkait akan diberi tahu melalui email."
        } Anda dapat menutup halaman ini.</p>`,
      ),
    );
  });
