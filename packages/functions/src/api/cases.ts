import type { Case, CaseLevel } from "@sigap/core/case/model";
import {
  caseLevelLabels,
  caseOutcomeLabels,
  caseStatusLabels,
  reporterMilestones,
} from "@sigap/core/case/model";
import { ppksType } from "@sigap/core/case/ppks";
import {
  type CaseReceipt,
  createCase,
  getCase,
  listEvents,
  trackingMatches,
} from "@sigap/core/case/repository";
import { CASE_FORM_FIELDS, type CaseInput, validateCase } from "@sigap/core/case/schema";
import { startCaseEscalation } from "@sigap/core/case/workflow";
import { settings } from "@sigap/core/config/settings";
import { AppError } from "@sigap/core/error";
import { decrypt } from "@sigap/core/identity/protect";
import { logger } from "@sigap/core/log";
import { keyedSubmission } from "@sigap/core/record/idempotency";
import { describeRegion } from "@sigap/core/region/regions";
import { type Context, Hono } from "hono";
import { caseStatusPage, unknownStatusPage } from "../web/status-pages";
import { readBody } from "./body";
import { idempotencyKey } from "./idempotency";
import { wantsPage } from "./pages";
import { CaseId, TrackingCode, validParams } from "./params";

export interface Accepted {
  id: string;
  trackingCode: string;
  status: "reported";
  statusUrl: string;
}

export interface Report {
  input: CaseInput;
  /** The sender's network address, for the anonymous quota. */
  client: string;
}

/**
 * Logs carry only code, type and level for a restricted type; never a name, NIK or description.
 * `caseLevel`, not `level`: Powertools reserves `level` (the log level) and would drop it.
 */
const logFields = (saved: Case) => ({
  caseId: saved.id,
  ppksType: saved.ppksType,
  caseLevel: saved.level,
  ...(saved.sensitive ? {} : { villageCode: saved.villageCode, urgency: saved.urgency }),
});

/**
 * With an `Idempotency-Key`, the report is the compared body and the sender's address is not (as
 * for registrations): a retry from another network (Wi-Fi to mobile data) replays the first answer.
 */
/** What the answer is built from: the tracking code in clear, as this request holds it. */
interface Reported {
  id: string;
  trackingCode: string;
  level: CaseLevel | undefined;
}

/** A keyed retry's answer, from its record (where the tracking code is kept only encrypted). */
const replayedAnswer = ({ id, trackingEncrypted, level }: CaseReceipt): Reported => ({
  id,
  trackingCode: decrypt(trackingEncrypted),
  level,
});

async function report({ input, client }: Report, key: string | undefined): Promise<Reported> {
  const created = await createCase(input, {
    client,
    keyed: key ? keyedSubmission("cases", key, input) : undefined,
  });
  // A retry of a keyed report: the first answer, nothing written or started again.
  if ("replayed" in created) return replayedAnswer(created.replayed);
  const { case: saved, trackingCode, folded, resubmitted } = created;
  if (resubmitted) {
    // Its workflow was started by the first submission (or is left to the reconciler): nothing to send again.
    logger.info("Case report resubmitted; answered with the first", logFields(saved));
  } else if (folded) {
    logger.info("Anonymous report folded into an open case", logFields(saved));
  } else {
    // Saved first; if the start fails, the reconciler starts it from what was saved.
    try {
      await startCaseEscalation(saved);
    } catch (error) {
      logger.warn("Case escalation not started; the reconciler will start it", {
        caseId: saved.id,
        error: error as Error,
      });
    }
    logger.info("Case reported", logFields(saved));
  }
  return { id: saved.id, trackingCode, level: saved.level };
}

function acceptedAnswer({ id, trackingCode }: Reported): Accepted {
  return {
    id,
    trackingCode,
    status: "reported",
    statusUrl: `${settings().publicBaseUrl}/v1/cases/${id}?tracking=${trackingCode}`,
  };
}

/**
 * The one reporting operation, for the JSON API and the web form alike: with a key (the
 * `Idempotency-Key` header, or the form's own `formKey`) a retry replays the first answer. Beside
 * the answer, the level that handles the report first, for the page to say who it went to.
 */
export async function submitReport(
  input: CaseInput,
  client: string,
  key: string | undefined,
): Promise<{ accepted: Accepted; level: CaseLevel | undefined }> {
  const reported = await report({ input, client }, key);
  return { accepted: acceptedAnswer(reported), level: reported.level };
}

/**
 * The sender's address: API Gateway's (HTTP API) on Lambda, the socket's under `npm start`. Headers
 * are not trusted (anyone can send X-Forwarded-For). Unknown when neither is there.
 */
export function clientAddress(c: Context): string {
  const env = c.env as
    | {
        event?: { requestContext?: { http?: { sourceIp?: string } } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  return env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? "unknown";
}

const notFound = () =>
  new AppError(
    "not-found",
    "Laporan tidak ditemukan",
    "Periksa kembali nomor laporan dan kode pelacakan Anda.",
  );

/** An id or code of a shape that cannot exist answers as an unknown one, before any read. */
const validLookup = validParams(
  { id: CaseId },
  (c) => {
    if (wantsPage(c)) return unknownStatusPage(c, "case");
    throw notFound();
  },
  { tracking: TrackingCode },
);

/**
 * The reporter's view: status, the level now handling it, dated milestones and the outcome when
 * closed — never staff notes, nor the subject's or reporter's personal data. A sensitive or
 * violence type shows only the case code, its type and the level.
 */
export type TrackingView = Awaited<ReturnType<typeof trackingView>>;

export async function trackingView(found: Case) {
  const type = ppksType(found.ppksType);
  const restricted = {
    id: found.id,
    ppksType: found.ppksType,
    ppksTypeName: type?.name ?? found.ppksType,
    level: found.level,
    levelLabel: caseLevelLabels[found.level],
  };
  if (found.sensitive) return restricted;
  const events = await listEvents(found.id);
  return {
    ...restricted,
    status: found.status,
    statusLabel: caseStatusLabels[found.status],
    village: describeRegion(found.villageCode),
    reportedAt: found.createdAt,
    milestones: events
      .filter((event) => event.event in reporterMilestones)
      .map((event) => ({ at: event.at, event: event.event, label: reporterMilestones[event.event] })),
    ...(found.status === "closed" && found.outcome
      ? {
          outcome: found.outcome,
          outcomeLabel: caseOutcomeLabels[found.outcome],
          closedAt: found.closedAt ?? null,
        }
      : {}),
  };
}

export const cases = new Hono()
  .post("/", async (c) => {
    const key = idempotencyKey(c.req.header("Idempotency-Key"));
    // Every field is read as a list when repeated, so a repeated single-value field is refused, not "last one wins".
    const contentType = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
    const input = validateCase(await readBody(c, { repeatable: CASE_FORM_FIELDS }), {
      fromForm: contentType !== "application/json",
    });
    const { accepted } = await submitReport(input, clientAddress(c), key);
    return c.json(accepted, 202, { Location: accepted.statusUrl });
  })
  .get("/:id", validLookup, async (c) => {
    const tracking = c.req.query("tracking") ?? "";
    const found = await getCase(c.req.param("id"));
    // Unknown id and wrong code answer alike: the answer must not confirm that an id exists.
    if (!found || !tracking || !trackingMatches(found, tracking)) {
      if (wantsPage(c)) return unknownStatusPage(c, "case");
      throw notFound();
    }
    const view = await trackingView(found);
    c.header("Cache-Control", "no-store");
    if (wantsPage(c)) return caseStatusPage(c, view, found.villageCode);
    return c.json(view);
  });
