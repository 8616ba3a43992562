import { workflowPolicy } from "../config/durations";
import { settings } from "../config/settings";
import { type RenderedEmail, renderEmail } from "../mail/render";
import type { Registration } from "../registration/model";
import { formatLocalTime } from "../time";
import { attendanceUrl, certificateUrl } from "./links";
import { levelLabels, sessionFacts } from "./messages";
import type { BimtekLevel, BimtekSession } from "./model";

/** Emails of attendance and certificates, in Bahasa Indonesia, times in the organiser's zone. */

/** To an organiser when the session ends: the attendance link (no participant named in the mail). */
export function attendanceRequestEmail(s: BimtekSession, recipientName?: string): RenderedEmail {
  const certificatesAt = new Date(
    Date.parse(s.endsAt) + workflowPolicy().bimtek.certificatesAfterSeconds * 1000,
  ).toISOString();
  return renderEmail({
    subject: `Isi daftar hadir: ${s.title}`,
    ...(recipientName ? { greeting: `Yth. ${recipientName},` } : {}),
    paragraphs: [
      "Sesi Bimtek berikut telah selesai. Mohon isi daftar hadir peserta untuk setiap hari sesi melalui tautan di bawah.",
      `Daftar hadir masih dapat diperbaiki sampai sertifikat diterbitkan pada ${formatLocalTime(certificatesAt, s.regionCode)}. Peserta yang hadir setiap hari menerima sertifikat.`,
      "Tautan ini khusus untuk penyelenggara: jangan diteruskan.",
    ],
    facts: sessionFacts(s),
    actions: [{ label: "Isi daftar hadir", url: attendanceUrl(s.id) }],
  });
}

/**
 * To an organiser halfway through the correction window when no attendance was saved at all: without
 * it every participant would be told they missed the session.
 */
export function attendanceReminderEmail(s: BimtekSession, recipientName?: string): RenderedEmail {
  const certificatesAt = new Date(
    Date.parse(s.endsAt) + workflowPolicy().bimtek.certificatesAfterSeconds * 1000,
  ).toISOString();
  return renderEmail({
    subject: `Pengingat: daftar hadir belum diisi: ${s.title}`,
    ...(recipientName ? { greeting: `Yth. ${recipientName},` } : {}),
    paragraphs: [
      "Daftar hadir sesi Bimtek berikut belum diisi sama sekali.",
      `Sertifikat diterbitkan pada ${formatLocalTime(certificatesAt, s.regionCode)} berdasarkan daftar hadir. Bila sampai saat itu daftar hadir tetap kosong, semua peserta dicatat tidak menyelesaikan Bimtek dan diberi tahu demikian.`,
      "Tautan ini khusus untuk penyelenggara: jangan diteruskan.",
    ],
    facts: sessionFacts(s),
    actions: [{ label: "Isi daftar hadir", url: attendanceUrl(s.id) }],
  });
}

/** To the participant who attended every day: the certificate and its public verification link. */
export function certificateEmail(
  s: BimtekSession,
  r: Registration,
  enrollmentId: string,
  certificateNumber: string,
): RenderedEmail {
  return renderEmail({
    subject: `Sertifikat ${levelLabels[s.level]}: ${s.title}`,
    greeting: `Yth. ${r.fullName},`,
    paragraphs: [
      `Selamat, Anda telah menyelesaikan ${levelLabels[s.level]}. Sertifikat Anda telah diterbitkan.`,
      ...(s.level === "dasar"
        ? [
            "Penyelesaian Bimtek dasar telah dicatat pada pendaftaran PSM Anda; pendaftaran Anda kini diteruskan kepada Dinas Sosial kabupaten/kota untuk verifikasi.",
          ]
        : []),
      "Siapa pun dapat memeriksa keaslian sertifikat melalui tautan verifikasi di bawah.",
    ],
    facts: [{ label: "Nomor sertifikat", value: certificateNumber }, ...sessionFacts(s)],
    actions: [{ label: "Lihat sertifikat", url: certificateUrl(enrollmentId) }],
  });
}

/** The next open session a participant who missed a day may enrol in. */
export interface NextSession {
  id: string;
  title: string;
  startsAt: string;
  regionCode: string;
  level: BimtekLevel;
}

/** To the participant who missed a day: no certificate, and where to enrol again. */
export function incompleteEmail(
  s: BimtekSession,
  r: Registration,
  next: NextSession | undefined,
): RenderedEmail {
  const listUrl = `${settings().publicBaseUrl}/v1/bimtek?regionCode=${encodeURIComponent(s.regionCode)}&level=${s.level}`;
  return renderEmail({
    subject: `${levelLabels[s.level]} belum selesai: ${s.title}`,
    greeting: `Yth. ${r.fullName},`,
    paragraphs: [
      `Menurut daftar hadir, Anda tidak mengikuti setiap hari sesi ${levelLabels[s.level]} ini, sehingga sertifikat belum dapat diterbitkan.`,
      next
        ? `Anda dapat mendaftar pada sesi berikutnya, "${next.title}" mulai ${formatLocalTime(next.startsAt, next.regionCode)}, dengan nomor pendaftaran dan kode tanda terima Anda. Jika kursi penuh, Anda masuk daftar tunggu.`
        : "Belum ada sesi berikutnya yang dibuka. Sesi baru akan tampil pada daftar sesi di bawah.",
      "Jika daftar hadir keliru, silakan hubungi penyelenggara.",
    ],
    facts: [...sessionFacts(s), ...(next ? [{ label: "Nomor sesi berikutnya", value: next.id }] : [])],
    actions: [{ label: "Lihat sesi yang dibuka", url: listUrl }],
  });
}
