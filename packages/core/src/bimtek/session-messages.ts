import { type RenderedEmail, renderEmail } from "../mail/render";
import { formatLocalTime } from "../time";
import { enrolmentUrl } from "./links";
import { levelLabels, sessionFacts } from "./messages";
import type { BimtekSession, Enrolment } from "./model";

/**
 * What the session's timeline tells people (timeline.ts): reminders before the start, a new
 * schedule, a cancellation. Participants' emails carry the link to their own enrolment page;
 * speakers' carry none (they are not enrolled). Times in the session's zone.
 */

/** Who is told: a participant (by their enrolment) or a speaker. */
export type Recipient =
  | { kind: "participant"; name: string; enrolment: Enrolment }
  | { kind: "speaker"; name: string };

function sessionEmail(
  recipient: Recipient,
  session: BimtekSession,
  subject: string,
  paragraphs: string[],
): RenderedEmail {
  const participant = recipient.kind === "participant" ? recipient.enrolment : undefined;
  return renderEmail({
    subject,
    greeting: `Yth. ${recipient.name},`,
    paragraphs,
    facts: [
      ...(participant ? [{ label: "Nomor pendaftaran Bimtek", value: participant.id }] : []),
      ...sessionFacts(session),
    ],
    ...(participant
      ? { actions: [{ label: "Lihat pendaftaran Bimtek Anda", url: enrolmentUrl(participant.id) }] }
      : {}),
  });
}

const role = (recipient: Recipient) =>
  recipient.kind === "speaker" ? "sebagai narasumber" : "sebagai peserta";

export function reminderEmail(recipient: Recipient, session: BimtekSession): RenderedEmail {
  const starts = formatLocalTime(session.startsAt, session.regionCode);
  return sessionEmail(recipient, session, `Pengingat ${levelLabels[session.level]}: ${session.title}`, [
    `Kami mengingatkan bahwa Anda terdaftar ${role(recipient)} dalam ${levelLabels[session.level]} "${session.title}", yang dimulai pada ${starts} di ${session.venue}.`,
    recipient.kind === "participant"
      ? "Mohon hadir tepat waktu pada setiap hari pelaksanaan: sertifikat hanya diberikan kepada peserta yang hadir penuh. Bila berhalangan, batalkan pendaftaran Anda melalui tautan di bawah agar kursi Anda dapat diberikan kepada peserta lain."
      : "Terima kasih atas kesediaan Anda menjadi narasumber.",
  ]);
}

export function rescheduledEmail(recipient: Recipient, session: BimtekSession): RenderedEmail {
  const waiting = recipient.kind === "participant" && recipient.enrolment.status !== "confirmed";
  return sessionEmail(recipient, session, `Jadwal ${levelLabels[session.level]} diubah: ${session.title}`, [
    `Jadwal ${levelLabels[session.level]} "${session.title}" telah diubah oleh penyelenggara. Jadwal yang berlaku sekarang: mulai ${formatLocalTime(session.startsAt, session.regionCode)}, selesai ${formatLocalTime(session.endsAt, session.regionCode)}.`,
    waiting
      ? "Posisi Anda dalam daftar tunggu tidak berubah."
      : recipient.kind === "participant"
        ? "Kursi Anda tetap berlaku. Bila jadwal baru tidak sesuai, batalkan pendaftaran Anda melalui tautan di bawah."
        : "Mohon sesuaikan jadwal Anda sebagai narasumber.",
  ]);
}

export function sessionCancelledEmail(recipient: Recipient, session: BimtekSession): RenderedEmail {
  return sessionEmail(recipient, session, `${levelLabels[session.level]} dibatalkan: ${session.title}`, [
    `Dengan menyesal kami sampaikan bahwa ${levelLabels[session.level]} "${session.title}" dibatalkan oleh penyelenggara.`,
    ...(session.cancellationReason ? [`Alasan: ${session.cancellationReason}`] : []),
    recipient.kind === "participant"
      ? "Pendaftaran Anda untuk sesi ini berakhir; Anda dapat mendaftar pada sesi lain yang dibuka."
      : "Anda tidak perlu hadir sebagai narasumber.",
  ]);
}
