import { sessionDays } from "@sigap/core/bimtek/attendance";
import { listEnrolments, listWaiting } from "@sigap/core/bimtek/enrolment";
import { enrolmentStatusLabels, maskName } from "@sigap/core/bimtek/messages";
import type { BimtekSession } from "@sigap/core/bimtek/model";
import { CancellationForm } from "@sigap/core/bimtek/schema";
import { cancelEnrolmentByOrganiser } from "@sigap/core/bimtek/session-events";
import {
  cancelSession,
  createSession,
  listRegionSessions,
  listSessionEvents,
  rescheduleSession,
  scopedSession,
} from "@sigap/core/bimtek/sessions";
import { startSessionWorkflow, supersedeSessionWorkflow } from "@sigap/core/bimtek/workflow";
import { getMany } from "@sigap/core/db/client";
import { AppError } from "@sigap/core/error";

import { logger } from "@sigap/core/log";
import { normalizeRegionCode, regionExists, regionLevel } from "@sigap/core/region/regions";
import { registrationKeys } from "@sigap/core/registration/keys";
import type { Registration } from "@sigap/core/registration/model";
import { assertAccess } from "@sigap/core/staff/auth";
import { parseOrThrow } from "@sigap/core/validation/parse";
import { Hono } from "hono";
import { publicSession } from "./bimtek";
import { readBody } from "./body";
import { EnrollmentId, SessionId, validParams } from "./params";
import type { StaffEnv } from "./staff-auth";

/**
 * `/v1/staff/bimtek`: sessions created, listed, rescheduled and cancelled by their organisers,
 * region-scoped (404 outside). Nobody is emailed from here: the session's workflow tells everyone,
 * once per schedule version.
 */

const notFound = () => new AppError("not-found", "Sesi Bimtek tidak ditemukan");
const validSession = validParams({ id: SessionId }, () => {
  throw notFound();
});

/**
 * A session as its organisers see it: what they set, where its seats stand and where its course is;
 * not the bookkeeping the workflow and the seat decisions keep on the item.
 */
const sessionView = (s: BimtekSession) => ({
  ...publicSession(s),
  status: s.status,
  quotas: s.quotas,
  quotaSeatsHeld: s.quotaHeld,
  seatsHeld: s.seatsHeld,
  speakers: s.speakers,
  scheduleVersion: s.scheduleVersion,
  enrolmentClosed: s.enrolmentClosed ?? false,
  ...(s.certifiedAt ? { certifiedAt: s.certifiedAt } : {}),
  ...(s.cancelledAt ? { cancelledAt: s.cancelledAt, cancellationReason: s.cancellationReason } : {}),
  ...(s.flags?.length ? { flags: s.flags } : {}),
  createdBy: s.createdBy,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

/** Starting (or superseding) the workflow after the save: should it fail, the reconciler does it. */
async function afterSave(work: () => Promise<unknown>, sessionId: string, what: string): Promise<void> {
  try {
    await work();
  } catch (error) {
    logger.warn(`Session workflow not ${what}; the reconciler will`, { sessionId, error: error as Error });
  }
}

const validEnrolment = validParams({ enrollmentId: EnrollmentId }, () => {
  throw new AppError("not-found", "Peserta tidak ditemukan");
});

export const staffBimtek = new Hono<StaffEnv>()
  .post("/", async (c) => {
    const session = await createSession(c.get("staff"), await readBody(c));
    await afterSave(() => startSessionWorkflow(session), session.id, "started");
    // `sessionLevel`: Powertools reserves `level` (the log level) and would drop it.
    logger.info("Bimtek session created", {
      sessionId: session.id,
      sessionLevel: session.level,
      regionCode: session.regionCode,
    });
    return c.json(sessionView(session), 201);
  })
  .get("/", async (c) => {
    const me = c.get("staff");
    const raw = c.req.query("region");
    const region = raw === undefined ? me.region : normalizeRegionCode(raw);
    if (!region || !regionExists(region) || !["district", "province"].includes(regionLevel(region) ?? "")) {
      throw new AppError(
        "validation",
        "Kode wilayah tidak valid",
        "Gunakan kode kabupaten/kota atau provinsi.",
        [{ field: "region", message: "Gunakan kode kabupaten/kota atau provinsi yang terdaftar." }],
      );
    }
    assertAccess(me, region);
    const sessions = await listRegionSessions(region);
    return c.json({ items: sessions.map(sessionView) });
  })
  .get("/:id", validSession, async (c) => {
    const session = await scopedSession(c.get("staff"), c.req.param("id"));
    const enrolments = await listEnrolments(session.id);
    const registrations = new Map(
      (
        await getMany<Registration>(
          [...new Set(enrolments.map((e) => e.registrationId))].map((id) =>
            registrationKeys.registration(id),
          ),
        )
      ).map((r) => [r.id, r]),
    );
    const person = (registrationId: string) => {
      const r = registrations.get(registrationId);
      return r?.fullName ? maskName(r.fullName) : "(data dihapus)";
    };
    const participantOf = (e: (typeof enrolments)[number]) => ({
      enrollmentId: e.id,
      registrationId: e.registrationId,
      nameMasked: person(e.registrationId),
      villageCode: e.villageCode,
      status: e.status,
      statusLabel: enrolmentStatusLabels[e.status],
      seat: e.seat ?? null,
      arrival: e.arrival,
      days: e.days ?? [],
      ...(e.offerExpiresAt && e.status === "offered" ? { offerExpiresAt: e.offerExpiresAt } : {}),
      ...(e.certificateNumber ? { certificateNumber: e.certificateNumber } : {}),
    });
    const waiting = await listWaiting(session.id);
    return c.json({
      session: sessionView(session),
      attendanceDays: sessionDays(session),
      participants: enrolments.filter((e) => e.status !== "waitlisted").map(participantOf),
      waitingList: waiting.map((e, index) => ({
        position: index + 1,
        ...participantOf(e),
        priority: e.priority,
      })),
      events: await listSessionEvents(session.id),
    });
  })
  .patch("/:id", validSession, async (c) => {
    const session = await rescheduleSession(c.get("staff"), c.req.param("id"), await readBody(c));
    await afterSave(() => supersedeSessionWorkflow(session), session.id, "superseded");
    logger.info("Bimtek session rescheduled", { sessionId: session.id, version: session.scheduleVersion });
    return c.json(sessionView(session));
  })
  .post("/:id/enrollments/:enrollmentId/cancellation", validSession, validEnrolment, async (c) => {
    const { reason } = parseOrThrow(CancellationForm, await readBody(c));
    const staff = c.get("staff");
    const session = await scopedSession(staff, c.req.param("id"));
    await cancelEnrolmentByOrganiser(staff, session, c.req.param("enrollmentId"), reason);
    logger.info("Bimtek enrolment cancelled by an organiser", {
      sessionId: session.id,
      enrollmentId: c.req.param("enrollmentId"),
    });
    return c.json({ enrollmentId: c.req.param("enrollmentId"), status: "cancelled" });
  })
  .post("/:id/cancellation", validSession, async (c) => {
    const { reason } = parseOrThrow(CancellationForm, await readBody(c));
    const session = await cancelSession(c.get("staff"), c.req.param("id"), reason);
    await afterSave(() => supersedeSessionWorkflow(session), session.id, "superseded");
    logger.info("Bimtek session cancelled", { sessionId: session.id });
    return c.json(sessionView(session));
  });
