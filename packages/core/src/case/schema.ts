import * as v from "valibot";
import { AppError, type FieldError } from "../error";
import { checkNik } from "../identity/nik";
import { normalizeIndonesianPhone } from "../identity/phone";
import { parseOrThrow } from "../validation/parse";
import { villageCode } from "../validation/region";
import { personText, textOnly } from "../validation/text";
import type { Case, CaseReporter, CaseSubject, ReporterKind } from "./model";
import { householdConditions, ppksType, ppksTypes } from "./ppks";

/** Names are one line; a location or a description may take several. */
const line = (label: string, min: number, max: number) =>
  textOnly(label, personText(label, { min, max, lines: "single" }));
const lines = (label: string, min: number, max: number) =>
  textOnly(label, personText(label, { min, max, lines: "multi" }));

/** Indonesia's bounding box (Sabang to Merauke, Miangas to Rote), with a small margin at sea. */
export const INDONESIA_BOUNDS = { south: -11.2, north: 6.2, west: 94.7, east: 141.2 };

/**
 * A number from JSON, or the text of one from a form ("-6.92", "12"). A number with more digits
 * than the form takes is a number all the same: `tooLarge` says so, not "harus berupa angka".
 */
const numeric = (message: string, tooLarge = message) =>
  v.union(
    [
      v.pipe(v.number(), v.finite()),
      v.pipe(v.string(), v.trim(), v.regex(/^-?\d{1,4}(\.\d{1,10})?$/), v.transform(Number)),
    ],
    (issue) => (/^\s*-?\d+(\.\d+)?\s*$/.test(String(issue.input)) ? tooLarge : message),
  );

const wholeNumber = (label: string, min: number, max: number) =>
  v.pipe(
    numeric(`${label} harus berupa angka.`, `${label} maksimal ${max}.`),
    v.integer(`${label} harus bilangan bulat.`),
    v.minValue(min, `${label} minimal ${min}.`),
    v.maxValue(max, `${label} maksimal ${max}.`),
  );

const typeCodes = ppksTypes.map((type) => type.code);
const conditionCodes = householdConditions.map((condition) => condition.code);

/** A form sends one condition as a string and several as repeated fields; JSON sends an array. */
const ConditionList = v.pipe(
  v.union(
    [
      v.pipe(
        v.string(),
        v.transform((code) => [code]),
      ),
      v.array(v.string()),
    ],
    "Kondisi rumah tangga tidak sesuai formatnya.",
  ),
  v.maxLength(conditionCodes.length, `Kondisi rumah tangga maksimal ${conditionCodes.length}.`),
  v.check(
    (codes) => codes.every((code) => conditionCodes.includes(code)),
    `Kondisi rumah tangga tidak dikenal. Gunakan: ${conditionCodes.join(", ")}.`,
  ),
  v.transform((codes) => [...new Set(codes)]),
);

const Email = v.pipe(
  v.string("Alamat email tidak valid."),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(254, "Alamat email tidak valid."),
  v.email("Alamat email tidak valid."),
);

/** What the report form sends; every part about the subject or reporter may be unknown. */
export const CaseForm = v.object({
  ppksType: v.picklist(typeCodes, "Jenis PPKS wajib dipilih dari daftar PPKS (Permensos 8/2012)."),
  conditions: v.optional(ConditionList, []),
  urgency: v.optional(
    v.picklist(["emergency", "high", "normal"], "Tingkat kedaruratan harus emergency, high atau normal."),
    "normal",
  ),
  villageCode: villageCode(
    v.string((issue) =>
      issue.received === "undefined"
        ? "Kode desa/kelurahan wajib diisi."
        : "Kode desa/kelurahan tidak valid: tulis sebagai teks, misalnya 32.05.22.2001.",
    ),
  ),
  location: lines("Lokasi (alamat atau patokan)", 3, 300),
  coordinates: v.optional(
    v.object(
      {
        lat: v.pipe(
          numeric("Garis lintang harus berupa angka."),
          v.minValue(INDONESIA_BOUNDS.south, "Koordinat harus berada di wilayah Indonesia."),
          v.maxValue(INDONESIA_BOUNDS.north, "Koordinat harus berada di wilayah Indonesia."),
        ),
        lng: v.pipe(
          numeric("Garis bujur harus berupa angka."),
          v.minValue(INDONESIA_BOUNDS.west, "Koordinat harus berada di wilayah Indonesia."),
          v.maxValue(INDONESIA_BOUNDS.east, "Koordinat harus berada di wilayah Indonesia."),
        ),
      },
      "Koordinat harus berisi lat dan lng.",
    ),
  ),
  description: lines("Uraian", 10, 2000),
  subject: v.optional(
    v.object(
      {
        name: v.optional(line("Nama", 2, 100)),
        nik: v.optional(
          v.pipe(
            v.string("NIK harus berupa teks."),
            v.trim(),
            v.regex(/^\d{16}$/, "NIK harus terdiri dari 16 digit angka."),
          ),
        ),
        gender: v.optional(v.picklist(["L", "P"], "Jenis kelamin harus L (laki-laki) atau P (perempuan).")),
        ageYears: v.optional(wholeNumber("Usia", 0, 130)),
        peopleCount: v.optional(wholeNumber("Jumlah orang", 1, 1000)),
      },
      "Data orang yang dilaporkan tidak sesuai formatnya.",
    ),
    {},
  ),
  reporter: v.optional(
    v.object(
      {
        // Absent: see `reporterKind`.
        kind: v.optional(
          v.picklist(["psm", "resident", "anonymous"], "Jenis pelapor harus psm, resident atau anonymous."),
        ),
        name: v.optional(line("Nama pelapor", 2, 100)),
        phone: v.optional(
          v.pipe(
            v.string("Nomor telepon tidak valid. Contoh: 0812-3456-7890."),
            v.transform((s) => normalizeIndonesianPhone(s) ?? ""),
            v.minLength(1, "Nomor telepon tidak valid. Contoh: 0812-3456-7890."),
          ),
        ),
        email: v.optional(Email),
        memberNumber: v.optional(
          v.pipe(
            v.string("Nomor anggota PSM tidak valid."),
            v.trim(),
            v.toUpperCase(),
            v.regex(/^PSM-\d{4}-\d{6}$/, "Nomor anggota PSM berformat PSM-3205-000001."),
          ),
        ),
      },
      "Data pelapor tidak sesuai formatnya.",
    ),
    {},
  ),
});

/** The form's field names (dotted for the nested parts): what a form may send, each once but `conditions`. */
export const CASE_FORM_FIELDS: readonly string[] = (() => {
  const groups = {
    subject: CaseForm.entries.subject.wrapped.entries,
    reporter: CaseForm.entries.reporter.wrapped.entries,
    coordinates: CaseForm.entries.coordinates.wrapped.entries,
  };
  return [
    ...Object.keys(CaseForm.entries).filter((name) => !(name in groups)),
    ...Object.entries(groups).flatMap(([group, entries]) => Object.keys(entries).map((f) => `${group}.${f}`)),
  ];
})();

/** The one form field that may repeat (`conditions=a&conditions=b`). */
const REPEATABLE_FORM_FIELDS: readonly string[] = ["conditions"];

/** A validated report: the case's own fields as the reporter gave them (the NIK still in clear). */
export interface CaseInput
  extends Pick<
    Case,
    "ppksType" | "conditions" | "urgency" | "villageCode" | "location" | "coordinates" | "description"
  > {
  subject: Pick<CaseSubject, "name" | "gender" | "ageYears" | "peopleCount"> & { nik?: string };
  reporter: Omit<CaseReporter, "psmRegistrationId">;
  /** Notes on plausible-but-odd data (e.g. a NIK from a split kecamatan), for the handler. */
  warnings: string[];
}

/**
 * Form fields with dotted names (`subject.name`, `coordinates.lat`) become nested objects, as JSON
 * sends them; a value left empty in a form counts as not given. Only the parts the form declares
 * are nested, so a stray `__proto__.x` is dropped like any unknown field.
 */
function structured(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const nested: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === "" || value === null) continue;
    const [group, field, ...rest] = name.split(".");
    if (
      field !== undefined &&
      rest.length === 0 &&
      (group === "subject" || group === "reporter" || group === "coordinates")
    ) {
      const current = nested[group];
      if (
        current !== undefined &&
        (typeof current !== "object" || current === null || Array.isArray(current))
      )
        continue;
      nested[group] = { ...(current as Record<string, unknown> | undefined), [field]: value };
    } else if (field === undefined) {
      const current = nested[name];
      const emptied =
        typeof value === "object" && value !== null && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== "" && inner !== null))
          : value;
      nested[name] =
        typeof current === "object" && current !== null && typeof emptied === "object" && emptied !== null
          ? { ...emptied, ...current }
          : emptied;
    }
  }
  return nested;
}

/**
 * A reporter who names no kind: anonymous on the violence route (UU TPKS: unless they choose
 * otherwise), and when they left no contact; a resident when they left a name, phone or email, so
 * those are kept and they are told the outcome.
 */
function reporterKind(
  type: string,
  reporter: { kind?: ReporterKind; name?: string; phone?: string; email?: string },
): ReporterKind {
  const contact = Boolean(reporter.name || reporter.phone || reporter.email);
  // A "resident" who left nothing to reach them by is anonymous (and counts against its quota).
  if (reporter.kind === "resident" && !contact) return "anonymous";
  if (reporter.kind) return reporter.kind;
  if (ppksType(type)?.violence) return "anonymous";
  return contact ? "resident" : "anonymous";
}

/** What the rules across fields look at. */
interface CrossFieldValues {
  nik?: string;
  gender?: "L" | "P";
  reporterKind?: string;
  memberNumber?: string;
}

/** A subject NIK's plausibility against the declared gender; a PSM reporter's member number. */
function crossFieldChecks(values: CrossFieldValues): { errors: FieldError[]; warnings: string[] } {
  const errors: FieldError[] = [];
  const warnings: string[] = [];
  if (values.nik) {
    const nik = checkNik(values.nik, values.gender ? { gender: values.gender } : {});
    for (const message of nik.errors) errors.push({ field: "subject.nik", message });
    warnings.push(...nik.warnings);
  }
  if (values.reporterKind === "psm" && !values.memberNumber) {
    errors.push({
      field: "reporter.memberNumber",
      message: "Nomor anggota PSM wajib diisi untuk pelapor PSM.",
    });
  }
  return { errors, warnings };
}

/**
 * The same values read from a report the schema refused, taking only what has the right shape: the
 * rules across fields still speak, so the reporter sees every error at once.
 */
function rawCrossFieldValues(values: unknown): CrossFieldValues {
  const part = (name: string): Record<string, unknown> => {
    const found =
      typeof values === "object" && values !== null ? (values as Record<string, unknown>)[name] : undefined;
    return typeof found === "object" && found !== null && !Array.isArray(found)
      ? (found as Record<string, unknown>)
      : {};
  };
  const text = (value: unknown) => (typeof value === "string" ? value.trim() : undefined);
  const nik = text(part("subject").nik);
  const gender = part("subject").gender;
  const reporterKind = text(part("reporter").kind);
  const memberNumber = text(part("reporter").memberNumber);
  return {
    ...(nik && /^\d{16}$/.test(nik) ? { nik } : {}),
    ...(gender === "L" || gender === "P" ? { gender } : {}),
    ...(reporterKind ? { reporterKind } : {}),
    ...(memberNumber ? { memberNumber } : {}),
  };
}

/** A form field sent more than once that takes one value ("isian ganda"): never "the last one wins". */
function repeatedFormFields(body: unknown): FieldError[] {
  if (typeof body !== "object" || body === null) return [];
  return Object.entries(body)
    .filter(([name, value]) => Array.isArray(value) && !REPEATABLE_FORM_FIELDS.includes(name))
    .map(([field]) => ({
      field,
      message: "Isian ganda: isian ini dikirim lebih dari sekali; kirim satu nilai saja.",
    }));
}

/**
 * Validates a report: each field, and the rules across fields — a subject NIK's plausibility
 * against the declared gender, a PSM reporter's member number — even when some field is wrong, so
 * one 422 problem lists every field's message. `fromForm`: the body is a form read with every field
 * kept as a list when repeated (`readBody`'s `repeatable: CASE_FORM_FIELDS`); a repeated
 * single-value field is an error of its own. An anonymous report keeps no contact details, even if
 * some were typed.
 */
export function validateCase(raw: unknown, options: { fromForm?: boolean } = {}): CaseInput {
  const values = structured(raw);
  let form: v.InferOutput<typeof CaseForm> | undefined;
  let fieldErrors: FieldError[] = [];
  try {
    form = parseOrThrow(CaseForm, values);
  } catch (error) {
    if (!(error instanceof AppError) || error.kind !== "validation") throw error;
    fieldErrors = error.errors ?? [];
  }
  const cross = crossFieldChecks(
    form
      ? {
          ...(form.subject.nik ? { nik: form.subject.nik } : {}),
          ...(form.subject.gender ? { gender: form.subject.gender } : {}),
          ...(form.reporter.kind ? { reporterKind: form.reporter.kind } : {}),
          ...(form.reporter.memberNumber ? { memberNumber: form.reporter.memberNumber } : {}),
        }
      : rawCrossFieldValues(values),
  );
  // One message per field, the most telling first: a repeat, then the field's own, then the rules.
  const errors = new Map<string, string>();
  for (const error of [
    ...(options.fromForm ? repeatedFormFields(raw) : []),
    ...fieldErrors,
    ...cross.errors,
  ]) {
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
  const warnings = cross.warnings;
  const { name, phone, email, memberNumber } = form.reporter;
  const kind = reporterKind(form.ppksType, form.reporter);
  const reporter: CaseInput["reporter"] =
    kind === "anonymous"
      ? { kind }
      : {
          kind,
          ...(name ? { name } : {}),
          ...(phone ? { phone } : {}),
          ...(email ? { email } : {}),
          ...(kind === "psm" && memberNumber ? { memberNumber } : {}),
        };
  return {
    ppksType: form.ppksType,
    conditions: form.conditions,
    urgency: form.urgency,
    villageCode: form.villageCode,
    location: form.location,
    ...(form.coordinates ? { coordinates: form.coordinates } : {}),
    description: form.description,
    subject: form.subject,
    reporter,
    warnings,
  };
}
