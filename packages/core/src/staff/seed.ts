import type { Approver } from "./directory";

/**
 * The local directory: real regions of Jawa Barat, fictional people. `npm start` loads it when the
 * directory is empty; staff change it with PUT /v1/staff/directory/{regionCode}.
 */
export const directorySeed: Record<string, Approver[]> = {
  // Province: Dinas Sosial Provinsi Jawa Barat
  "32": [
    {
      name: "Rina Kusumawati",
      email: "dinsos.prov@jabarprov.example.go.id",
      title: "Kepala Bidang Rehabilitasi Sosial",
    },
  ],
  // Kabupaten Garut
  "32.05": [
    {
      name: "Asep Supriatna",
      email: "psm@dinsos.garutkab.example.go.id",
      title: "Pejabat Dinas Sosial Kabupaten Garut",
    },
  ],
  // Desa Cikajang, Kecamatan Cikajang
  "32.05.22.2001": [
    { name: "Dedi Mulyadi", email: "kades.cikajang@garutkab.example.go.id", title: "Kepala Desa Cikajang" },
  ],
  // Kelurahan Kota Kulon, Kecamatan Garut Kota
  "32.05.01.1001": [
    { name: "Yanti Rohayati", email: "lurah.kotakulon@garutkab.example.go.id", title: "Lurah Kota Kulon" },
  ],
  // Kabupaten Bandung, Desa Cileunyi Kulon
  "32.04": [
    {
      name: "Hendra Gunawan",
      email: "psm@dinsos.bandungkab.example.go.id",
      title: "Pejabat Dinas Sosial Kabupaten Bandung",
    },
  ],
  "32.04.05.2001": [
    {
      name: "Ujang Saepudin",
      email: "kades.cileunyikulon@bandungkab.example.go.id",
      title: "Kepala Desa Cileunyi Kulon",
    },
  ],
};
