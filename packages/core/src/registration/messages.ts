import type { Action } from "../action/repository";
import { actionUrl } from "../action/repository";
import { settings } from "../config/settings";
import { decrypt } from "../identity/protect";
import type { RenderedEmail } from "../mail/render";
import { renderEmail } from "../mail/render";
import { describeRegion } from "../region/regions";
import { formatLocalTime } from "../time";
import type { Registration } from "./model";

/** Emails of the recruitment workflow, in Bahasa Indonesia, times in the village's zone. */

export function statusUrl(registration: Registration): string {
  const code = decrypt(registration.receiptEncrypted);
  return `${settings().publicBaseUrl}/v1/registrations/${registration.id}?receipt=${encodeURIComponent(code)}`;
}

const applicantFacts = (r: Registration) => [
  { label: "Nomor pendaftaran", value: r.id },
  { label: "Nama", value: r.fullName },
  { label: "Desa/Kelurahan", value: describeRegion(r.villageCode) },
];

/** Every email to the applicant: greeting, their registration's facts, the link to its status. */
function applicantEmail(
  r: Registration,
  subject: string,
  paragraphs: string[],
  extraFacts: Array<{ label: string; value: string }> = [],
): RenderedEmail {
  return renderEmail({
    subject,
    greeting: `Yth. ${r.fullName},`,
    paragraphs,
    facts: [...applicantFacts(r), ...extraFacts],
    actions: [{ label: "Lihat status pendaftaran", url: statusUrl(r) }],
  });
}

export function acknowledgementEmail(r: Registration): RenderedEmail {
  return applicantEmail(
    r,
    "Pendaftaran PSM Anda telah diterima",
    [
      "Terima kasih telah mendaftar sebagai Pekerja Sosial Masyarakat (PSM). Pendaftaran Anda kami teruskan kepada kepala desa/lurah untuk mendapatkan rekomendasi.",
      "Anda akan menerima email setiap kali ada perkembangan. Anda juga dapat melihat status pendaftaran kapan saja melalui tautan di bawah.",
    ],
    [{ label: "Diterima", value: formatLocalTime(r.createdAt, r.villageCode) }],
  );
}

const stepTitles: Record<string, string> = {
  "village-recommendation": "Permohonan rekomendasi calon PSM",
  "district-verification": "Verifikasi calon PSM",
};

export function decisionRequestEmail(
  r: Registration,
  action: Action,
  context: {
    reminders: number;
    escalated: boolean;
    approverMissing: boolean;
    /** Moved to this addressee because the previous one was removed from the directory. */
    reassigned?: boolean;
  },
): RenderedEmail {
  const title = stepTitles[action.step] ?? "Permohonan keputusan";
  const prefix =
    context.reminders > 0
      ? `Pengingat ke-${context.reminders}: `
      : context.escalated || context.reassigned
        ? "Dialihkan kepada Anda: "
        : "";
  const paragraphs = [
    action.step === "village-recommendation"
      ? `Seorang warga mendaftar sebagai Pekerja Sosial Masyarakat (PSM) dan memerlukan rekomendasi untuk ${describeRegion(r.villageCode)}.`
      : "Calon PSM berikut telah direkomendasikan desa/kelurahan dan menyelesaikan Bimtek dasar. Mohon verifikasi dan terbitkan SK bila memenuhi syarat.",
  ];
  if (context.escalated || action.onBehalf) {
    paragraphs.push(
      context.approverMissing
        ? "Belum ada penyetuju terdaftar untuk tingkat di bawah Anda, sehingga permohonan ini diteruskan kepada Anda. Anda dapat memutuskan sebagai gantinya."
        : "Penyetuju di tingkat bawah belum memberi keputusan dalam batas waktu. Anda dapat memutuskan sebagai gantinya.",
    );
  }
  if (context.reassigned) {
    paragraphs.push(
      "Daftar penyetuju untuk wilayah ini diubah oleh Dinas Sosial, sehingga permohonan yang masih menunggu dialihkan kepada Anda. Tautan yang dikirim kepada penyetuju sebelumnya tidak berlaku lagi.",
    );
  }
  if (context.reminders > 0)
    paragraphs.push("Tautan pada email sebelumnya tidak berlaku lagi; gunakan tautan di bawah ini.");
  paragraphs.push(
    "Tautan ini hanya untuk Anda. Membuka tautan tidak mengubah apa pun; keputusan baru tercatat setelah Anda menekan tombol di halaman tersebut.",
  );
  return renderEmail({
    subject: `${prefix}${title}: ${r.fullName}`,
    greeting: `Yth. ${action.addressee.name},`,
    paragraphs,
    facts: [
      ...applicantFacts(r),
      { label: "NIK", value: r.nikMasked },
      { label: "Batas waktu", value: formatLocalTime(action.validUntil, r.villageCode) },
    ],
    actions: [{ label: "Buka permohonan", url: actionUrl(settings().publicBaseUrl, action.id) }],
  });
}

export function recommendedEmail(r: Registration): RenderedEmail {
  return applicantEmail(r, "Anda kini calon PSM", [
    "Desa/kelurahan Anda telah memberikan rekomendasi. Anda kini berstatus calon PSM.",
    "Langkah berikutnya adalah mengikuti Bimbingan Teknis (Bimtek) dasar yang diselenggarakan Dinas Sosial kabupaten/kota. Informasi jadwal akan dikirimkan kepada Anda.",
  ]);
}

export function rejectedEmail(r: Registration, reason: string): RenderedEmail {
  return applicantEmail(r, "Pendaftaran PSM Anda belum dapat diterima", [
    "Mohon maaf, pendaftaran Anda sebagai PSM belum dapat diterima.",
    `Alasan: ${reason}`,
    "Jika ada pertanyaan, silakan hubungi kantor desa/kelurahan atau Dinas Sosial kabupaten/kota Anda.",
  ]);
}

export function approvedEmail(r: Registration): RenderedEmail {
  return applicantEmail(
    r,
    "Selamat, Anda kini PSM aktif",
    [
      "Dinas Sosial telah memverifikasi pendaftaran Anda dan menerbitkan Surat Keputusan (SK). Anda kini anggota aktif Pekerja Sosial Masyarakat.",
      "Simpan nomor anggota Anda; nomor ini dipakai untuk Bimtek lanjutan dan pelaporan kasus.",
    ],
    [
      { label: "Nomor anggota", value: r.memberNumber ?? "-" },
      { label: "Nomor SK", value: r.skNumber ?? "-" },
    ],
  );
}

export function trainingOverdueApplicantEmail(r: Registration): RenderedEmail {
  return applicantEmail(r, "Bimtek dasar Anda belum tercatat", [
    "Sampai batas waktu yang ditentukan, penyelesaian Bimtek dasar Anda belum tercatat. Pendaftaran Anda tetap berlaku.",
    "Silakan hubungi Dinas Sosial kabupaten/kota untuk jadwal Bimtek dasar berikutnya.",
  ]);
}

export function trainingOverdueStaffEmail(r: Registration, recipientName: string): RenderedEmail {
  return renderEmail({
    subject: `Bimtek dasar belum tercatat: ${r.fullName}`,
    greeting: `Yth. ${recipientName},`,
    paragraphs: [
      "Calon PSM berikut belum tercatat menyelesaikan Bimtek dasar dalam batas waktu. Mohon jadwalkan atau catat penyelesaiannya di SIGAP.",
    ],
    facts: [...applicantFacts(r), { label: "NIK", value: r.nikMasked }],
  });
}
