import type { Approver, Duty } from "./directory";

/**
 * The local directory: real regions of Jawa Barat, fictional people, for every duty. `npm start`
 * loads it when the directory is empty; staff change it with PUT /v1/staff/directory/{regionCode}
 * (`?duty=` for the duties other than approver). Some places deliberately hold nobody for a duty,
 * so the fallback shows too: Desa Cikajang has no case handler (the kades takes cases), Kabupaten
 * Bandung no PPA unit (its Dinsos officer stands in), the province no Bimtek organiser.
 */
const approvers: Record<string, Approver[]> = {
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

export const directorySeed: Record<Duty, Record<string, Approver[]>> = {
  approver: approvers,
  "case-handler": {
    // Tim Reaksi Cepat (TPTD) of Kabupaten Garut takes the cases that reach the district.
    "32.05": [
      {
        name: "Nurhayati",
        email: "tptd@dinsos.garutkab.example.go.id",
        title: "Koordinator TPTD Kabupaten Garut",
      },
    ],
    "32.05.01.1001": [
      {
        name: "Iwan Setiawan",
        email: "kesos.kotakulon@garutkab.example.go.id",
        title: "Kasi Kesejahteraan Sosial Kelurahan Kota Kulon",
      },
    ],
  },
  ppa: {
    // UPTD PPA (Perlindungan Perempuan dan Anak) Kabupaten Garut.
    "32.05": [
      {
        name: "Euis Komariah",
        email: "uptdppa@garutkab.example.go.id",
        title: "Kepala UPTD PPA Kabupaten Garut",
      },
    ],
  },
  "bimtek-organiser": {
    "32.05": [
      {
        name: "Agus Salim",
        email: "bimtek@dinsos.garutkab.example.go.id",
        title: "Penyelenggara Bimtek Dinas Sosial Kabupaten Garut",
      },
    ],
  },
};
