import { settings } from "../config/settings";
import { type RenderedEmail, renderEmail } from "../mail/render";
import type { Approver } from "../staff/directory";
import { formatDate, formatLocalTime } from "../time";
import { type Action, type ActionUrgency, actionUrl } from "./repository";

/** The daily digest email, in Bahasa Indonesia: one button per pending item, most pressing first. */

/** What the digest shows of one pending action. */
export type DigestItem = Pick<
  Action,
  | "id"
  | "addressee"
  | "regionCode"
  | "subjectType"
  | "createdAt"
  | "validUntil"
  | "summary"
  | "urgency"
  | "dueAt"
>;

/** Items listed in one email; the rest are counted, so a long backlog still makes a readable email. */
export const MAX_DIGEST_ITEMS = 50;

const urgencyLabel: Record<ActionUrgency, string> = {
  emergency: "DARURAT",
  high: "Mendesak",
  normal: "",
};

const subjectLabel: Record<string, string> = {
  registration: "Pendaftaran PSM",
  case: "Laporan kasus",
};

const HOUR = 3600 * 1000;

/** "terlambat 3 hari", "terlambat 5 jam", or the deadline still ahead. */
export function overdueText(item: DigestItem, at: Date): string {
  const due = new Date(item.dueAt ?? item.validUntil);
  const late = at.getTime() - due.getTime();
  if (late <= 0) return `batas waktu ${formatLocalTime(due, item.regionCode)}`;
  if (late < HOUR) return "terlambat kurang dari 1 jam";
  if (late < 24 * HOUR) return `terlambat ${Math.floor(late / HOUR)} jam`;
  return `terlambat ${Math.floor(late / (24 * HOUR))} hari`;
}

export function digestLine(item: DigestItem, at: Date): string {
  const urgency = urgencyLabel[item.urgency ?? "normal"];
  const summary = item.summary ?? subjectLabel[item.subjectType] ?? "Permohonan keputusan";
  return `${urgency ? `[${urgency}] ` : ""}${summary} — ${overdueText(item, at)}`;
}

export function dailyDigestEmail(
  addressee: Approver,
  items: DigestItem[],
  context: { localDate: string; at: Date },
): RenderedEmail {
  const listed = items.slice(0, MAX_DIGEST_ITEMS);
  const overdue = items.filter((item) => new Date(item.dueAt ?? item.validUntil) < context.at).length;
  const paragraphs = [
    `Per ${formatDate(context.localDate)}, ada ${items.length} permohonan yang menunggu keputusan Anda${
      overdue > 0 ? `, ${overdue} di antaranya telah melewati batas waktu` : ""
    }. Yang paling mendesak dan paling lama menunggu ada di urutan teratas.`,
  ];
  if (items.length > listed.length) {
    paragraphs.push(
      `Email ini memuat ${listed.length} permohonan pertama; ${items.length - listed.length} lainnya akan muncul setelah yang di atas diputuskan.`,
    );
  }
  paragraphs.push(
    "Setiap tautan hanya untuk Anda. Membuka tautan tidak mengubah apa pun; keputusan baru tercatat setelah Anda menekan tombol di halaman tersebut.",
  );
  return renderEmail({
    subject: `Ringkasan harian: ${items.length} permohonan menunggu keputusan Anda`,
    greeting: `Yth. ${addressee.name},`,
    paragraphs,
    actions: listed.map((item, i) => ({
      label: `${i + 1}. ${digestLine(item, context.at)}`,
      url: actionUrl(settings().publicBaseUrl, item.id),
    })),
  });
}
