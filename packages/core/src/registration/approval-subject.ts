import { type AskedEvent, registerSubject, type SubjectView } from "../action/subjects";
import { nowIso } from "../clock";
import { eventItem } from "../record/trail";
import { describeRegion } from "../region/regions";
import { formatDate } from "../time";
import { addFlag } from "./flags";
import { registrationKeys } from "./keys";
import { decisionRequestEmail } from "./messages";
import { type Registration, type RegistrationEvent, stageLabels } from "./model";
import { getRegistration, recordTransition } from "./repository";

/** The registration as the approval service sees it. */
function registrationView(r: Registration): SubjectView {
  return {
    regionCode: r.villageCode,
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
    sensitive: false,
    requestEmail: (action, context) => decisionRequestEmail(r, action, context),
  };
}

/** What the audit trail says of an ask: the step, who decides where, and who was asked. */
const askedNote = (asked: AskedEvent) =>
  `${asked.step} → ${asked.decidingLevel} ${asked.regionCode} (${asked.addressees.join(", ")})`;

/**
 * A registration as the approval service sees it: the facts the approver's page shows, the request
 * email, and what an ask leaves in its audit trail and flags.
 */
registerSubject({
  type: "registration",
  async load(id) {
    const r = await getRegistration(id);
    return r ? registrationView(r) : undefined;
  },
  stored: {
    key: registrationKeys.registration,
    view: (item) => registrationView(item as unknown as Registration),
    askedItem(item, asked) {
      const r = item as unknown as Registration;
      const event: RegistrationEvent = {
        at: nowIso(),
        event: asked.event,
        status: r.status,
        stage: r.stage,
        actor: { kind: "system" },
        note: askedNote(asked),
      };
      // A plain item for the transaction (the trail's key and the event).
      return { ...eventItem(registrationKeys.trail(r.id), event) } as Record<string, unknown>;
    },
  },
  async approverMissing(id, levels) {
    for (const level of levels) await addFlag(id, `approver-missing:${level}`);
  },
  async asked(id, asked) {
    await recordTransition(id, {
      event: asked.event,
      actor: { kind: "system" },
      note: askedNote(asked),
    });
  },
});
