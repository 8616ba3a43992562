import type { RenderedEmail } from "../mail/render";
import { renderEmail } from "../mail/render";
import { describeRegion } from "../region/regions";
import type { Approver } from "./directory";

/** Emails of the approver directory, in Bahasa Indonesia. */

/** To a person removed from a region's approvers: they are told, and told where their requests went. */
export function removedApproverEmail(
  person: Approver,
  regionCode: string,
  moved: Array<{ holders: string }>,
): RenderedEmail {
  const region = describeRegion(regionCode);
  const paragraphs = [
    `Dinas Sosial telah mengubah daftar penyetuju untuk ${region}. Anda tidak lagi terdaftar sebagai penyetuju untuk wilayah ini.`,
  ];
  if (moved.length > 0) {
    const holders = [...new Set(moved.map((m) => m.holders))].join("; ");
    paragraphs.push(
      `${moved.length} permohonan yang menunggu keputusan Anda telah dialihkan kepada ${holders}. Tautan pada email sebelumnya tidak berlaku lagi.`,
    );
  }
  paragraphs.push("Jika perubahan ini tidak semestinya, hubungi Dinas Sosial kabupaten/kota Anda.");
  return renderEmail({
    subject: `Anda tidak lagi menjadi penyetuju untuk ${region}`,
    greeting: `Yth. ${person.name},`,
    paragraphs,
    facts: [
      { label: "Wilayah", value: region },
      { label: "Permohonan dialihkan", value: String(moved.length) },
    ],
  });
}
