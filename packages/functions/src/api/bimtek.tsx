import { enrol, getEnrolment, waitingPosition } from "@sigap/core/bimtek/enrolment";
import { certificateUrl, enrolmentCodeMatches, enrolmentUrl } from "@sigap/core/bimtek/links";
import { enrolmentStatusLabels, levelLabels, sessionFacts } from "@sigap/core/bimtek/messages";
import {
  BIMTEK_LEVELS,
  type BimtekLevel,
  type BimtekSession,
  type Enrolment,
  isActiveEnrolment,
} from "@sigap/core/bimtek/model";
import { answerOffer, OfferDecision } from "@sigap/core/bimtek/offer";
import { EnrolmentForm } from "@sigap/core/bimtek/schema";
import { withdrawEnrolment } from "@sigap/core/bimtek/session-events";
import { getSession, listSessions, seatsLeft } from "@sigap/core/bimtek/sessions";
import { startOffers } from "@sigap/core/bimtek/workflow";
import { nowIso } from "@sigap/core/clock";
import { AppError } from "@sigap/core/error";
import { keyedSubmission } from "@sigap/core/record/idempotency";
import { describeRegion, normalizeRegionCode, regionExists, regionLevel } from "@sigap/core/region/regions";
import { formatLocalTime } from "@sigap/core/time";
import { parseOrThrow } from "@sigap/core/validation/parse";
import { type Context, Hono } from "hono";
import type { FC } from "hono/jsx";
import * as v from "valibot";
import { ChoiceField, ErrorSummary, errorsByField } from "../web/fields";
import { sitePath } from "../web/form-submission";
import { Facts, Page } from "../web/layout";
import { readBody } from "./body";
import { idempotencyKey } from "./idempotency";
import { unknownLinkPage, wantsPage } from "./pages";
import { EnrollmentId, LinkCode, SessionId, validParams } from "./params";

/**
 * Public Bimtek routes: the list of open sessions, enrolment (JSON or a plain form), and the
 * participant's own page behind the derived link code (status; cancel; accept or decline an offered
 * seat). The code is never logged: only ids are.
 */

const sessionNotFound = () => new AppError("not-found", "Sesi Bimtek tidak ditemukan");

/** A session as the public list shows it. */
export const publicSession = (s: BimtekSession) => ({
  id: s.id,
  level: s.level,
  levelLabel: levelLabels[s.level],
  title: s.title,
  regionCode: s.regionCode,
  region: describeRegion(s.regionCode),
  venue: s.venue,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  enrolmentClosesAt: s.enrolmentClosesAt,
  capacity: s.capacity,
  seatsLeft: seatsLeft(s),
  waiting: s.waiting,
  speakers: s.speakers.map((speaker) => ({ name: speaker.name })),
});

export interface Enrolled {
  enrollmentId: string;
  status: Enrolment["status"];
  position: number | null;
}

interface EnrolmentRequest {
  sessionId: string;
  registrationId: string;
  receiptCode: string;
}

/** The answer (no link code: it is derived on the way out). A keyed retry answers the enrolment as it stands. */
async function enrolOperation(body: EnrolmentRequest, key: string | undefined) {
  const { enrolment, position, offered } = await enrol(
    body,
    key ? keyedSubmission("bimtek-enrolments", key, body) : undefined,
  );
  await startOffers(offered ?? []);
  return {
    enrollmentId: enrolment.id,
    status: enrolment.status,
    position: position ?? null,
  } satisfies Enrolled;
}

/**
 * The one enrolment submit, for `POST /v1/bimtek/:id/enrollments` and the `/bimtek/:id` page: with
 * a key (the Idempotency-Key header or the form's own key), a retry replays the first answer.
 */
export function submitEnrolment(request: EnrolmentRequest, key: string | undefined): Promise<Enrolled> {
  return enrolOperation(request, key);
}

const CANCELLED = "Pendaftaran Anda sudah dibatalkan.";
const LAPSED = "Batas waktu untuk menjawab tawaran ini sudah lewat.";

/** A JSON body: an API client, whatever it accepts. */
const isJsonBody = (c: Context) =>
  (c.req.header("Content-Type") ?? "").toLowerCase().startsWith("application/json");

const unknownLink = () =>
  new AppError(
    "not-found",
    "Tautan tidak dikenal",
    "Periksa kembali tautan pada email Anda; mungkin terpotong.",
  );

/** An unknown, malformed or wrong link: the page for a browser, a problem document otherwise. */
function unknownLinkAnswer(c: Context) {
  if (wantsPage(c)) return unknownLinkPage(c);
  throw unknownLink();
}

/** The enrolment behind the link, or undefined for an unknown id or a wrong code (answered alike). */
async function linkedEnrolment(c: Context): Promise<Enrolment | undefined> {
  const id = c.req.param("id") ?? "";
  const code = c.req.query("code") ?? "";
  if (!v.is(LinkCode, code) || !enrolmentCodeMatches(id, code)) return undefined;
  return getEnrolment(id);
}

const validEnrolmentLink = validParams({ id: EnrollmentId }, unknownLinkAnswer, { code: LinkCode });

function offerOpen(e: Enrolment): boolean {
  return e.status === "offered" && e.offerExpiresAt !== undefined && nowIso() < e.offerExpiresAt;
}

/** The forms the participant's page shows, each only where it applies. */
interface EnrolmentForms {
  /** The offer is open: accept or decline (posted here), with the refusal of an empty answer. */
  offer?: { action: string; error?: string | undefined };
  /** The enrolment can still be cancelled: a link to the confirmation (a GET changes nothing). */
  cancelAsk?: string;
  /** The confirmation: one button that cancels, and the way back. */
  cancelConfirm?: { action: string; back: string };
}

const EnrolmentView: FC<{
  rows: Array<{ label: string; value: string }>;
  notice: string | undefined;
  certificate: string | undefined;
  forms: EnrolmentForms;
}> = ({ rows, notice, certificate, forms }) => (
  <Page title={forms.cancelConfirm ? "Batalkan pendaftaran Bimtek?" : "Pendaftaran Bimtek"}>
    <h1>Pendaftaran Bimtek Anda</h1>
    {notice ? (
      <p class="gone" role="status">
        {notice}
      </p>
    ) : null}
    {forms.cancelConfirm ? (
      // First on the page, so at 360 px the question is what the person sees after the tap.
      <section class="gone confirm" aria-labelledby="cancel-title">
        <h2 id="cancel-title">Yakin membatalkan pendaftaran ini?</h2>
        <p>
          Kursi Anda akan ditawarkan kepada peserta lain dan tidak dapat dikembalikan. Bila ingin ikut lagi,
          Anda harus mendaftar ulang dan mungkin masuk daftar tunggu.
        </p>
        <form method="post" action={forms.cancelConfirm.action}>
          <p>
            <button type="submit">Ya, batalkan pendaftaran</button>
          </p>
        </form>
        <p>
          <a href={forms.cancelConfirm.back}>Tidak, kembali ke halaman pendaftaran</a>
        </p>
      </section>
    ) : null}
    <Facts items={rows} />
    {certificate ? (
      <p>
        <a href={certificate}>Lihat sertifikat Bimtek Anda</a>
      </p>
    ) : null}
    {forms.offer ? (
      <form method="post" action={forms.offer.action} novalidate>
        <ErrorSummary
          errors={errorsByField(forms.offer.error ? [{ field: "decision", message: forms.offer.error }] : [])}
          labels={{ decision: "Jawaban tawaran kursi" }}
        />
        <ChoiceField
          name="decision"
          legend="Kursi tersedia untuk Anda"
          required
          error={forms.offer.error}
          focus={Boolean(forms.offer.error)}
          choices={[
            { value: "accept", label: "Terima kursi" },
            { value: "decline", label: "Tolak kursi" },
          ]}
        />
        <p>
          <button type="submit">Kirim jawaban</button>
        </p>
      </form>
    ) : null}
    {forms.cancelAsk ? (
      <>
        <p class="note">
          Berhalangan hadir? Batalkan pendaftaran agar kursi dapat ditawarkan kepada peserta lain.
        </p>
        <p>
          <a class="button secondary" href={forms.cancelAsk}>
            Batalkan pendaftaran
          </a>
        </p>
      </>
    ) : null}
  </Page>
);

/** What the participant's page says besides the enrolment itself. */
interface PageOptions {
  notice?: string;
  status?: 200 | 409 | 410 | 422;
  offerError?: string;
  /** `?batal=ya`: the cancel link was followed; ask before cancelling. */
  confirmCancel?: boolean;
}

/** The participant's page (a browser) or its JSON: status, session, position, and the forms that apply. */
async function enrolmentPage(c: Context, e: Enrolment, options: PageOptions = {}) {
  const { notice, status = 200 } = options;
  // A refusal asked for by an API client is a problem document, like every other refusal of the API.
  if (!wantsPage(c) && status !== 200) {
    throw status === 410
      ? new AppError("gone", "Batas waktu sudah lewat", notice)
      : new AppError("conflict", "Pendaftaran tidak dapat diubah", notice);
  }
  const session = await getSession(e.sessionId);
  const position = await waitingPosition(e);
  // Completed: the certificate's public page, so its verification code is not only in one email.
  const certificate = e.status === "completed" ? certificateUrl(e.id) : undefined;
  if (!wantsPage(c)) {
    return c.json(
      {
        enrollmentId: e.id,
        status: e.status,
        statusLabel: enrolmentStatusLabels[e.status],
        position: position ?? null,
        ...(e.offerExpiresAt && e.status === "offered" ? { offerExpiresAt: e.offerExpiresAt } : {}),
        ...(certificate ? { certificateUrl: certificate } : {}),
        session: session ? publicSession(session) : null,
        ...(notice ? { notice } : {}),
      },
      200,
    );
  }
  const page = sitePath(enrolmentUrl(e.id));
  const action = (what: string) => page.replace("?", `/${what}?`);
  // Once the session has started a participant no longer cancels (the organiser does).
  const cancellable = isActiveEnrolment(e) && session !== undefined && nowIso() < session.startsAt;
  const forms: EnrolmentForms = {
    ...(offerOpen(e) ? { offer: { action: action("offer"), error: options.offerError } } : {}),
    ...(cancellable && options.confirmCancel
      ? { cancelConfirm: { action: action("cancellation"), back: page } }
      : cancellable
        ? { cancelAsk: `${page}&batal=ya` }
        : {}),
  };
  const rows = [
    { label: "Nomor pendaftaran Bimtek", value: e.id },
    { label: "Status", value: enrolmentStatusLabels[e.status] },
    ...(position ? [{ label: "Urutan dalam daftar tunggu", value: String(position) }] : []),
    ...(session && e.status === "offered" && e.offerExpiresAt
      ? [{ label: "Batas menjawab tawaran", value: formatLocalTime(e.offerExpiresAt, session.regionCode) }]
      : []),
    ...(session ? sessionFacts(session) : []),
  ];
  return c.html(
    <EnrolmentView
      rows={rows}
      notice={notice}
      certificate={certificate ? sitePath(certificate) : undefined}
      forms={forms}
    />,
    status,
  );
}

export const ListQuery = v.object({
  regionCode: v.pipe(
    v.string("Kode wilayah wajib diisi."),
    v.transform((code) => normalizeRegionCode(code) ?? ""),
    v.check(
      (code) =>
        code !== "" && regionExists(code) && ["district", "province"].includes(regionLevel(code) ?? ""),
      "Gunakan kode kabupaten/kota (Bimtek dasar) atau provinsi (Bimtek lanjutan) yang terdaftar.",
    ),
  ),
  level: v.optional(v.picklist(BIMTEK_LEVELS, "Tingkat Bimtek harus dasar atau lanjutan.")),
});

export const bimtek = new Hono()
  .get("/", async (c) => {
    // A browser following an email's "sessions still open" link gets the page, not JSON.
    if (wantsPage(c)) {
      const region = c.req.query("regionCode");
      return c.redirect(region ? `/bimtek?wilayah=${encodeURIComponent(region)}` : "/bimtek", 303);
    }
    const query = parseOrThrow(ListQuery, {
      regionCode: c.req.query("regionCode"),
      ...(c.req.query("level") !== undefined ? { level: c.req.query("level") } : {}),
    });
    // A kabupaten/kota organises dasar, a province lanjutan.
    const level: BimtekLevel =
      query.level ?? (regionLevel(query.regionCode) === "province" ? "lanjutan" : "dasar");
    const sessions = await listSessions({ level, regionCode: query.regionCode, openOnly: true });
    return c.json({ items: sessions.map(publicSession) });
  })
  .post(
    "/:id/enrollments",
    validParams({ id: SessionId }, () => {
      throw sessionNotFound();
    }),
    async (c) => {
      const key = idempotencyKey(c.req.header("Idempotency-Key"));
      const form = parseOrThrow(EnrolmentForm, await readBody(c));
      const enrolled = await submitEnrolment({ sessionId: c.req.param("id"), ...form }, key);
      const statusUrl = enrolmentUrl(enrolled.enrollmentId);
      // A plain HTML form in a browser lands on the participant's own page.
      if (wantsPage(c) && !isJsonBody(c)) return c.redirect(statusUrl, 303);
      return c.json({ ...enrolled, statusUrl }, 201, { Location: statusUrl });
    },
  )
  .get("/enrollments/:id", validEnrolmentLink, async (c) => {
    const e = await linkedEnrolment(c);
    if (!e) return unknownLinkAnswer(c);
    return enrolmentPage(c, e, { confirmCancel: c.req.query("batal") === "ya" });
  })
  .post("/enrollments/:id/cancellation", validEnrolmentLink, async (c) => {
    const e = await linkedEnrolment(c);
    if (!e) return unknownLinkAnswer(c);
    // Cancelled already (a double click, a reload, a second tab): answered as the first time.
    if (e.status === "cancelled") return enrolmentPage(c, e, { notice: CANCELLED });
    if (!isActiveEnrolment(e)) {
      return enrolmentPage(c, e, {
        notice: "Pendaftaran ini sudah berakhir; tidak ada yang dibatalkan.",
        status: 409,
      });
    }
    try {
      // Refuses on the write once the session has started (checked there, not on an earlier read).
      await withdrawEnrolment(e.id, "participant");
    } catch (error) {
      if (!(error instanceof AppError) || error.kind !== "conflict" || !wantsPage(c)) throw error;
      return enrolmentPage(c, (await getEnrolment(e.id)) ?? e, { notice: error.message, status: 409 });
    }
    return enrolmentPage(c, (await getEnrolment(e.id)) ?? e, { notice: CANCELLED });
  })
  .post("/enrollments/:id/offer", validEnrolmentLink, async (c) => {
    const e = await linkedEnrolment(c);
    if (!e) return unknownLinkAnswer(c);
    const form = await readBody(c);
    if (e.status !== "offered") {
      return enrolmentPage(c, e, {
        notice: "Tawaran kursi ini sudah dijawab atau sudah berakhir.",
        status: 409,
      });
    }
    if (!offerOpen(e)) {
      return enrolmentPage(c, e, { notice: LAPSED, status: 410 });
    }
    let decision: v.InferOutput<typeof OfferDecision>["decision"];
    try {
      ({ decision } = parseOrThrow(OfferDecision, form, "Jawaban belum dipilih"));
    } catch (error) {
      // A browser gets its page again, the message beside the choice; an API client the problem.
      if (!(error instanceof AppError) || !wantsPage(c)) throw error;
      return enrolmentPage(c, e, { offerError: error.errors?.[0]?.message ?? error.title, status: 422 });
    }
    // The one decide path (stored first, then handed to the waiting offer workflow); at the deadline
    // either the answer or the lapse wins, and the page says which.
    const { outcome, enrolment } = await answerOffer(e.id, decision);
    if (outcome === "lapsed") {
      return enrolmentPage(c, enrolment ?? e, { notice: LAPSED, status: 410 });
    }
    if (outcome === "already-answered") {
      return enrolmentPage(c, enrolment ?? e, { notice: "Tawaran kursi ini sudah dijawab.", status: 409 });
    }
    return enrolmentPage(c, enrolment ?? e, {
      notice:
        decision === "accept"
          ? "Terima kasih, jawaban Anda tercatat: Anda menerima kursi ini."
          : "Terima kasih, jawaban Anda tercatat: Anda menolak kursi ini.",
    });
  });
