import { now } from "@sigap/core/clock";
import { AppError } from "@sigap/core/error";
import { describeRegion, normalizeRegionCode, regionExists } from "@sigap/core/region/regions";
import type { RegistrationStatus } from "@sigap/core/registration/keys";
import type { Registration } from "@sigap/core/registration/model";
import { answerTraining } from "@sigap/core/registration/recruitment";
import {
  getRegistration,
  listEvents,
  listRegistrationPage,
  recordAccess,
} from "@sigap/core/registration/repository";
import { assertAccess, type Staff } from "@sigap/core/staff/auth";
import {
  Approver,
  DUTIES,
  type Duty,
  dutyAllowedAt,
  getPeople,
  isDuty,
  type Level,
  levelOf,
} from "@sigap/core/staff/directory";
import { changePeople } from "@sigap/core/staff/directory-change";
import { localDate } from "@sigap/core/time";
import { calendarDate } from "@sigap/core/validation/date";
import { parseOrThrow } from "@sigap/core/validation/parse";
import { personText } from "@sigap/core/validation/text";
import { Hono } from "hono";
import * as v from "valibot";
import { staffBimtekAttendance } from "./bimtek-attendance";
import { readBody } from "./body";
import { requestedPage } from "./paging";
import { RegionCode, RegistrationId, validParams } from "./params";
import { requireStaff, type StaffEnv } from "./staff-auth";
import { staffBimtek } from "./staff-bimtek";
import { allProvinces, staffCases } from "./staff-cases";
import { staffPrivacy } from "./staff-privacy";
import { staffReports } from "./staff-reports";

/** The statuses `GET /v1/staff/registrations?status=` accepts (also what the OpenAPI document lists). */
export const REGISTRATION_STATUSES: readonly RegistrationStatus[] = [
  "submitted",
  "candidate",
  "active",
  "rejected",
];
const summary = (r: Registration) => ({
  id: r.id,
  fullName: r.fullName,
  nikMasked: r.nikMasked,
  villageCode: r.villageCode,
  village: describeRegion(r.villageCode),
  status: r.status,
  stage: r.stage,
  createdAt: r.createdAt,
  flags: r.flags ?? [],
});

const actorOf = (staff: Staff) => ({
  kind: "staff" as const,
  id: staff.sub,
  email: staff.email,
  role: staff.role,
});

const notFound = () => new AppError("not-found", "Data tidak ditemukan");

async function scopedRegistration(staff: Staff, id: string): Promise<Registration> {
  const registration = await getRegistration(id);
  if (!registration) throw notFound();
  assertAccess(staff, registration.villageCode);
  return registration;
}

export const TrainingCompletionForm = v.object({
  completedAt: v.optional(calendarDate("Tanggal selesai harus tanggal yang ada, berformat TTTT-BB-HH.")),
  note: v.optional(personText("Catatan", { min: 0, max: 500, lines: "multi" })),
});

/**
 * The people of one (region, duty). Approvers must always be someone; another duty may be emptied
 * (its fallback — the approver of that level — then acts). The body names them `people`; the
 * approvers' first name for it, `approvers`, is still read.
 */
export function directoryForm(duty: Duty, field: "people" | "approvers") {
  const list = v.pipe(
    v.array(Approver, "Daftar petugas wajib diisi."),
    v.minLength(duty === "approver" ? 1 : 0, "Isi minimal satu penyetuju."),
    v.maxLength(10, "Maksimal 10 orang."),
  );
  return v.object({ [field]: list });
}

function readDirectoryForm(body: unknown, duty: Duty): Approver[] {
  const field =
    typeof body === "object" && body !== null && "approvers" in body && !("people" in body)
      ? "approvers"
      : "people";
  return parseOrThrow(directoryForm(duty, field), body)[field] as Approver[];
}

const unknownRegion = () =>
  new AppError(
    "validation",
    "Kode wilayah tidak valid",
    "Gunakan kode provinsi, kabupaten/kota atau desa/kelurahan yang terdaftar.",
    [{ field: "regionCode", message: "Kode wilayah tidak dikenal." }],
  );

/** Ids and codes of a shape that cannot exist answer as unknown ones do, before any read. */
const validRegistration = validParams({ id: RegistrationId }, () => {
  throw notFound();
});
const validRegion = validParams({ regionCode: RegionCode }, () => {
  throw unknownRegion();
});

/** `?duty=`: absent means approver (what the directory always meant); an unknown duty is a 422. */
function directoryDuty(raw: string | undefined): Duty {
  if (raw === undefined) return "approver";
  if (!isDuty(raw)) {
    throw new AppError("validation", "Tugas tidak dikenal", `Gunakan salah satu: ${DUTIES.join(", ")}.`, [
      { field: "duty", message: "Tugas tidak dikenal." },
    ]);
  }
  return raw;
}

function directoryRegion(staff: Staff, raw: string, duty: Duty): { code: string; level: Level } {
  const code = normalizeRegionCode(raw);
  const level = code ? levelOf(code) : undefined;
  if (!code || !level || !regionExists(code)) throw unknownRegion();
  assertAccess(staff, code);
  if (staff.role === "village") {
    throw new AppError("forbidden", "Tidak berwenang", "Direktori petugas diatur oleh Dinas Sosial.");
  }
  if (!dutyAllowedAt(duty, level)) {
    throw new AppError(
      "validation",
      "Tugas tidak berlaku untuk wilayah ini",
      "UPTD PPA hanya didaftarkan pada kode kabupaten/kota.",
      [{ field: "duty", message: "Tugas ini hanya untuk kode kabupaten/kota." }],
    );
  }
  return { code, level };
}

/** One directory entry as the API shows it; `approvers` repeats `people` for the approver duty. */
const directoryView = (code: string, level: Level, duty: Duty, people: Approver[]) => ({
  regionCode: code,
  region: describeRegion(code),
  level,
  duty,
  people,
  ...(duty === "approver" ? { approvers: people } : {}),
});

/** `/v1/staff/*`: every route authenticated and scoped to the caller's region. */
export const staff = new Hono<StaffEnv>()
  .use(requireStaff)
  .route("/data-requests", staffPrivacy)
  .route("/bimtek", staffBimtek)
  .route("/reports", staffReports)
  .get("/registrations", async (c) => {
    const me = c.get("staff");
    const status = c.req.query("status");
    if (status !== undefined && !REGISTRATION_STATUSES.includes(status as RegistrationStatus)) {
      throw new AppError(
        "validation",
        "Status tidak dikenal",
        `Gunakan salah satu: ${REGISTRATION_STATUSES.join(", ")}.`,
        [{ field: "status", message: "Status tidak dikenal." }],
      );
    }
    const region = c.req.query("region");
    const requested = region ? normalizeRegionCode(region) : undefined;
    if (region && (!v.is(RegionCode, region) || !requested)) {
      throw new AppError("validation", "Kode wilayah tidak valid", "Gunakan kode wilayah Kemendagri.", [
        { field: "region", message: "Kode wilayah tidak dikenal." },
      ]);
    }
    if (requested) assertAccess(me, requested);
    const scopes = requested ? [requested] : me.role === "admin" ? allProvinces() : [me.region];
    const found = await listRegistrationPage(
      scopes,
      status as RegistrationStatus | undefined,
      requestedPage(c),
    );
    c.header("Cache-Control", "no-store");
    return c.json({
      items: found.items.map(summary),
      ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
    });
  })
  .get("/registrations/:id", validRegistration, async (c) => {
    const me = c.get("staff");
    const registration = await scopedRegistration(me, c.req.param("id"));
    await recordAccess(registration.id, actorOf(me), "view-details");
    c.header("Cache-Control", "no-store");
    return c.json({
      ...summary(registration),
      birthPlace: registration.birthPlace,
      birthDate: registration.birthDate,
      gender: registration.gender,
      phone: registration.phone,
      email: registration.email ?? null,
      address: registration.address,
      education: registration.education,
      occupation: registration.occupation,
      motivation: registration.motivation,
      warnings: registration.warnings,
      lawfulBasis: registration.lawfulBasis,
      consentAt: registration.consentAt,
      rejectionReason: registration.rejectionReason ?? null,
      skNumber: registration.skNumber ?? null,
      memberNumber: registration.memberNumber ?? null,
      auditTrail: await listEvents(registration.id),
    });
  })
  .post("/registrations/:id/training-completions", validRegistration, async (c) => {
    const me = c.get("staff");
    if (me.role === "village")
      throw new AppError("forbidden", "Tidak berwenang", "Penyelesaian Bimtek dicatat oleh Dinas Sosial.");
    const registration = await scopedRegistration(me, c.req.param("id"));
    const form = parseOrThrow(TrainingCompletionForm, await readBody(c));
    // Dates are local to the village: "today" there, not in UTC. (A Bimtek attended before the
    // registration counts: only a future date is impossible.)
    const today = localDate(now(), registration.villageCode);
    const completedAt = form.completedAt ?? today;
    if (completedAt > today) {
      throw new AppError(
        "validation",
        "Data belum lengkap atau belum benar",
        "Periksa kembali isian yang ditandai.",
        [{ field: "completedAt", message: "Tanggal selesai tidak boleh di masa depan." }],
      );
    }
    // Stored first, then handed to the waiting step (or to its next wait, if it was gone).
    const outcome = await answerTraining(registration, {
      completedAt,
      recordedBy: { email: me.email, role: me.role, sub: me.sub },
      ...(form.note ? { note: form.note } : {}),
    });
    if (outcome === "not-waiting") {
      throw new AppError(
        "conflict",
        "Tidak sedang menunggu Bimtek dasar",
        "Pendaftaran ini tidak sedang menunggu penyelesaian Bimtek dasar.",
      );
    }
    if (outcome === "already-answered") {
      throw new AppError(
        "conflict",
        "Bimtek dasar sudah dicatat",
        "Penyelesaian Bimtek dasar untuk pendaftaran ini sudah dicatat oleh petugas lain.",
      );
    }
    return c.json({ id: registration.id, recorded: true }, 202);
  })
  .get("/directory/:regionCode", validRegion, async (c) => {
    const duty = directoryDuty(c.req.query("duty"));
    const { code, level } = directoryRegion(c.get("staff"), c.req.param("regionCode"), duty);
    return c.json(directoryView(code, level, duty, await getPeople(code, duty)));
  })
  .put("/directory/:regionCode", validRegion, async (c) => {
    const me = c.get("staff");
    const duty = directoryDuty(c.req.query("duty"));
    const { code, level } = directoryRegion(me, c.req.param("regionCode"), duty);
    // Whoever holds `ppa` receives violence cases with their details: a district officer must not
    // make themselves the unit. The province, an admin or the unit itself sets it.
    if (duty === "ppa" && me.role === "district" && !me.duties.includes("ppa")) {
      throw new AppError(
        "forbidden",
        "Tidak berwenang",
        "Petugas UPTD PPA ditetapkan oleh Dinas Sosial provinsi atau oleh UPTD PPA sendiri.",
      );
    }
    const people = readDirectoryForm(await readBody(c), duty);
    // Audited, and the removed people's waiting requests move to the new ones.
    const change = await changePeople(code, duty, people, actorOf(me));
    return c.json({ ...directoryView(code, level, duty, people), movedRequests: change.moved.length });
  })
  .route("/", staffCases)
  .route("/", staffBimtekAttendance);
