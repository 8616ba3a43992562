import { getCertificate } from "@sigap/core/bimtek/certificates";
import { levelLabels } from "@sigap/core/bimtek/messages";
import type { Certificate } from "@sigap/core/bimtek/model";
import { AppError } from "@sigap/core/error";
import { describeRegion } from "@sigap/core/region/regions";
import { formatLocalTime } from "@sigap/core/time";
import { Hono } from "hono";
import { Facts, Page } from "../web/layout";
import { wantsPage } from "./pages";

/**
 * `GET /v1/certificates/:code`: anyone holding a certificate's verification code can check it.
 * The code is the secret (derived, never stored); the page shows the masked name, the session and
 * its dates, never a NIK. JSON by default, a page for browsers (`Accept: text/html`).
 */

const publicView = (cert: Certificate) => ({
  number: cert.number,
  name: cert.nameMasked,
  level: cert.level,
  levelLabel: levelLabels[cert.level],
  sessionTitle: cert.sessionTitle,
  regionCode: cert.regionCode,
  region: describeRegion(cert.regionCode),
  startsAt: cert.startsAt,
  endsAt: cert.endsAt,
  issuedAt: cert.issuedAt,
});

export const certificates = new Hono().get("/:code", async (c) => {
  const cert = await getCertificate(c.req.param("code"));
  // Unknown: the shell answers a browser with a page, anyone else with the problem document.
  if (!cert) {
    throw new AppError(
      "not-found",
      "Sertifikat tidak ditemukan",
      "Kode verifikasi ini tidak dikenal. Periksa kembali tautan atau kode pada sertifikat.",
    );
  }
  const view = publicView(cert);
  if (!wantsPage(c)) return c.json(view);
  return c.html(
    <Page title={`Sertifikat ${view.number}`}>
      <h1>Sertifikat {view.levelLabel} sah</h1>
      <p>Sertifikat ini diterbitkan oleh SIGAP untuk peserta yang hadir pada setiap hari sesi.</p>
      <Facts
        items={[
          { label: "Nomor sertifikat", value: view.number },
          { label: "Nama peserta", value: view.name },
          { label: "Tingkat", value: view.levelLabel },
          { label: "Sesi", value: view.sessionTitle },
          { label: "Penyelenggara", value: view.region },
          { label: "Mulai", value: formatLocalTime(view.startsAt, view.regionCode) },
          { label: "Selesai", value: formatLocalTime(view.endsAt, view.regionCode) },
          { label: "Diterbitkan", value: formatLocalTime(view.issuedAt, view.regionCode) },
        ]}
      />
      <p class="note">Nama disamarkan untuk melindungi data pribadi peserta.</p>
    </Page>,
  );
});
