import * as v from "valibot";
import { AppError, type FieldError } from "../error";
import { checkNik } from "../identity/nik";
import { normalizeIndonesianPhone } from "../identity/phone";
import { localDate } from "../time";
import { calendarDate } from "../validation/date";
import { parseOrThrow } from "../validation/parse";
import { villageCode } from "../validation/region";
import { personText } from "../validation/text";

const MINIMUM_AGE = 18;

/** Names and places are one line; an address or a motivation may take several. */
const line = (label: string, min: number, max: number) => personText(label, { min, max, lines: "single" });
const lines = (label: string, min: number, max: number) => personText(label, { min, max, lines: "multi" });

/** Plain HTML forms send strings; a checked checkbox arrives as "on" (or "true", "ya", "1"). */
const consentValue = v.union(
  [
    v.boolean(),
    v.pipe(
      v.string(),
      v.transform((s) => ["on", "true", "ya", "yes", "1"].includes(s.trim().toLowerCase())),
    ),
  ],
  "Persetujuan pemrosesan data wajib diberikan.",
);

/** What the form sends, field by field; unknown fields are dropped. */
export const RegistrationForm = v.object({
  nik: v.pipe(
    v.string("NIK wajib diisi."),
    v.trim(),
    v.regex(/^\d{16}$/, "NIK harus terdiri dari 16 digit angka."),
  ),
  fullName: line("Nama lengkap", 3, 100),
  birthPlace: line("Tempat lahir", 2, 60),
  birthDate: v.pipe(
    v.string("Tanggal lahir wajib diisi."),
    calendarDate("Tanggal lahir harus tanggal yang ada, berformat TTTT-BB-HH, misalnya 1995-07-15."),
  ),
  // Nothing chosen asks for a choice; only a value of another shape (from an API client) is explained.
  gender: v.picklist(["L", "P"], (issue) =>
    issue.input === undefined || issue.input === ""
      ? "Pilih jenis kelamin."
      : "Jenis kelamin harus L (laki-laki) atau P (perempuan).",
  ),
  phone: v.pipe(
    v.string("Nomor telepon wajib diisi."),
    v.transform((s) => normalizeIndonesianPhone(s) ?? ""),
    v.minLength(1, "Nomor telepon tidak valid. Contoh: 0812-3456-7890."),
  ),
  email: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.union(
        [
          v.literal(""),
          v.pipe(
            v.string(),
            v.maxLength(254, "Alamat email tidak valid."),
            v.email("Alamat email tidak valid."),
          ),
        ],
        "Alamat email tidak valid.",
      ),
    ),
  ),
  address: lines("Alamat", 5, 300),
  villageCode: villageCode(v.string("Kode desa/kelurahan wajib diisi.")),
  education: line("Pendidikan terakhir", 2, 60),
  occupation: line("Pekerjaan", 2, 60),
  motivation: lines("Motivasi", 10, 1000),
  consent: v.pipe(
    consentValue,
    v.check((given) => given === true, "Persetujuan pemrosesan data wajib diberikan."),
  ),
});

export type RegistrationInput = Omit<v.InferOutput<typeof RegistrationForm>, "email" | "consent"> & {
  email?: string;
  consent: true;
  /** Notes on plausible-but-odd data (e.g. a NIK from a split kecamatan), for the verifying officer. */
  warnings: string[];
};

function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number) as [number, number, number];
  const [ty, tm, td] = today.split("-").map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** A field's value when it is valid on its own (for the rules across fields), else undefined. */
function validField<K extends keyof typeof RegistrationForm.entries>(
  raw: unknown,
  key: K,
): v.InferOutput<(typeof RegistrationForm.entries)[K]> | undefined {
  const value = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
  const result = v.safeParse(RegistrationForm.entries[key], value);
  return result.success ? result.output : undefined;
}

/**
 * The rules across fields — NIK plausibility against gender and birth date, and age ≥ 18 on the
 * day of submission in the village's own time zone — on whichever of those fields are valid on
 * their own, so a form with other mistakes hears of these in the same answer.
 */
function crossFieldChecks(raw: unknown, now: Date, form: v.InferOutput<typeof RegistrationForm> | undefined) {
  // A form valid as a whole already holds each field's own valid value: no need to parse them again.
  const nikValue = form ? form.nik : validField(raw, "nik");
  const gender = form ? form.gender : validField(raw, "gender");
  const birthDate = form ? form.birthDate : validField(raw, "birthDate");
  const villageCode = form ? form.villageCode : validField(raw, "villageCode");
  const errors: FieldError[] = [];
  const nik = nikValue
    ? checkNik(nikValue, { ...(gender ? { gender } : {}), ...(birthDate ? { birthDate } : {}) })
    : { errors: [], warnings: [] };
  for (const message of nik.errors) errors.push({ field: "nik", message });
  if (birthDate) {
    // Without a valid village yet, western Indonesian time: the date is checked again once it is known.
    const today = localDate(now, villageCode ?? "31");
    if (birthDate > today) {
      errors.push({ field: "birthDate", message: "Tanggal lahir tidak boleh di masa depan." });
    } else if (ageOn(birthDate, today) < MINIMUM_AGE) {
      errors.push({
        field: "birthDate",
        message: `Usia minimal untuk mendaftar sebagai PSM adalah ${MINIMUM_AGE} tahun.`,
      });
    }
  }
  return { errors, warnings: nik.warnings };
}

/**
 * Validates a registration as submitted `now`: each field, and the rules across fields on every
 * field they need that is valid on its own. Throws one 422 problem listing every field's message
 * (a field's own message first).
 */
export function validateRegistration(raw: unknown, now: Date): RegistrationInput {
  let form: v.InferOutput<typeof RegistrationForm> | undefined;
  let fieldErrors: FieldError[] = [];
  try {
    form = parseOrThrow(RegistrationForm, raw);
  } catch (error) {
    if (!(error instanceof AppError) || error.kind !== "validation") throw error;
    fieldErrors = error.errors ?? [];
  }
  const cross = crossFieldChecks(raw, now, form);
  const errors = new Map<string, string>();
  for (const error of [...fieldErrors, ...cross.errors]) {
    if (!errors.has(error.field)) errors.set(error.field, error.message);
  }
  if (!form || errors.size > 0) {
    throw new AppError(
      "validation",
      "Data belum lengkap atau belum benar",
      "Periksa kembali isian yang ditandai.",
      [...errors].map(([field, message]) => ({ field, message })),
    );
  }
  const { email, ...rest } = form;
  return { ...rest, ...(email ? { email } : {}), consent: true, warnings: cross.warnings };
}
