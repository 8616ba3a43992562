import { Hono } from "hono";
import { Page } from "./layout";

/**
 * `GET /`: where a volunteer, a resident or a village official starts — every form and status
 * page, in Bahasa Indonesia, no script; and the API reference for developers.
 */
const LINKS = [
  {
    href: "/daftar",
    title: "Daftar sebagai PSM",
    text: "Menjadi Pekerja Sosial Masyarakat di desa/kelurahan Anda.",
  },
  {
    href: "/lapor",
    title: "Laporkan kasus sosial",
    text: "Warga yang membutuhkan bantuan: anak terlantar, lansia, korban bencana, fakir miskin, dan lainnya.",
  },
  { href: "/bimtek", title: "Jadwal Bimtek", text: "Sesi Bimbingan Teknis yang dibuka, dan pendaftarannya." },
  {
    href: "/status",
    title: "Cek status pendaftaran",
    text: "Dengan nomor pendaftaran dan kode tanda terima.",
  },
  { href: "/lacak", title: "Lacak laporan", text: "Dengan nomor laporan dan kode pelacakan." },
  {
    href: "/sertifikat",
    title: "Periksa sertifikat Bimtek",
    text: "Dengan kode verifikasi pada sertifikat.",
  },
] as const;

export const landing = new Hono().get("/", (c) =>
  c.html(
    <Page title="Beranda" home={false}>
      <h1>SIGAP · Pekerja Sosial Masyarakat</h1>
      <p>
        Layanan Dinas Sosial untuk relawan PSM, warga dan perangkat desa: mendaftar, melapor, mengikuti Bimtek
        dan memantau prosesnya.
      </p>
      <ul class="cards">
        {LINKS.map((link) => (
          <li>
            <a href={link.href}>{link.title}</a>
            <br />
            <span class="note">{link.text}</span>
          </li>
        ))}
      </ul>
      <h2>Untuk pengembang</h2>
      <p>
        <a href="/docs">Dokumentasi API</a> (OpenAPI 3.1: <a href="/openapi.json">openapi.json</a>)
      </p>
    </Page>,
  ),
);
