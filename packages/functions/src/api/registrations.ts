import { ExecutionAlreadyExists } from "@aws-sdk/client-sfn";
import { now } from "@sigap/core/clock";
import { settings } from "@sigap/core/config/settings";
import { AppError } from "@sigap/core/error";
import { decrypt } from "@sigap/core/identity/protect";
import { logger } from "@sigap/core/log";
import { keyedSubmission } from "@sigap/core/record/idempotency";
import { describeRegion } from "@sigap/core/region/regions";
import { eventLabels, type Registration, stageLabels, statusLabels } from "@sigap/core/registration/model";
import {
  createRegistration,
  getRegistration,
  listEvents,
  type RegistrationReceipt,
  receiptMatches,
} from "@sigap/core/registration/repository";
import { type RegistrationInput, validateRegistration } from "@sigap/core/registration/schema";
import { startRecruitment } from "@sigap/core/registration/workflow";
import { Hono } from "hono";
import { registrationStatusPage, unknownStatusPage } from "../web/status-pages";
import { readBody } from "./body";
import { idempotencyKey } from "./idempotency";
import { wantsPage } from "./pages";
import { ReceiptCode, RegistrationId, validParams } from "./params";

export interface Accepted {
  id: string;
  receiptCode: string;
  status: Registration["status"];
  statusUrl: string;
}

/** What the answer is built from: the receipt code in clear, as this request holds it. */
interface Registered {
  id: string;
  status: Registration["status"];
  receiptCode: string;
}

/** A keyed retry's answer, from its record (where the receipt code is kept only encrypted). */
const replayedAnswer = ({ id, status, receiptEncrypted }: RegistrationReceipt): Registered => ({
  id,
  status,
  receiptCode: decrypt(receiptEncrypted),
});

async function register(input: RegistrationInput, key: string | undefined): Promise<Registered> {
  const created = await createRegistration(
    input,
    key ? keyedSubmission("registrations", key, input) : undefined,
  );
  // A retry of a keyed submission: the first answer, nothing written or started again.
  if ("replayed" in created) return replayedAnswer(created.replayed);
  const { registration, receiptCode, resubmitted } = created;
  const registered = { id: registration.id, status: registration.status, receiptCode };
  // Saved first; if the start fails, the reconciler starts it from what was saved.
  try {
    await startRecruitment(registration);
  } catch (error) {
    // The same submission again, whose workflow is already under way.
    if (resubmitted && error instanceof ExecutionAlreadyExists) return registered;
    logger.warn("Recruitment not started; the reconciler will start it", {
      registrationId: registration.id,
      error: error as Error,
    });
  }
  logger.info(resubmitted ? "Registration resubmitted; answered with the first" : "Registration accepted", {
    registrationId: registration.id,
    villageCode: registration.villageCode,
  });
  return registered;
}

function acceptedAnswer({ id, status, receiptCode }: Registered): Accepted {
  return {
    id,
    receiptCode,
    status,
    statusUrl: `${settings().publicBaseUrl}/v1/registrations/${id}?receipt=${receiptCode}`,
  };
}

/**
 * The one registration operation, for the JSON API and the web form alike: with a key (the
 * `Idempotency-Key` header, or the form's own `formKey`) a retry replays the first answer.
 */
export async function submitRegistration(
  input: RegistrationInput,
  key: string | undefined,
): Promise<Accepted> {
  return acceptedAnswer(await register(input, key));
}

/** What the applicant may see of their registration: the JSON answer, and the status page's data. */
export async function registrationView(registration: Registration) {
  const history = await listEvents(registration.id);
  return {
    id: registration.id,
    status: registration.status,
    statusLabel: statusLabels[registration.status],
    stage: registration.stage,
    stageLabel: stageLabels[registration.stage],
    village: describeRegion(registration.villageCode),
    submittedAt: registration.createdAt,
    ...(registration.rejectionReason ? { rejectionReason: registration.rejectionReason } : {}),
    ...(registration.memberNumber ? { memberNumber: registration.memberNumber } : {}),
    history: history.map((e) => ({ at: e.at, event: e.event, label: eventLabels[e.event] ?? e.event })),
  };
}

export type RegistrationView = Awaited<ReturnType<typeof registrationView>>;

const notFound = () =>
  new AppError(
    "not-found",
    "Pendaftaran tidak ditemukan",
    "Periksa kembali nomor pendaftaran dan kode tanda terima Anda.",
  );

/** An id or receipt code of a shape that cannot exist answers as an unknown one, before any read. */
const validLookup = validParams(
  { id: RegistrationId },
  (c) => {
    if (wantsPage(c)) return unknownStatusPage(c, "registration");
    throw notFound();
  },
  { receipt: ReceiptCode },
);

export const registrations = new Hono()
  .post("/", async (c) => {
    const key = idempotencyKey(c.req.header("Idempotency-Key"));
    const input = validateRegistration(await readBody(c), now());
    const accepted = await submitRegistration(input, key);
    return c.json(accepted, 202, { Location: accepted.statusUrl });
  })
  .get("/:id", validLookup, async (c) => {
    const receipt = c.req.query("receipt") ?? "";
    const registration = await getRegistration(c.req.param("id"));
    // Unknown id and wrong code answer alike: the answer must not confirm that an id exists.
    if (!registration || !receipt || !receiptMatches(registration, receipt)) {
      if (wantsPage(c)) return unknownStatusPage(c, "registration");
      throw notFound();
    }
    const view = await registrationView(registration);
    c.header("Cache-Control", "no-store");
    if (wantsPage(c)) return registrationStatusPage(c, view, registration.villageCode);
    return c.json(view);
  });
