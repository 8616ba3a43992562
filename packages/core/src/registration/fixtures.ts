/** A valid registration (a woman born 15 July 1995 in Kecamatan Garut Kota), for tests, demos and the API reference's example. */
export const validRegistration = {
  nik: "3205015507950002",
  fullName: "Siti Rahmawati",
  birthPlace: "Garut",
  birthDate: "1995-07-15",
  gender: "P",
  phone: "0812-3456-7890",
  email: "siti@example.com",
  address: "Jl. Cikajang No. 12, RT 02/RW 05",
  villageCode: "3205222001",
  education: "SMA",
  occupation: "Wiraswasta",
  motivation: "Ingin membantu tetangga yang membutuhkan layanan sosial.",
  consent: true,
} as const;
