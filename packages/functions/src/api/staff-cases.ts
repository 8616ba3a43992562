import { mayReadDetails } from "@sigap/core/case/access";
import {
  CASE_LEVELS,
  CASE_STATUSES,
  type Case,
  type CaseLevel,
  type CaseStatus,
  caseLevelLabels,
  caseStatusLabels,
} from "@sigap/core/case/model";
import { ppksType } from "@sigap/core/case/ppks";
import {
  type CaseCounts,
  countCases,
  getCase,
  isOverdue,
  listCasePage,
  listEvents,
  listFoldedReports,
  recordCaseAccess,
  recordCaseTransition,
} from "@sigap/core/case/repository";
import { AppError } from "@sigap/core/error";
import { describeRegion, normalizeRegionCode, regionExists } from "@sigap/core/region/regions";
import { assertAccess, type Staff } from "@sigap/core/staff/auth";
import { parseOrThrow } from "@sigap/core/validation/parse";
import { personText } from "@sigap/core/validation/text";
import { Hono } from "hono";
import * as v from "valibot";
import { readBody } from "./body";
import { requestedPage } from "./paging";
import { CaseId, RegionCode, validParams } from "./params";
import type { StaffEnv } from "./staff-auth";

/** Every province code; computed when an admin first lists everything, never at cold start. */
export const allProvinces = () =>
  Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0")).filter(regionExists);

export const staffActor = (staff: Staff) => ({
  kind: "staff" as const,
  id: staff.sub,
  email: staff.email,
  role: staff.role,
});

/** What a list shows of a case; subject name and location only to those who may read its details. */
function summary(found: Case, staff: Staff, at: string) {
  const type = ppksType(found.ppksType);
  const open = mayReadDetails(staff, found);
  return {
    id: found.id,
    ppksType: found.ppksType,
    ppksTypeName: type?.name ?? found.ppksType,
    urgency: found.urgency,
    status: found.status,
    statusLabel: caseStatusLabels[found.status],
    level: found.level,
    levelLabel: caseLevelLabels[found.level],
    villageCode: found.villageCode,
    village: describeRegion(found.villageCode),
    createdAt: found.createdAt,
    dueAt: found.dueAt ?? null,
    overdue: isOverdue(found, at),
    reportCount: found.reportCount,
    flags: found.flags ?? [],
    possibleDuplicates: found.possibleDuplicates ?? [],
    restricted: !open,
    ...(open ? { subjectName: found.subject.name ?? null, location: found.location } : {}),
  };
}

const notFound = () => new AppError("not-found", "Data tidak ditemukan");

const invalidQuery = (field: string, title: string, detail: string) =>
  new AppError("validation", title, detail, [{ field, message: title }]);

/** `?region=` as given (scoped to the caller), else the caller's own region; an admin's is every province. */
function scopesOf(staff: Staff, region: string | undefined): string[] {
  const requested =
    region !== undefined && v.is(RegionCode, region) ? normalizeRegionCode(region) : undefined;
  if (region !== undefined && (!requested || !regionExists(requested))) {
    throw invalidQuery("region", "Kode wilayah tidak dikenal.", "Gunakan kode wilayah Kemendagri.");
  }
  if (requested) {
    assertAccess(staff, requested);
    return [requested];
  }
  return staff.role === "admin" ? allProvinces() : [staff.region];
}

const validCase = validParams({ id: CaseId }, () => {
  throw notFound();
});

export const NoteForm = v.object({ note: personText("Catatan", { min: 1, max: 2000, lines: "multi" }) });

async function scopedCase(staff: Staff, id: string): Promise<Case> {
  const found = await getCase(id);
  if (!found) throw notFound();
  assertAccess(staff, found.villageCode);
  return found;
}

function addCounts(total: CaseCounts, part: CaseCounts): CaseCounts {
  const merge = <K extends string>(a: Partial<Record<K, number>>, b: Partial<Record<K, number>>) => {
    const merged: Partial<Record<K, number>> = { ...a };
    for (const [key, count] of Object.entries(b) as Array<[K, number]>)
      merged[key] = (merged[key] ?? 0) + count;
    return merged;
  };
  return {
    total: total.total + part.total,
    byType: merge(total.byType, part.byType),
    byStatus: merge(total.byStatus, part.byStatus),
    byLevel: merge(total.byLevel, part.byLevel),
    byOutcome: merge(total.byOutcome, part.byOutcome),
    overdue: total.overdue + part.overdue,
  };
}

/** Cases for staff, mounted under `/v1/staff` (whose middleware authenticates every route). */
export const staffCases = new Hono<StaffEnv>()
  .get("/cases", async (c) => {
    const me = c.get("staff");
    const status = c.req.query("status");
    const level = c.req.query("level");
    const overdue = c.req.query("overdue");
    if (status !== undefined && !CASE_STATUSES.includes(status as CaseStatus)) {
      throw invalidQuery(
        "status",
        "Status tidak dikenal.",
        `Gunakan salah satu: ${CASE_STATUSES.join(", ")}.`,
      );
    }
    if (level !== undefined && !CASE_LEVELS.includes(level as CaseLevel)) {
      throw invalidQuery("level", "Tingkat tidak dikenal.", `Gunakan salah satu: ${CASE_LEVELS.join(", ")}.`);
    }
    if (overdue !== undefined && overdue !== "true" && overdue !== "false") {
      throw invalidQuery("overdue", "Nilai overdue harus true atau false.", "Gunakan overdue=true.");
    }
    const page = requestedPage(c);
    const found = await listCasePage(
      scopesOf(me, c.req.query("region")),
      {
        ...(status ? { status: status as CaseStatus } : {}),
        ...(level ? { level: level as CaseLevel } : {}),
        overdue: overdue === "true",
      },
      page,
    );
    const at = new Date().toISOString();
    c.header("Cache-Control", "no-store");
    return c.json({
      items: found.items.map((item) => summary(item, me, at)),
      ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
    });
  })
  .get("/cases/:id", validCase, async (c) => {
    const me = c.get("staff");
    const found = await scopedCase(me, c.req.param("id"));
    const open = mayReadDetails(me, found);
    // Every read is on the access trail, a refused one too (UU PDP).
    await recordCaseAccess(found.id, staffActor(me), open ? "view-details" : "view-restricted");
    c.header("Cache-Control", "no-store");
    const at = new Date().toISOString();
    if (!open) return c.json(summary(found, me, at));
    const [auditTrail, additionalReports] = await Promise.all([
      listEvents(found.id),
      listFoldedReports(found.id),
    ]);
    const { nikEncrypted: _sealed, nikHash: _hash, ...subject } = found.subject;
    return c.json({
      ...summary(found, me, at),
      conditions: found.conditions,
      location: found.location,
      coordinates: found.coordinates ?? null,
      description: found.description,
      subject,
      reporter: found.reporter,
      lawfulBasis: found.lawfulBasis,
      warnings: found.warnings,
      assignee: found.assignee ?? null,
      outcome: found.outcome ?? null,
      outcomeSummary: found.outcomeSummary ?? null,
      closedAt: found.closedAt ?? null,
      additionalReports,
      auditTrail,
    });
  })
  .post("/cases/:id/notes", validCase, async (c) => {
    const me = c.get("staff");
    const found = await scopedCase(me, c.req.param("id"));
    if (!mayReadDetails(me, found)) {
      throw new AppError(
        "forbidden",
        "Tidak berwenang",
        "Catatan kasus ini hanya dapat ditulis oleh petugas yang menanganinya atau unit PPA.",
      );
    }
    const form = parseOrThrow(NoteForm, await readBody(c));
    const updated = await recordCaseTransition(found.id, {
      event: "note-added",
      actor: staffActor(me),
      note: form.note,
    });
    return c.json({ id: found.id, noted: true, at: updated.updatedAt }, 201);
  })
  .get("/reports/cases", async (c) => {
    const me = c.get("staff");
    const scopes = scopesOf(me, c.req.query("region"));
    let counts: CaseCounts = { total: 0, byType: {}, byStatus: {}, byLevel: {}, byOutcome: {}, overdue: 0 };
    for (const scope of scopes) counts = addCounts(counts, await countCases(scope));
    const region = scopes.length === 1 ? scopes[0] : undefined;
    c.header("Cache-Control", "no-store");
    return c.json({
      region: region ?? null,
      regionName: region ? describeRegion(region) : "Seluruh Indonesia",
      ...counts,
    });
  });
