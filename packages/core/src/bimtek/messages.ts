import { settings } from "../config/settings";
import { type RenderedEmail, renderEmail } from "../mail/render";
import { describeRegion } from "../region/regions";
import type { Registration } from "../registration/model";
import { formatLocalTime } from "../time";
import { enrolmentUrl } from "./links";
import type { BimtekSession, Enrolment } from "./model";

/**
 * Emails to a participant about their enrolment, in Bahasa Indonesia, times in the session's zone.
 * Every one carries the link to their own enrolment page (cancel, accept or decline there).
 */

export const levelLabels: Record<BimtekSession["level"], string> = {
  dasar: "Bimtek dasar",
  lanjutan: "Bimtek lanjutan",
};

export const enrolmentStatusLabels: Record<Enrolment["status"], string> = {
  confirmed: "Terdaftar (kursi terkonfirmasi)",
  waitlisted: "Dalam daftar tunggu",
  offered: "Ditawari kursi: menunggu jawaban Anda",
  cancelled: "Dibatalkan oleh peserta",
  declined: "Tawaran kursi ditolak",
  lapsed: "Tawaran kursi lewat batas waktu",
  "session-cancelled": "Sesi dibatalkan penyelenggara",
  "not-seated": "Tidak mendapat kursi (sesi sudah dimulai)",
  completed: "Selesai (bersertifikat)",
  incomplete: "Tidak hadir penuh",
};

/** The facts of a session as people read them. */
export function sessionFacts(session: BimtekSession): Array<{ label: string; value: string }> {
  return [
    { label: "Sesi", value: `${session.title} (${levelLabels[session.level]})` },
    { label: "Penyelenggara", value: describeRegion(session.regionCode) },
    { label: "Tempat", value: session.venue },
    { label: "Mulai", value: formatLocalTime(session.startsAt, session.regionCode) },
    { label: "Selesai", value: formatLocalTime(session.endsAt, session.regionCode) },
  ];
}

function participantEmail(
  r: Pick<Registration, "fullName">,
  session: BimtekSession,
  e: Enrolment,
  subject: string,
  paragraphs: string[],
  extraFacts: Array<{ label: string; value: string }> = [],
  actionLabel = "Lihat pendaftaran Bimtek Anda",
): RenderedEmail {
  return renderEmail({
    subject,
    greeting: `Yth. ${r.fullName},`,
    paragraphs,
    facts: [{ label: "Nomor pendaftaran Bimtek", value: e.id }, ...sessionFacts(session), ...extraFacts],
    actions: [{ label: actionLabel, url: enrolmentUrl(e.id) }],
  });
}

export function confirmedEmail(r: Pick<Registration, "fullName">, session: BimtekSession, e: Enrolment) {
  return participantEmail(
    r,
    session,
    e,
    `Kursi Anda terkonfirmasi: ${session.title}`,
    [
      `Pendaftaran Anda untuk ${levelLabels[session.level]} sudah terkonfirmasi. Anda akan menerima pengingat menjelang sesi dimulai.`,
      "Jika Anda berhalangan hadir, batalkan pendaftaran melalui tautan di bawah agar kursi Anda dapat ditawarkan kepada peserta lain.",
    ],
    [],
    "Lihat atau batalkan pendaftaran",
  );
}

export function waitlistedEmail(
  r: Pick<Registration, "fullName">,
  session: BimtekSession,
  e: Enrolment,
  position: number,
) {
  return participantEmail(
    r,
    session,
    e,
    `Anda dalam daftar tunggu: ${session.title}`,
    [
      "Kursi sesi ini sudah penuh, sehingga Anda kami masukkan ke dalam daftar tunggu.",
      "Jika ada kursi yang kosong, kami akan menawarkannya kepada Anda melalui email. Tawaran berlaku untuk waktu terbatas; Anda tidak akan dipindahkan tanpa diberi tahu.",
    ],
    [{ label: "Urutan dalam daftar tunggu", value: String(position) }],
  );
}

export function offerEmail(r: Pick<Registration, "fullName">, session: BimtekSession, e: Enrolment) {
  const deadline = e.offerExpiresAt ? formatLocalTime(e.offerExpiresAt, session.regionCode) : "-";
  return participantEmail(
    r,
    session,
    e,
    `Kursi tersedia untuk Anda: ${session.title}`,
    [
      "Ada kursi yang kosong pada sesi di bawah dan kursi itu kami tawarkan kepada Anda.",
      `Terima atau tolak tawaran ini melalui tautan di bawah sebelum ${deadline}. Jika tidak dijawab sampai batas waktu itu, kursi akan ditawarkan kepada peserta berikutnya.`,
    ],
    [{ label: "Batas menjawab", value: deadline }],
    "Terima atau tolak kursi",
  );
}

export function offerLapsedEmail(r: Pick<Registration, "fullName">, session: BimtekSession, e: Enrolment) {
  return participantEmail(r, session, e, `Tawaran kursi berakhir: ${session.title}`, [
    "Batas waktu untuk menerima kursi yang kami tawarkan sudah lewat, sehingga kursi itu ditawarkan kepada peserta berikutnya.",
    "Anda dapat mendaftar kembali pada sesi lain yang masih dibuka.",
  ]);
}

export function cancelledByYouEmail(r: Pick<Registration, "fullName">, session: BimtekSession, e: Enrolment) {
  return participantEmail(r, session, e, `Pendaftaran Bimtek dibatalkan: ${session.title}`, [
    "Sesuai permintaan Anda, pendaftaran Anda pada sesi di bawah sudah dibatalkan.",
    "Anda dapat mendaftar kembali pada sesi lain yang masih dibuka.",
  ]);
}

/** An organiser took the participant off the session (they phoned in, or cannot attend): with the reason. */
export function cancelledByOrganiserEmail(
  r: Pick<Registration, "fullName">,
  session: BimtekSession,
  e: Enrolment,
  reason: string,
) {
  return participantEmail(r, session, e, `Pendaftaran Bimtek dibatalkan penyelenggara: ${session.title}`, [
    `Penyelenggara membatalkan pendaftaran Anda pada sesi di bawah. Alasan: ${reason}`,
    "Anda dapat mendaftar kembali pada sesi lain yang masih dibuka. Hubungi Dinas Sosial bila ada kekeliruan.",
  ]);
}

export function declinedEmail(r: Pick<Registration, "fullName">, session: BimtekSession, e: Enrolment) {
  return participantEmail(r, session, e, `Tawaran kursi Anda tolak: ${session.title}`, [
    "Anda menolak kursi yang kami tawarkan; kursi itu ditawarkan kepada peserta berikutnya.",
    "Anda dapat mendaftar kembali pada sesi lain yang masih dibuka.",
  ]);
}

/**
 * The session started while they still waited (or had not yet accepted an offered seat): no seat,
 * free to enrol again — pointed to the next session of the same level and organiser still open.
 */
export function notSeatedEmail(
  r: Pick<Registration, "fullName">,
  session: BimtekSession,
  e: Enrolment,
  next: BimtekSession | undefined,
) {
  const list = `${settings().publicBaseUrl}/v1/bimtek?regionCode=${session.regionCode}&level=${session.level}`;
  return renderEmail({
    subject: `Tidak mendapat kursi: ${session.title}`,
    greeting: `Yth. ${r.fullName},`,
    paragraphs: [
      "Sesi di bawah sudah dimulai dan tidak ada kursi yang kosong untuk Anda, sehingga pendaftaran Anda pada sesi ini berakhir.",
      next
        ? `Anda dapat mendaftar kembali pada sesi berikutnya: ${next.title}, mulai ${formatLocalTime(next.startsAt, next.regionCode)} di ${next.venue} (nomor sesi ${next.id}).`
        : "Saat ini belum ada sesi berikutnya yang dibuka; daftar sesi yang dibuka ada pada tautan di bawah.",
    ],
    facts: [{ label: "Nomor pendaftaran Bimtek", value: e.id }, ...sessionFacts(session)],
    actions: [
      { label: "Lihat sesi yang dibuka", url: list },
      { label: "Lihat pendaftaran Bimtek Anda", url: enrolmentUrl(e.id) },
    ],
  });
}

/** A name as lists and certificates show it: each word's first letter, the rest masked ("S*** R*****"). */
export function maskName(fullName: string): string {
  return fullName
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const [first = "", ...rest] = Array.from(word);
      return `${first}${"*".repeat(rest.length)}`;
    })
    .join(" ");
}
