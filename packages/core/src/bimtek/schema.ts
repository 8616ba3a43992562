import * as v from "valibot";
import { now } from "../clock";
import { workflowPolicy } from "../config/durations";
import { AppError, type FieldError } from "../error";
import { isWithin, normalizeRegionCode, regionExists, regionLevel } from "../region/regions";
import { parseOrThrow } from "../validation/parse";
import { personText, textOnly } from "../validation/text";
import { BIMTEK_LEVELS, type BimtekSession } from "./model";

/**
 * What staff send to create or reschedule a session, validated with every message at once (field
 * rules and the rules across fields: level and region, the order of the dates, quotas within the
 * region and the capacity). Times are ISO 8601 with an offset, stored as UTC.
 */

/** The raw body of a session form (JSON); validated by `validateSession`. */
export type SessionInput = Record<string, unknown>;

/** The most seats one session may have. */
export const MAX_CAPACITY = 500;
/** A session lasts at most this long: two days is usual; a week is already unusual. */
const MAX_SESSION_DAYS = 14;
/** Scheduled at most this far ahead. */
const MAX_AHEAD_DAYS = 2 * 366;
const DAY_MS = 86_400_000;

/** `2026-11-20T08:00:00+07:00`, `2026-11-20T01:00Z`: a time of day with an explicit offset. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A time whose calendar and clock fields exist as written: `Date.parse` rolls 30 February into
 * March and 24:30 into the next day, which would move a session without anyone noticing.
 */
function realTime(value: string): boolean {
  const [date = "", time = ""] = value.split("T");
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const [hour, minute, second = 0] = (time.match(/^[\d:.]+/)?.[0] ?? "").split(":").map(Number) as [
    number,
    number,
    number?,
  ];
  const offset = time.match(/([+-])(\d{2}):(\d{2})$/);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    hour <= 23 &&
    minute <= 59 &&
    second < 60 &&
    (!offset || (Number(offset[2]) <= 14 && Number(offset[3]) <= 59)) &&
    !Number.isNaN(Date.parse(value))
  );
}

function timestamp(label: string) {
  const message = `${label} harus berupa tanggal dan jam ISO 8601 dengan zona waktu, misalnya 2026-11-20T08:00:00+07:00.`;
  return v.pipe(
    v.string(message),
    v.trim(),
    v.regex(ISO_WITH_OFFSET, message),
    v.check(realTime, message),
    v.transform((value) => new Date(value).toISOString()),
  );
}

const Email = v.pipe(
  v.string("Alamat email pembicara tidak valid."),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(254, "Alamat email pembicara tidak valid."),
  v.email("Alamat email pembicara tidak valid."),
);

const Speakers = v.pipe(
  v.array(
    v.object(
      {
        name: textOnly("Nama pembicara", personText("Nama pembicara", { min: 2, max: 100, lines: "single" })),
        email: Email,
      },
      "Pembicara harus berisi name dan email.",
    ),
    "Daftar pembicara harus berupa daftar.",
  ),
  v.maxLength(20, "Pembicara maksimal 20 orang."),
);

const Capacity = v.pipe(
  v.union(
    [v.number(), v.pipe(v.string(), v.trim(), v.regex(/^\d{1,4}$/), v.transform(Number))],
    "Kapasitas harus berupa angka.",
  ),
  v.integer("Kapasitas harus bilangan bulat."),
  v.minValue(1, "Kapasitas minimal 1."),
  v.maxValue(MAX_CAPACITY, `Kapasitas maksimal ${MAX_CAPACITY}.`),
);

const Quotas = v.pipe(
  v.record(
    v.string(),
    v.pipe(
      v.number("Kuota harus berupa angka."),
      v.integer("Kuota harus bilangan bulat."),
      v.minValue(1, "Kuota minimal 1."),
      v.maxValue(MAX_CAPACITY, `Kuota maksimal ${MAX_CAPACITY}.`),
    ),
    "Kuota harus berupa objek: kode kecamatan → jumlah kursi.",
  ),
  v.check((quotas) => Object.keys(quotas).length <= 100, "Kuota maksimal untuk 100 kecamatan."),
);

export const SessionForm = v.object({
  level: v.picklist(BIMTEK_LEVELS, "Tingkat Bimtek harus dasar atau lanjutan."),
  title: textOnly("Judul", personText("Judul", { min: 3, max: 200, lines: "single" })),
  regionCode: v.pipe(
    v.string("Kode wilayah wajib diisi."),
    v.transform((code) => normalizeRegionCode(code) ?? ""),
    v.check((code) => code !== "" && regionExists(code), "Kode wilayah tidak dikenal."),
  ),
  venue: textOnly("Tempat", personText("Tempat", { min: 3, max: 300, lines: "single" })),
  startsAt: timestamp("Waktu mulai"),
  endsAt: timestamp("Waktu selesai"),
  enrolmentClosesAt: v.optional(timestamp("Batas pendaftaran")),
  capacity: Capacity,
  quotas: v.optional(Quotas, {}),
  speakers: v.optional(Speakers, []),
});

/** A reschedule names new times (and may move the venue); everything else stays. */
export const RescheduleForm = v.object({
  startsAt: timestamp("Waktu mulai"),
  endsAt: timestamp("Waktu selesai"),
  enrolmentClosesAt: v.optional(timestamp("Batas pendaftaran")),
  venue: v.optional(textOnly("Tempat", personText("Tempat", { min: 3, max: 300, lines: "single" }))),
});

/** A session as its organiser sets it: the session's own fields, validated. */
export type ValidSession = Pick<
  BimtekSession,
  | "level"
  | "title"
  | "regionCode"
  | "venue"
  | "startsAt"
  | "endsAt"
  | "enrolmentClosesAt"
  | "capacity"
  | "quotas"
  | "speakers"
>;

export type ValidReschedule = Pick<BimtekSession, "startsAt" | "endsAt" | "enrolmentClosesAt"> &
  Partial<Pick<BimtekSession, "venue">>;

/** Parses with the schema, returning what it could and the errors, so the rules across fields still speak. */
function parsed<T extends v.GenericSchema>(
  schema: T,
  raw: unknown,
): { value?: v.InferOutput<T>; errors: FieldError[] } {
  try {
    return { value: parseOrThrow(schema, raw), errors: [] };
  } catch (error) {
    if (error instanceof AppError && error.kind === "validation") return { errors: error.errors ?? [] };
    throw error;
  }
}

/** A time of the raw body read alone (for the rules across fields when another field is wrong). */
function rawTime(raw: unknown, field: string): string | undefined {
  const value = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[field] : undefined;
  if (typeof value !== "string" || !ISO_WITH_OFFSET.test(value.trim()) || !realTime(value.trim())) {
    return undefined;
  }
  const at = Date.parse(value.trim());
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** The default close of enrolment: the policy's offset before the start, never before now. */
export function defaultEnrolmentClose(startsAt: string): string {
  const before = workflowPolicy().bimtek.enrolmentClosesBeforeSeconds * 1000;
  const closes = Date.parse(startsAt) - before;
  // A session announced at short notice stays open until it starts.
  return new Date(closes > now().getTime() ? closes : Date.parse(startsAt)).toISOString();
}

/** The rules on the times: no past start, end after start, enrolment closing by the start. */
function timeErrors(times: { startsAt?: string; endsAt?: string; enrolmentClosesAt?: string }): FieldError[] {
  const errors: FieldError[] = [];
  const current = now().getTime();
  const start = times.startsAt ? Date.parse(times.startsAt) : undefined;
  const end = times.endsAt ? Date.parse(times.endsAt) : undefined;
  if (start !== undefined && start <= current) {
    errors.push({ field: "startsAt", message: "Waktu mulai tidak boleh di masa lalu." });
  } else if (start !== undefined && start > current + MAX_AHEAD_DAYS * DAY_MS) {
    errors.push({ field: "startsAt", message: "Waktu mulai paling lambat dua tahun dari sekarang." });
  }
  if (start !== undefined && end !== undefined) {
    if (end <= start) errors.push({ field: "endsAt", message: "Waktu selesai harus setelah waktu mulai." });
    else if (end - start > MAX_SESSION_DAYS * DAY_MS) {
      errors.push({ field: "endsAt", message: `Sesi paling lama ${MAX_SESSION_DAYS} hari.` });
    }
  }
  if (times.enrolmentClosesAt) {
    const closes = Date.parse(times.enrolmentClosesAt);
    if (closes <= current) {
      errors.push({ field: "enrolmentClosesAt", message: "Batas pendaftaran tidak boleh di masa lalu." });
    } else if (start !== undefined && closes > start) {
      errors.push({
        field: "enrolmentClosesAt",
        message: "Batas pendaftaran tidak boleh setelah waktu mulai.",
      });
    }
  }
  return errors;
}

/** Level and region agree: dasar for a kabupaten/kota, lanjutan for a province. */
function levelRegionError(level: unknown, regionCode: string | undefined): FieldError | undefined {
  if (!regionCode || (level !== "dasar" && level !== "lanjutan")) return undefined;
  const expected = level === "dasar" ? "district" : "province";
  if (regionLevel(regionCode) === expected) return undefined;
  return {
    field: "regionCode",
    message:
      level === "dasar"
        ? "Bimtek dasar diselenggarakan oleh kabupaten/kota: gunakan kode kabupaten/kota, misalnya 32.05."
        : "Bimtek lanjutan diselenggarakan oleh provinsi: gunakan kode provinsi, misalnya 32.",
  };
}

/**
 * The rules on the quota keys, read from the raw object so they speak even when a value is wrong:
 * a known kecamatan (never `__proto__` or another non-code), inside the region, named once (`32.05.01`
 * and `320501` are one kecamatan). The total is checked against the capacity over the valid values.
 */
function quotaErrors(quotas: Record<string, unknown>, regionCode: string | undefined, capacity?: number) {
  const errors: FieldError[] = [];
  const named = new Map<string, string>();
  for (const code of Object.keys(quotas)) {
    const kecamatan = normalizeRegionCode(code);
    if (!kecamatan || regionLevel(kecamatan) !== "subdistrict" || !regionExists(kecamatan)) {
      errors.push({ field: `quotas.${code}`, message: "Kode kecamatan tidak dikenal." });
    } else if (named.has(kecamatan)) {
      errors.push({
        field: `quotas.${code}`,
        message: `Kecamatan ${kecamatan} sudah disebut (sebagai ${named.get(kecamatan)}): sebut setiap kecamatan sekali saja.`,
      });
    } else if (regionCode && !isWithin(kecamatan, regionCode)) {
      errors.push({
        field: `quotas.${code}`,
        message: "Kecamatan ini berada di luar wilayah penyelenggara.",
      });
    }
    if (kecamatan && !named.has(kecamatan)) named.set(kecamatan, code);
  }
  const total = Object.values(quotas)
    .filter((n): n is number => typeof n === "number" && Number.isInteger(n) && n > 0 && n <= MAX_CAPACITY)
    .reduce((sum, n) => sum + n, 0);
  if (capacity !== undefined && total > capacity) {
    errors.push({ field: "quotas", message: `Jumlah kuota (${total}) melebihi kapasitas (${capacity}).` });
  }
  return errors;
}

/** Each speaker is told once: the same address twice (in any case) is refused. */
function speakerErrors(speakers: unknown): FieldError[] {
  if (!Array.isArray(speakers)) return [];
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  speakers.forEach((speaker, index) => {
    const email = (speaker as { email?: unknown } | null)?.email;
    if (typeof email !== "string") return;
    const address = email.trim().toLowerCase();
    if (seen.has(address)) {
      errors.push({ field: `speakers.${index}.email`, message: "Alamat email pembicara ini sudah disebut." });
    }
    seen.add(address);
  });
  return errors;
}

function fail(errors: FieldError[]): never {
  const byField = new Map<string, string>();
  for (const error of errors) if (!byField.has(error.field)) byField.set(error.field, error.message);
  throw new AppError(
    "validation",
    "Data sesi belum lengkap atau belum benar",
    "Periksa kembali isian yang ditandai.",
    [...byField].map(([field, message]) => ({ field, message })),
  );
}

/** Validates a new session: every field's message and every rule across fields, at once. */
export function validateSession(raw: SessionInput): ValidSession {
  const { value, errors } = parsed(SessionForm, raw);
  const regionCode =
    value?.regionCode ??
    (typeof raw.regionCode === "string" ? normalizeRegionCode(raw.regionCode) : undefined);
  const startsAt = value?.startsAt ?? rawTime(raw, "startsAt");
  const cross: FieldError[] = [
    ...timeErrors({
      startsAt,
      endsAt: value?.endsAt ?? rawTime(raw, "endsAt"),
      enrolmentClosesAt: value?.enrolmentClosesAt ?? rawTime(raw, "enrolmentClosesAt"),
    }),
  ];
  const levelRegion = levelRegionError(value?.level ?? raw.level, regionCode);
  if (levelRegion) cross.push(levelRegion);
  // The quotas are checked against the region and capacity even when another field is wrong.
  const alone = <T extends v.GenericSchema>(schema: T, input: unknown) => {
    const result = v.safeParse(schema, input);
    return result.success ? (result.output as v.InferOutput<T>) : undefined;
  };
  const capacity = value?.capacity ?? alone(Capacity, raw.capacity);
  const quotas = raw.quotas;
  // valibot's record takes an array as an object (`[1]` → quota "0"): refused here.
  if (Array.isArray(quotas)) {
    cross.push({ field: "quotas", message: "Kuota harus berupa objek: kode kecamatan → jumlah kursi." });
  } else if (quotas && typeof quotas === "object") {
    cross.push(
      ...quotaErrors(
        quotas as Record<string, unknown>,
        regionCode,
        typeof capacity === "number" ? capacity : undefined,
      ),
    );
  }
  cross.push(...speakerErrors(raw.speakers));
  if (!value || cross.length > 0) fail([...errors, ...cross]);
  const normalizedQuotas = Object.fromEntries(
    Object.entries(value.quotas).map(([code, seats]) => [normalizeRegionCode(code) ?? code, seats]),
  );
  return {
    level: value.level,
    title: value.title,
    regionCode: value.regionCode,
    venue: value.venue,
    startsAt: value.startsAt,
    endsAt: value.endsAt,
    enrolmentClosesAt: value.enrolmentClosesAt ?? defaultEnrolmentClose(value.startsAt),
    capacity: value.capacity,
    quotas: normalizedQuotas,
    speakers: value.speakers,
  };
}

/** Validates a reschedule: the new times (and venue), with the same rules as a new session. */
export function validateReschedule(raw: SessionInput): ValidReschedule {
  const { value, errors } = parsed(RescheduleForm, raw);
  const cross = timeErrors({
    startsAt: value?.startsAt ?? rawTime(raw, "startsAt"),
    endsAt: value?.endsAt ?? rawTime(raw, "endsAt"),
    enrolmentClosesAt: value?.enrolmentClosesAt ?? rawTime(raw, "enrolmentClosesAt"),
  });
  if (!value || cross.length > 0) fail([...errors, ...cross]);
  return {
    startsAt: value.startsAt,
    endsAt: value.endsAt,
    enrolmentClosesAt: value.enrolmentClosesAt ?? defaultEnrolmentClose(value.startsAt),
    ...(value.venue ? { venue: value.venue } : {}),
  };
}

/** The cancellation's reason: told to everyone enrolled. */
export const CancellationForm = v.object({
  reason: textOnly(
    "Alasan pembatalan",
    personText("Alasan pembatalan", { min: 5, max: 500, lines: "multi" }),
  ),
});

/** What a participant sends to enrol: their registration id and receipt code. */
export const EnrolmentForm = v.object({
  registrationId: v.pipe(
    v.string("Nomor pendaftaran wajib diisi."),
    v.trim(),
    v.toLowerCase(),
    v.regex(/^[a-z0-9]{12}$/, "Nomor pendaftaran terdiri dari 12 huruf/angka."),
  ),
  receiptCode: v.pipe(
    v.string("Kode tanda terima wajib diisi."),
    v.trim(),
    v.minLength(1, "Kode tanda terima wajib diisi."),
    v.maxLength(32, "Kode tanda terima tidak valid."),
  ),
});
