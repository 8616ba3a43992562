import { type Action, actionUrl } from "../action/repository";
import { settings } from "../config/settings";
import type { RenderedEmail } from "../mail/render";
import { renderEmail } from "../mail/render";
import { describeRegion } from "../region/regions";
import { formatLocalTime } from "../time";
import { type Case, type CaseLevel, caseLevelLabels, caseOutcomeLabels, urgencyLabels } from "./model";
import { ppksType } from "./ppks";

/**
 * Emails of the case-escalation workflow to staff, to an assigned PSM and to the reporter (the
 * confirmation). A sensitive or violence case's email carries only its code, type and level: the
 * details show on the addressee's action page, behind their own link (UU PDP, UU TPKS).
 */

export const typeName = (c: Case) => ppksType(c.ppksType)?.name ?? c.ppksType;

/** What any email about the case may say: code, type, level; more only for an ordinary case. */
export function caseFacts(c: Case, level: CaseLevel = c.level): Array<{ label: string; value: string }> {
  const always = [
    { label: "Kode kasus", value: c.id },
    { label: "Jenis PPKS", value: typeName(c) },
    { label: "Tingkat", value: caseLevelLabels[level] },
  ];
  if (c.sensitive) return always;
  return [
    ...always,
    { label: "Urgensi", value: urgencyLabels[c.urgency] },
    { label: "Desa/Kelurahan", value: describeRegion(c.villageCode) },
    { label: "Lokasi", value: c.location },
  ];
}

const restrictedNote =
  "Rincian kasus ini dilindungi (data pribadi sensitif) dan hanya ditampilkan pada halaman tautan di bawah ini.";

/** The title of a step's request, also the email subject after its prefix. */
const stepTitles: Record<string, string> = {
  response: "Laporan kasus PPKS perlu ditindaklanjuti",
  handling: "Laporkan hasil penanganan kasus PPKS",
};

/** The level an action asks at: the PPA unit when its duty is `ppa`, else its directory level. */
const askedLevel = (action: Action): CaseLevel => (action.duty === "ppa" ? "ppa" : action.level);

export interface RequestContext {
  reminders: number;
  escalated: boolean;
  approverMissing: boolean;
}

/** The email carrying an addressee's link for the response or handling step. */
export function caseRequestEmail(c: Case, action: Action, context: RequestContext): RenderedEmail {
  const title = stepTitles[action.step] ?? "Permohonan tindak lanjut kasus PPKS";
  // Escalated only when it left the level holding the case: not for whoever took it or was referred it.
  const holding = c.level === "ppa" ? "district" : c.level;
  const escalated = context.reminders === 0 && action.level !== holding;
  const prefix =
    context.reminders > 0
      ? `Pengingat ke-${context.reminders}: `
      : escalated
        ? "Dialihkan kepada Anda: "
        : "";
  const paragraphs =
    action.step === "handling"
      ? [
          "Anda telah mengambil kasus berikut untuk ditangani. Laporkan hasilnya sebelum batas waktu: sudah ditangani (dengan ringkasan), dirujuk ke tingkat di atasnya, atau diperpanjang satu kali dengan alasan.",
        ]
      : [
          c.violence
            ? "Laporan kekerasan terhadap perempuan atau anak berikut memerlukan tindak lanjut segera dari UPTD PPA."
            : "Laporan kasus PPKS berikut memerlukan tindak lanjut.",
          "Pilih: tangani (boleh menugaskan PSM dengan menuliskan nomor anggotanya), rujuk ke tingkat di atasnya, atau tutup bila bukan kasus PPKS, sama dengan laporan lain, atau sudah ditangani.",
        ];
  if (escalated || (context.approverMissing && action.step === "response")) {
    paragraphs.push(
      context.approverMissing
        ? "Belum ada petugas terdaftar di tingkat di bawah Anda, sehingga kasus ini diteruskan kepada Anda."
        : "Tingkat di bawah Anda belum menindaklanjuti dalam batas waktu, sehingga kasus ini diteruskan kepada Anda.",
    );
  }
  if (c.status === "reopened" && action.step === "response")
    paragraphs.push(
      "Kasus ini dibuka kembali: pelapor menyatakan masalahnya belum tertangani. Catatan pelapor ada pada riwayat kasus.",
    );
  if (context.reminders > 0)
    paragraphs.push("Tautan pada email sebelumnya tidak berlaku lagi; gunakan tautan di bawah ini.");
  if (c.sensitive) paragraphs.push(restrictedNote);
  paragraphs.push(
    "Tautan ini hanya untuk Anda. Membuka tautan tidak mengubah apa pun; keputusan baru tercatat setelah Anda menekan tombol di halaman tersebut.",
  );
  return renderEmail({
    subject: `${prefix}${title}: ${c.id}`,
    greeting: `Yth. ${action.addressee.name},`,
    paragraphs,
    facts: [
      ...caseFacts(c, askedLevel(action)),
      { label: "Batas waktu", value: formatLocalTime(action.validUntil, c.villageCode) },
    ],
    actions: [{ label: "Buka kasus", url: actionUrl(settings().publicBaseUrl, action.id) }],
  });
}

/** To the PSM a handler assigned the case to: what to do, not the details (those come from the handler). */
export function assignedPsmEmail(c: Case, psmName: string, assignedBy: string): RenderedEmail {
  return renderEmail({
    subject: `Anda ditugaskan menangani kasus PPKS ${c.id}`,
    greeting: `Yth. ${psmName},`,
    paragraphs: [
      `${assignedBy} menugaskan Anda untuk membantu menangani kasus berikut.`,
      "Rincian kasus akan disampaikan langsung oleh petugas yang menugaskan Anda.",
    ],
    facts: caseFacts(c),
  });
}

/**
 * To the reporter once the case is closed: its outcome and a link asking whether the problem is
 * really handled ("belum" reopens it). Never a subject's name or the description.
 */
export function confirmationEmail(c: Case, action: Action): RenderedEmail {
  const outcome = c.outcome ? caseOutcomeLabels[c.outcome] : "Selesai";
  return renderEmail({
    subject: `Laporan Anda telah ditindaklanjuti: ${c.id}`,
    greeting: `Yth. ${action.addressee.name},`,
    paragraphs: [
      "Terima kasih atas laporan Anda. Petugas telah menutup kasus ini.",
      "Apakah masalahnya benar-benar sudah tertangani? Bila belum, beri tahu kami melalui tautan di bawah ini dan kasus akan dibuka kembali.",
      "Membuka tautan tidak mengubah apa pun; jawaban baru tercatat setelah Anda menekan tombol di halaman tersebut. Bila tidak ada jawaban, kasus tetap ditutup.",
    ],
    facts: [
      { label: "Kode kasus", value: c.id },
      { label: "Jenis PPKS", value: typeName(c) },
      { label: "Hasil", value: outcome },
      { label: "Jawab sebelum", value: formatLocalTime(action.validUntil, c.villageCode) },
    ],
    actions: [{ label: "Beri tanggapan", url: actionUrl(settings().publicBaseUrl, action.id) }],
  });
}
