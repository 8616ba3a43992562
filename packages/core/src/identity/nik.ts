import { regionExists } from "../region/regions";

/**
 * NIK (Nomor Induk Kependudukan): 16 digits — the kecamatan code where it was first issued (6),
 * the birth date DDMMYY with 40 added to the day for women (6), a serial from 0001 (4). There is no
 * check digit, so only plausibility can be checked. Messages are for the applicant (Bahasa Indonesia).
 */
export type Gender = "L" | "P";

export interface NikFacts {
  /** `32.05.01`: the kecamatan of first issue. */
  subdistrictCode: string;
  gender: Gender;
  /** Day and month as encoded; the year only as two digits. */
  birthDay: number;
  birthMonth: number;
  birthYearTwoDigits: number;
  serial: number;
}

export interface NikCheck {
  errors: string[];
  /** Plausible but worth a look, e.g. a kecamatan that was split since the NIK was issued. */
  warnings: string[];
  facts?: NikFacts;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Checks a NIK alone and, when given, against the declared gender and birth date (YYYY-MM-DD). */
export function checkNik(nik: string, declared: { gender?: Gender; birthDate?: string } = {}): NikCheck {
  if (!/^\d{16}$/.test(nik)) return { errors: ["NIK harus terdiri dari 16 digit angka."], warnings: [] };
  const errors: string[] = [];
  const warnings: string[] = [];

  const province = nik.slice(0, 2);
  const kabupaten = `${province}.${nik.slice(2, 4)}`;
  const subdistrictCode = `${kabupaten}.${nik.slice(4, 6)}`;
  if (!regionExists(province)) {
    errors.push(`Kode provinsi pada NIK (${province}) tidak dikenal. Periksa kembali NIK Anda.`);
  } else if (!regionExists(kabupaten)) {
    errors.push(`Kode kabupaten/kota pada NIK (${kabupaten}) tidak dikenal. Periksa kembali NIK Anda.`);
  } else if (!regionExists(subdistrictCode)) {
    warnings.push(
      `Kode kecamatan pada NIK (${subdistrictCode}) tidak ada dalam daftar wilayah terbaru; mungkin kecamatan tersebut telah dimekarkan.`,
    );
  }

  const encodedDay = Number(nik.slice(6, 8));
  const gender: Gender = encodedDay > 40 ? "P" : "L";
  const birthDay = gender === "P" ? encodedDay - 40 : encodedDay;
  const birthMonth = Number(nik.slice(8, 10));
  const birthYearTwoDigits = Number(nik.slice(10, 12));
  // Either century must give a real date (29 February needs a leap year in one of them).
  if (
    !isRealDate(1900 + birthYearTwoDigits, birthMonth, birthDay) &&
    !isRealDate(2000 + birthYearTwoDigits, birthMonth, birthDay)
  ) {
    errors.push("Tanggal lahir yang tercantum dalam NIK tidak valid. Periksa kembali NIK Anda.");
  }
  const serial = Number(nik.slice(12, 16));
  if (serial === 0) errors.push("Nomor urut pada NIK tidak boleh 0000. Periksa kembali NIK Anda.");

  if (declared.gender && declared.gender !== gender) {
    errors.push(
      gender === "P"
        ? "NIK ini milik seorang perempuan (tanggal lahir ditambah 40), tetapi jenis kelamin yang diisi laki-laki."
        : "NIK ini milik seorang laki-laki, tetapi jenis kelamin yang diisi perempuan (untuk perempuan, tanggal lahir dalam NIK ditambah 40).",
    );
  }
  const declaredDate = declared.birthDate?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (declaredDate) {
    const [, year, month, day] = declaredDate.map(Number) as [number, number, number, number];
    if (day !== birthDay || month !== birthMonth || year % 100 !== birthYearTwoDigits) {
      errors.push("Tanggal lahir dalam NIK tidak sesuai dengan tanggal lahir yang diisi.");
    }
  }

  return {
    errors,
    warnings,
    facts: { subdistrictCode, gender, birthDay, birthMonth, birthYearTwoDigits, serial },
  };
}

/** `3205014107950001` → `3205********0001`: never show a whole NIK. */
export function maskNik(nik: string): string {
  return `${nik.slice(0, 4)}${"*".repeat(8)}${nik.slice(12)}`;
}
