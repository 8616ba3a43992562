import { enrol, getEnrolment, waitingPosition } from "@sigap/core/bimtek/enrolment";
import { certificateUrl, enrolmentCodeMatches, enrolmentUrl } from "@sigap/core/bimtek/links";
import { enrolmentStatusLabels, levelLabels, sessionFacts } from "@sigap/core/bimtek/messages";
import {
  BIMTEK_LEVELS,
  type BimtekLevel,
  type BimtekSession,
  type Enrolment,
} from "@sigap/core/bimtek/model";
import { answerOffer } from "@sigap/core/bimtek/offer";
import { EnrolmentForm } from "@sigap/core/bimtek/schema";
import { withdrawEnrolment } from "@sigap/core/bimtek/session-events";
import { getSession, listSessions, seatsLeft } from "@sigap/core/bimtek/sessions";
import { startOffers } from "@sigap/core/bimtek/workflow";
import { nowIso } from "@sigap/core/clock";
import { AppError } from "@sigap/core/error";
import { describeRegion, normalizeRegionCode, regionExists, regionLevel } from "@sigap/core/region/regions";
import { formatLocalTime } from "@sigap/core/time";
import { parseOrThrow } from "@sigap/core/validation/parse";
import type { Context as LambdaContext } from "aws-lambda";
import { type Context, Hono } from "hono";
import type { FC } from "hono/jsx";
import * as v from "valibot";
import { ChoiceField } from "../web/fields";
import { Facts, Page } from "../web/layout";
import { readBody } from "./body";
import { idempotencyKey, idempotent } from "./idempotency";
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

/** What the idempotency record keeps: no link code (it is derived on the way out). */
export async function enrolOperation(body: {
  sessionId: string;
  registrationId: string;
  receiptCode: string;
}) {
  const { enrolment, position, offered } = await enrol(body);
  await startOffers(offered ?? []);
  return {
    enrollmentId: enrolment.id,
    status: enrolment.status,
    position: position ?? null,
  } satisfies Enrolled;
}
export const enrolOnce = idempotent("bimtek-enrolments", enrolOperation);

const wantsJson = (c: Context) => (c.req.header("Accept") ?? "").includes("application/json");
const isForm = (c: Context) =>
  !(c.req.header("Content-Type") ?? "").toLowerCase().startsWith("application/json");

/** The enrolment behind the link, or undefined for an unknown id or a wrong code (answered alike). */
async function linkedEnrolment(c: Context): Promise<Enrolment | undefined> {
  const id = c.req.param("id") ?? "";
  const code = c.req.query("code") ?? "";
  if (!v.is(LinkCode, code) || !enrolmentCodeMatches(id, code)) return undefined;
  return getEnrolment(id);
}

const validEnrolmentLink = validParams({ id: EnrollmentId }, unknownLinkPage, { code: LinkCode });

function offerOpen(e: Enrolment): boolean {
  return e.status === "offered" && e.offerExpiresAt !== undefined && nowIso() < e.offerExpiresAt;
}

/**
 * A link of ours as a path on this site: links carry the public base URL (for emails), but a page
 * links and posts to its own origin (CSP `form-action 'self'`, and a local port differs from it).
 */
export function sitePath(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

const EnrolmentView: FC<{
  rows: Array<{ label: string; value: string }>;
  notice: string | undefined;
  offerAction: string | undefined;
  cancelAction: string | undefined;
  certificate: string | undefined;
}> = ({ rows, notice, offerAction, cancelAction, certificate }) => (
  <Page title="Pendaftaran Bimtek">
    <h1>Pendaftaran Bimtek Anda</h1>
    {notice ? (
      <p class="gone" role="status">
        {notice}
      </p>
    ) : null}
    <Facts items={rows} />
    {certificate ? (
      <p>
        <a href={certificate}>Lihat sertifikat Bimtek Anda</a>
      </p>
    ) : null}
    {offerAction ? (
      <form method="post" action={offerAction}>
        <ChoiceField
          name="decision"
          legend="Kursi tersedia untuk Anda"
          required
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
    {cancelAction ? (
      <form method="post" action={cancelAction}>
        <p class="note">
          Berhalangan hadir? Batalkan pendaftaran agar kursi dapat ditawarkan kepada peserta lain.
        </p>
        <p>
          <button type="submit">Batalkan pendaftaran</button>
        </p>
      </form>
    ) : null}
  </Page>
);

/** The participant's page: status, session, position, and the forms that apply. */
async function enrolmentPage(c: Context, e: Enrolment, notice?: string, status: 200 | 409 | 410 = 200) {
  const session = await getSession(e.sessionId);
  const position = await waitingPosition(e);
  const action = (what: string) => sitePath(enrolmentUrl(e.id).replace("?", `/${what}?`));
  // A refusal asked for as JSON is a problem document, like every other refusal of the API.
  if (wantsJson(c) && status !== 200) {
    throw status === 410
      ? new AppError("gone", "Batas waktu sudah lewat", notice)
      : new AppError("conflict", "Pendaftaran tidak dapat diubah", notice);
  }
  // Completed: the certificate's public page, so its verification code is not only in one email.
  const certificate = e.status === "completed" ? certificateUrl(e.id) : undefined;
  if (wantsJson(c)) {
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
      status,
    );
  }
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
      offerAction={offerOpen(e) ? action("offer") : undefined}
      cancelAction={
        ["confirmed", "waitlisted", "offered"].includes(e.status) ? action("cancellation") : undefined
      }
      certificate={certificate ? sitePath(certificate) : undefined}
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
      const body = { sessionId: c.req.param("id"), ...form };
      const lambdaContext = (c.env as { lambdaContext?: LambdaContext } | undefined)?.lambdaContext;
      const enrolled = key
        ? await enrolOnce(key, body, undefined, lambdaContext)
        : await enrolOperation(body);
      const statusUrl = enrolmentUrl(enrolled.enrollmentId);
      // A plain HTML form lands on the participant's own page.
      if (isForm(c) && !wantsJson(c)) return c.redirect(statusUrl, 303);
      return c.json({ ...enrolled, statusUrl }, 201, { Location: statusUrl });
    },
  )
  .get("/enrollments/:id", validEnrolmentLink, async (c) => {
    const e = await linkedEnrolment(c);
    if (!e) return unknownLinkPage(c);
    return enrolmentPage(c, e);
  })
  .post("/enrollments/:id/cancellation", validEnrolmentLink, async (c) => {
    const e = await linkedEnrolment(c);
    if (!e) return unknownLinkPage(c);
    if (!["confirmed", "waitlisted", "offered"].includes(e.status)) {
      return enrolmentPage(c, e, "Pendaftaran ini sudah berakhir; tidak ada yang dibatalkan.", 409);
    }
    const session = await getSession(e.sessionId);
    if (session && session.startsAt <= nowIso()) {
      return enrolmentPage(
        c,
        e,
        "Sesi sudah dimulai; pendaftaran tidak dapat dibatalkan lagi. Hubungi penyelenggara bila berhalangan.",
        409,
      );
    }
    await withdrawEnrolment(e.id, "participant");
    const now = (await getEnrolment(e.id)) ?? e;
    return enrolmentPage(c, now, "Pendaftaran Anda sudah dibatalkan.");
  })
  .post("/enrollments/:id/offer", validEnrolmentLink, async (c) => {
    const e = await linkedEnrolment(c);
    if (!e) return unknownLinkPage(c);
    const form = await readBody(c);
    const decision = form.decision;
    if (decision !== "accept" && decision !== "decline") {
      throw new AppError("validation", "Jawaban belum dipilih", "Pilih terima atau tolak.", [
        { field: "decision", message: "Pilih terima (accept) atau tolak (decline)." },
      ]);
    }
    if (e.status !== "offered") {
      return enrolmentPage(c, e, "Tawaran kursi ini sudah dijawab atau sudah berakhir.", 409);
    }
    if (!offerOpen(e)) {
      return enrolmentPage(c, e, "Batas waktu untuk menjawab tawaran ini sudah lewat.", 410);
    }
    // The one decide path (stored first, then handed to the waiting offer workflow); at the deadline
    // either the answer or the lapse wins, and the page says which.
    const { outcome, enrolment } = await answerOffer(e.id, decision);
    if (outcome === "lapsed") {
      return enrolmentPage(c, enrolment ?? e, "Batas waktu untuk menjawab tawaran ini sudah lewat.", 410);
    }
    if (outcome === "already-answered") {
      return enrolmentPage(c, enrolment ?? e, "Tawaran kursi ini sudah dijawab.", 409);
    }
    return enrolmentPage(
      c,
      enrolment ?? e,
      decision === "accept"
        ? "Terima kasih, jawaban Anda tercatat: Anda menerima kursi ini."
        : "Terima kasih, jawaban Anda tercatat: Anda menolak kursi ini.",
    );
  });
