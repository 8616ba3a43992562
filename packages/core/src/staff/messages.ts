import type { RenderedEmail } from "../mail/render";
import { renderEmail } from "../mail/render";
import { describeRegion } from "../region/regions";
import type { Approver, Duty } from "./directory";

/** Emails of the staff directory, in Bahasa Indonesia. */

/** What each duty is called, for people. */
export const dutyName: Record<Duty, string> = {
  approver: "penyetuju",
  "case-handler": "penangan laporan kasus",
  ppa: "petugas UPTD PPA",
  "bimtek-organiser": "penyelenggara Bimtek",
};

/** To a person removed from a region's list: they are told, and told where their requests went. */
export function removedApproverEmail(
  person: Approver,
  regionCode: string,
  moved: Array<{ holders: string }>,
  duty: Duty = "approver",
): RenderedEmail {
  const region = describeRegion(regionCode);
  const role = dutyName[duty];
  const paragraphs = [
    `Dinas Sosial telah mengubah daftar ${role} untuk ${region}. Anda tidak lagi terdaftar sebagai ${role} untuk wilayah ini.`,
  ];
  if (moved.length > 0) {
    const holders = [...new Set(moved.map((m) => m.holders))].join("; ");
    paragraphs.push(
      `${moved.length} permohonan yang menunggu keputusan Anda telah dialihkan kepada ${holders}. Tautan pada email sebelumnya tidak berlaku lagi.`,
    );
  }
  paragraphs.push("Jika perubahan ini tidak semestinya, hubungi Dinas Sosial kabupaten/kota Anda.");
  return renderEmail({
    subject: `Anda tidak lagi menjadi ${role} untuk ${region}`,
    greeting: `Yth. ${person.name},`,
    paragraphs,
    facts: [
      { label: "Wilayah", value: region },
      { label: "Permohonan dialihkan", value: String(moved.length) },
    ],
  });
}
