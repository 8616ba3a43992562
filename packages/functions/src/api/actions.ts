import { deliverDecision } from "@sigap/core/action/decision";
import {
  type Action,
  actionRef,
  closeOthers,
  getAction,
  getCurrentRequest,
  isExpired,
  recordDecision,
} from "@sigap/core/action/repository";
import { nowIso } from "@sigap/core/clock";
import { logger } from "@sigap/core/log";
import { describeRegion } from "@sigap/core/region/regions";
import { stageLabels } from "@sigap/core/registration/model";
import { getRegistration } from "@sigap/core/registration/repository";
import { formatDate, formatLocalTime } from "@sigap/core/time";
import { personText } from "@sigap/core/validation/text";
import { type Context, Hono } from "hono";
import * as v from "valibot";
import { readBody } from "./body";
import { escapeHtml, facts, page } from "./pages";
import { ActionId, validParams } from "./params";

/**
 * Links in workflow emails. Mail scanners open every link, so GET only shows what is asked and
 * changes nothing; the POST of that page decides, once.
 */

interface SubjectView {
  title: string;
  facts: Array<{ label: string; value: string }>;
  /** Where the work stands now, for pages of links that no longer work. */
  standing: string;
  regionCode: string;
}

async function describeSubject(action: Action): Promise<SubjectView | undefined> {
  if (action.subjectType !== "registration") return undefined;
  const r = await getRegistration(action.subjectId);
  if (!r) return undefined;
  return {
    title: `Pendaftaran PSM: ${r.fullName}`,
    facts: [
      { label: "Nama", value: r.fullName },
      { label: "NIK", value: r.nikMasked },
      { label: "Tempat, tanggal lahir", value: `${r.birthPlace}, ${formatDate(r.birthDate)}` },
      { label: "Desa/Kelurahan", value: describeRegion(r.villageCode) },
      { label: "Alamat", value: r.address },
      { label: "Pendidikan terakhir", value: r.education },
      { label: "Pekerjaan", value: r.occupation },
      { label: "Motivasi", value: r.motivation },
    ],
    standing: r.status === "rejected" ? "Pendaftaran ini telah ditolak." : stageLabels[r.stage],
    regionCode: r.villageCode,
  };
}

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

function missingPage(c: Context) {
  return c.html(
    page(
      "Tautan tidak dikenal",
      "<h1>Tautan tidak dikenal</h1><p>Periksa kembali tautan pada email Anda; mungkin terpotong.</p>",
    ),
    404,
  );
}

function formPage(c: Context, action: Action, subject: SubjectView, error?: string, status: 200 | 422 = 200) {
  const options = action.options
    .map(
      (o, i) =>
        `<label><input type="radio" name="decision" value="${escapeHtml(o.value)}"${i === 0 ? " required" : ""}> ${escapeHtml(o.label)}${
          o.requiresReason ? " (wajib menyertakan alasan)" : ""
        }</label>`,
    )
    .join("");
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
<label for="reason">Alasan (wajib bila menolak; akan disampaikan kepada pendaftar)</label>
<textarea id="reason" name="reason" maxlength="500"></textarea>
<label for="note">Catatan internal (tidak ditampilkan kepada pendaftar)</label>
<textarea id="note" name="note" maxlength="500"></textarea>
<p><button type="submit">Kirim keputusan</button></p>
</form>`,
    ),
    status,
  );
}

/** The link as it stands after its decision could not be recorded: decided by another, or replaced. */
async function whyNotRecorded(action: Action): Promise<Action> {
  const fresh = (await getAction(action.id)) ?? action;
  if (fresh.status !== "pending") return fresh;
  // Still pending: another addressee's decision claimed the request first, or a newer request replaced it.
  const current = await getCurrentRequest(action);
  const decider = current?.decidedActionId ? await getAction(current.decidedActionId) : undefined;
  if (decider && current?.actionIds.includes(action.id)) {
    const decidedAt = decider.decidedAt ?? current.decidedAt;
    return {
      ...fresh,
      status: "used",
      decidedBy: decider.addressee.name,
      ...(decidedAt ? { decidedAt } : {}),
    };
  }
  return { ...fresh, status: "superseded" };
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
const validAction = validParams({ actionId: ActionId }, missingPage);

export const actions = new Hono()
  .get("/:actionId", validAction, async (c) => {
    const { action, subject } = await load(c);
    if (!action || !subject) return missingPage(c);
    if (action.status !== "pending" || isExpired(action)) return gonePage(c, action, subject);
    return formPage(c, action, subject);
  })
  .post("/:actionId", validAction, async (c) => {
    const { action, subject } = await load(c);
    if (!action || !subject) return missingPage(c);
    if (action.status !== "pending" || isExpired(action)) return gonePage(c, action, subject);

    const form = await readBody(c);
    const decision = typeof form.decision === "string" ? form.decision : "";
    const option = action.options.find((o) => o.value === decision);
    if (!option) return formPage(c, action, subject, "Pilih salah satu keputusan.", 422);
    const texts = v.safeParse(DecisionTexts, form, { abortPipeEarly: true });
    if (!texts.success) return formPage(c, action, subject, texts.issues[0].message, 422);
    const { reason, note } = texts.output;
    if (option.requiresReason && reason.length < 5) {
      return formPage(c, action, subject, "Tuliskan alasan penolakan (minimal 5 karakter).", 422);
    }

    // Single use, one decision per request: stored first, so a crash after this line loses nothing.
    const decidedAt = nowIso();
    if (!(await recordDecision(action, { decision, reason, note }, decidedAt))) {
      return gonePage(c, await whyNotRecorded(action), subject);
    }
    const ref = actionRef(action.id);
    // The freshest token: a resumed step may have re-bound the link since it was loaded.
    const recorded = (await getAction(action.id)) ?? action;
    let delivery: "delivered" | "closed" | "failed";
    try {
      // "closed": the task is gone (timed out, or its execution lost); the step applies the
      // recorded decision when it is asked again (the reminder, or the reconciler's restart).
      delivery = await deliverDecision(recorded);
    } catch (error) {
      // Step Functions unreachable: the decision is stored; the reconciler hands it over.
      logger.warn("Decision stored but not yet handed to the workflow", {
        actionRef: ref,
        error: error as Error,
      });
      delivery = "failed";
    }
    // The request's links as they are now, not as loaded: a directory change may have added some.
    await closeOthers({ ...action, decidedAt, decidedBy: action.addressee.name });
    logger.info("Decision recorded", { actionRef: ref, step: action.step, decision, delivery });
    return c.html(
      page(
        "Keputusan tercatat",
        `<h1>Terima kasih, keputusan Anda tercatat</h1>${facts([
          { label: "Permohonan", value: subject.title },
          { label: "Keputusan", value: option.label },
          { label: "Waktu", value: formatLocalTime(decidedAt, subject.regionCode) },
        ])}<p class="note">${
          delivery === "delivered"
            ? "Pendaftar dan petugas terkait akan diberi tahu melalui email."
            : "Keputusan Anda sudah tersimpan dan akan diproses otomatis; Anda tidak perlu mengirim ulang. Pendaftar dan petugas terkait akan diberi tahu melalui email."
        } Anda dapat menutup halaman ini.</p>`,
      ),
    );
  });
