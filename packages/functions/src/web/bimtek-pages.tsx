import { getCertificate } from "@sigap/core/bimtek/certificates";
import { enrolmentUrl, LINK_CODE_PATTERN } from "@sigap/core/bimtek/links";
import { enrolmentStatusLabels, levelLabels, sessionFacts } from "@sigap/core/bimtek/messages";
import type { BimtekSession } from "@sigap/core/bimtek/model";
import { EnrolmentForm } from "@sigap/core/bimtek/schema";
import { enrolmentOpen, getSession, listSessions, seatsLeft } from "@sigap/core/bimtek/sessions";
import {
  childRegions,
  normalizeRegionCode,
  regionExists,
  regionLevel,
  regionName,
} from "@sigap/core/region/regions";
import { formatLocalTime } from "@sigap/core/time";
import { parseOrThrow } from "@sigap/core/validation/parse";
import { type Context, Hono } from "hono";
import type { FC } from "hono/jsx";
import * as v from "valibot";
import { type Enrolled, submitEnrolment } from "../api/bimtek";
import { readBody } from "../api/body";
import { SessionId } from "../api/params";
import {
  ErrorSummary,
  type Errors,
  errorsByField,
  FormKey,
  FormNotices,
  firstInvalid,
  ReceiptPanel,
  SelectField,
  TextField,
} from "./fields";
import { formKeyOf, newFormKey, type Refusal, sitePath, submitForm, textOf } from "./form-submission";
import { Facts, Page } from "./layout";

/**
 * The Bimtek pages people open in a browser, with no JavaScript needed:
 * - `GET /bimtek`: choose a province, then its kabupaten/kota (Bimtek dasar) or the province itself
 *   (Bimtek lanjutan), and see the sessions still open, times in the region's local time;
 * - `GET/POST /bimtek/:id`: one session and its enrolment form (registration number + receipt code).
 *   The form carries its own idempotency key, used as the JSON API's Idempotency-Key, so a double
 *   click or a resubmitted page replays the first answer;
 * - `GET /sertifikat`: a certificate's verification code → its public page.
 */

// ---------------------------------------------------------------------------------------------
// Session list

/** A region that organises Bimtek: a kabupaten/kota (dasar) or a province (lanjutan). */
function organiser(raw: string | undefined): string | undefined {
  const code = normalizeRegionCode(raw ?? "");
  if (!code || !regionExists(code)) return undefined;
  return regionLevel(code) === "district" || regionLevel(code) === "province" ? code : undefined;
}

const levelOf = (code: string) => (regionLevel(code) === "province" ? "lanjutan" : "dasar");

const provinceChoices = () =>
  childRegions().map((code) => ({ value: code, label: regionName(code) ?? code }));

/** The province's own lanjutan first, then each kabupaten/kota's dasar. */
const organiserChoices = (province: string) => [
  { value: province, label: `${regionName(province) ?? province} (provinsi): ${levelLabels.lanjutan}` },
  ...childRegions(province).map((code) => ({
    value: code,
    label: `${regionName(code) ?? code}: ${levelLabels.dasar}`,
  })),
];

const seatsText = (s: BimtekSession) => {
  const left = seatsLeft(s);
  return left > 0 ? `${left} dari ${s.capacity} kursi tersisa` : `Kursi penuh (${s.capacity} kursi)`;
};

const waitingText = (s: BimtekSession) =>
  s.waiting > 0 ? `${s.waiting} orang dalam daftar tunggu` : "Belum ada daftar tunggu";

const SessionCard: FC<{ session: BimtekSession }> = ({ session: s }) => (
  <li>
    <h3>
      <a href={`/bimtek/${s.id}`}>{s.title}</a>
    </h3>
    <Facts
      items={[
        { label: "Tingkat", value: levelLabels[s.level] },
        { label: "Tempat", value: s.venue },
        { label: "Mulai", value: formatLocalTime(s.startsAt, s.regionCode) },
        { label: "Selesai", value: formatLocalTime(s.endsAt, s.regionCode) },
        { label: "Pendaftaran ditutup", value: formatLocalTime(s.enrolmentClosesAt, s.regionCode) },
        { label: "Kursi", value: seatsText(s) },
        { label: "Daftar tunggu", value: waitingText(s) },
      ]}
    />
    <p>
      <a href={`/bimtek/${s.id}`}>Lihat sesi dan daftar</a>
    </p>
  </li>
);

const SessionListPage: FC<{
  province: string | undefined;
  region: string | undefined;
  sessions: BimtekSession[];
  errors: Errors;
}> = ({ province, region, sessions, errors }) => (
  <Page title="Jadwal Bimtek">
    <h1>Jadwal Bimtek PSM</h1>
    <p>
      Bimtek dasar diselenggarakan oleh Dinas Sosial kabupaten/kota untuk calon PSM; Bimtek lanjutan oleh
      Dinas Sosial provinsi untuk PSM aktif. Pilih provinsi, lalu penyelenggaranya.
    </p>
    <ErrorSummary errors={errors} labels={{ provinsi: "Provinsi", wilayah: "Penyelenggara" }} />
    <form method="get" action="/bimtek">
      <SelectField
        name="provinsi"
        label="Provinsi"
        choices={provinceChoices()}
        value={province}
        error={errors.get("provinsi")}
        focus={firstInvalid(errors, ["provinsi", "wilayah"]) === "provinsi"}
        required
      />
      <p>
        <button type="submit" class="secondary">
          Pilih provinsi
        </button>
      </p>
    </form>
    {province ? (
      <form method="get" action="/bimtek">
        <input type="hidden" name="provinsi" value={province} />
        <SelectField
          name="wilayah"
          label="Penyelenggara"
          hint="Kabupaten/kota untuk Bimtek dasar, provinsi untuk Bimtek lanjutan."
          choices={organiserChoices(province)}
          value={region}
          error={errors.get("wilayah")}
          focus={firstInvalid(errors, ["provinsi", "wilayah"]) === "wilayah"}
          required
        />
        <p>
          <button type="submit">Lihat sesi</button>
        </p>
      </form>
    ) : null}
    {region ? (
      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">
          {levelLabels[levelOf(region)]} oleh {regionName(region) ?? region}
        </h2>
        {sessions.length === 0 ? (
          <p>Belum ada sesi yang dibuka untuk pendaftaran. Silakan periksa kembali nanti.</p>
        ) : (
          <ul class="cards">
            {sessions.map((s) => (
              <SessionCard session={s} />
            ))}
          </ul>
        )}
      </section>
    ) : null}
  </Page>
);

async function listPage(c: Context) {
  const errors: Errors = new Map();
  const askedProvince = c.req.query("provinsi");
  const askedRegion = c.req.query("wilayah");
  let region = askedRegion ? organiser(askedRegion) : undefined;
  if (askedRegion && !region) {
    errors.set("wilayah", "Pilih kabupaten/kota atau provinsi dari daftar.");
  }
  let province = region ? (region.split(".")[0] as string) : undefined;
  if (askedProvince) {
    const code = normalizeRegionCode(askedProvince);
    if (code && regionLevel(code) === "province" && regionExists(code)) {
      // The organiser form sends its province along: an organiser of another province is no
      // choice of that list (an edited or stale link), said beside the select rather than an
      // empty list.
      if (region && province !== code) {
        errors.set("wilayah", "Penyelenggara ini tidak berada di provinsi yang dipilih. Pilih dari daftar.");
        region = undefined;
      }
      province = code;
    } else {
      errors.set("provinsi", "Pilih provinsi dari daftar.");
    }
  }
  // Without a province the organiser select is not shown: the error goes where the person starts.
  if (!province && errors.has("wilayah") && !errors.has("provinsi")) {
    errors.set("provinsi", "Pilih provinsi, lalu penyelenggaranya.");
    errors.delete("wilayah");
  }
  const sessions = region
    ? await listSessions({ level: levelOf(region), regionCode: region, openOnly: true })
    : [];
  return c.html(
    <SessionListPage province={province} region={region} sessions={sessions} errors={errors} />,
    errors.size > 0 ? 422 : 200,
  );
}

// ---------------------------------------------------------------------------------------------
// One session and its enrolment form

const FIELD_ORDER = ["registrationId", "receiptCode"] as const;
const FIELD_LABELS = { registrationId: "Nomor pendaftaran", receiptCode: "Kode tanda terima" };

interface EnrolFormState {
  values: { registrationId?: string; receiptCode?: string };
  /** The refusal being answered: errors beside fields, a notice, or the key renewed. */
  refusal?: Refusal | undefined;
  formKey: string;
}

const freshForm = (): EnrolFormState => ({ values: {}, formKey: newFormKey() });

const SessionPage: FC<{ session: BimtekSession; form: EnrolFormState }> = ({ session, form }) => {
  const open = enrolmentOpen(session);
  const errors = errorsByField(form.refusal?.fieldErrors);
  const focus = firstInvalid(errors, FIELD_ORDER);
  return (
    <Page title={session.title} script={open}>
      <p class="back">
        <a href={`/bimtek?wilayah=${session.regionCode}`}>Kembali ke daftar sesi penyelenggara ini</a>
      </p>
      <h1>{session.title}</h1>
      <Facts
        items={[
          ...sessionFacts(session),
          {
            label: "Pendaftaran ditutup",
            value: formatLocalTime(session.enrolmentClosesAt, session.regionCode),
          },
          { label: "Kursi", value: seatsText(session) },
          { label: "Daftar tunggu", value: waitingText(session) },
          ...(session.speakers.length > 0
            ? [{ label: "Narasumber", value: session.speakers.map((s) => s.name).join(", ") }]
            : []),
        ]}
      />
      {open ? (
        <>
          <h2 id="enrol-title">Daftar sebagai peserta</h2>
          <p class="note">
            {session.level === "dasar"
              ? "Untuk calon PSM yang sudah direkomendasikan kepala desa/lurah, dari kabupaten/kota penyelenggara."
              : "Untuk PSM aktif dari provinsi penyelenggara yang sudah menyelesaikan Bimtek dasar."}{" "}
            Bila kursi penuh, Anda masuk daftar tunggu dan akan ditawari kursi yang kosong.
          </p>
          <FormNotices refusal={form.refusal} submitLabel="Daftar" heading="h3" />
          <ErrorSummary errors={errors} labels={FIELD_LABELS} />
          <form method="post" action={`/bimtek/${session.id}`} aria-labelledby="enrol-title" novalidate>
            <FormKey value={form.formKey} />
            <TextField
              name="registrationId"
              label={FIELD_LABELS.registrationId}
              hint="12 huruf/angka, dari email tanda terima pendaftaran PSM Anda."
              value={form.values.registrationId}
              error={errors.get("registrationId")}
              focus={focus === "registrationId"}
              autocomplete="off"
              maxlength={12}
              required
            />
            <TextField
              name="receiptCode"
              label={FIELD_LABELS.receiptCode}
              hint="Kode tanda terima dari email yang sama, misalnya ABCD-2345."
              value={form.values.receiptCode}
              error={errors.get("receiptCode")}
              focus={focus === "receiptCode"}
              autocomplete="off"
              maxlength={32}
              required
            />
            <button type="submit">Daftar</button>
          </form>
        </>
      ) : (
        <p class="gone" role="status">
          {session.status === "cancelled"
            ? "Sesi ini dibatalkan oleh penyelenggara."
            : "Pendaftaran untuk sesi ini sudah ditutup."}
        </p>
      )}
    </Page>
  );
};

const EnrolledPage: FC<{ session: BimtekSession; enrolled: Enrolled }> = ({ session, enrolled }) => (
  <Page title="Pendaftaran Bimtek diterima">
    <ReceiptPanel
      heading="Pendaftaran Bimtek diterima"
      lead={
        enrolled.status === "confirmed"
          ? "Anda mendapat kursi pada sesi ini."
          : enrolled.status === "waitlisted"
            ? `Kursi sedang penuh: Anda masuk daftar tunggu${enrolled.position ? ` nomor ${enrolled.position}` : ""}. Bila ada kursi kosong, kursi itu ditawarkan kepada Anda.`
            : enrolmentStatusLabels[enrolled.status]
      }
      keep="Simpan nomor ini dan tautan halaman pendaftaran Bimtek Anda (juga dikirim lewat email): di sana Anda dapat melihat status, membatalkan pendaftaran, atau menjawab tawaran kursi. Jangan bagikan tautan itu kepada orang lain."
      codes={[{ label: "Nomor pendaftaran Bimtek", value: enrolled.enrollmentId }]}
      link={{
        href: sitePath(enrolmentUrl(enrolled.enrollmentId)),
        label: "Buka halaman pendaftaran Bimtek Anda",
      }}
    >
      <Facts
        items={[
          { label: "Status", value: enrolmentStatusLabels[enrolled.status] },
          ...(enrolled.position
            ? [{ label: "Urutan dalam daftar tunggu", value: String(enrolled.position) }]
            : []),
          ...sessionFacts(session),
        ]}
      />
    </ReceiptPanel>
  </Page>
);

const SessionNotFound: FC = () => (
  <Page title="Sesi tidak ditemukan">
    <h1>Sesi Bimtek tidak ditemukan</h1>
    <p>Sesi ini tidak ada atau alamatnya terpotong.</p>
    <p>
      <a href="/bimtek">Lihat jadwal Bimtek</a>
    </p>
  </Page>
);

const sessionNotFound = (c: Context) => c.html(<SessionNotFound />, 404);

async function enrolFromPage(c: Context, sessionId: string) {
  const body = await readBody(c);
  const values = { registrationId: textOf(body, "registrationId"), receiptCode: textOf(body, "receiptCode") };
  const formKey = formKeyOf(body);
  // The same submit and idempotency records as `POST /v1/bimtek/:id/enrollments`.
  const outcome = await submitForm(formKey, () =>
    submitEnrolment({ sessionId, ...parseOrThrow(EnrolmentForm, values) }, formKey),
  );
  if (outcome.refusal?.kind === "not-found") return sessionNotFound(c);
  // The session is read once, after the outcome: the page shows it as it is now (seats taken, a
  // close or a cancellation meanwhile); the operation reads it for itself.
  const session = await getSession(sessionId);
  if (!session) return sessionNotFound(c);
  if (outcome.accepted) return c.html(<EnrolledPage session={session} enrolled={outcome.accepted} />);
  return c.html(
    <SessionPage session={session} form={{ values, refusal: outcome.refusal, formKey: outcome.formKey }} />,
    outcome.refusal.status,
  );
}

// ---------------------------------------------------------------------------------------------
// Certificate verification

const CertificateFormPage: FC<{ value?: string; error?: string }> = ({ value, error }) => (
  <Page title="Periksa sertifikat Bimtek">
    <h1>Periksa sertifikat Bimtek</h1>
    <p>Masukkan kode verifikasi yang tercetak pada sertifikat untuk memeriksa keasliannya.</p>
    <ErrorSummary
      errors={errorsByField(error ? [{ field: "kode", message: error }] : [])}
      labels={{ kode: "Kode verifikasi" }}
    />
    <form method="get" action="/sertifikat" novalidate>
      <TextField
        name="kode"
        label="Kode verifikasi"
        hint="22 huruf/angka, atau tempel tautan verifikasi dari sertifikat."
        value={value}
        error={error}
        focus={Boolean(error)}
        autocomplete="off"
        required
      />
      <button type="submit">Periksa</button>
    </form>
  </Page>
);

/** The code from what a person pastes: the code itself, or the whole verification link. */
function verificationCode(input: string): string {
  const trimmed = input.trim();
  const link = trimmed.indexOf("/certificates/");
  if (link === -1) return trimmed;
  return trimmed.slice(link + "/certificates/".length).split(/[/?#]/)[0] ?? "";
}

async function certificatePage(c: Context) {
  const asked = c.req.query("kode");
  if (asked === undefined) return c.html(<CertificateFormPage />);
  const value = asked.slice(0, 300);
  const code = verificationCode(value);
  if (!LINK_CODE_PATTERN.test(code)) {
    return c.html(
      <CertificateFormPage value={value} error="Kode verifikasi terdiri dari 22 huruf, angka, - atau _." />,
      422,
    );
  }
  if (!(await getCertificate(code))) {
    return c.html(
      <CertificateFormPage
        value={value}
        error="Kode verifikasi ini tidak dikenal. Periksa kembali kodenya."
      />,
      404,
    );
  }
  return c.redirect(`/v1/certificates/${code}`, 303);
}

// ---------------------------------------------------------------------------------------------

export const bimtekPages = new Hono()
  .get("/bimtek", listPage)
  .get("/bimtek/:id", async (c) => {
    const id = c.req.param("id");
    const session = v.is(SessionId, id) ? await getSession(id) : undefined;
    if (!session) return sessionNotFound(c);
    return c.html(<SessionPage session={session} form={freshForm()} />);
  })
  .post("/bimtek/:id", async (c) => {
    const id = c.req.param("id");
    if (!v.is(SessionId, id)) return sessionNotFound(c);
    return enrolFromPage(c, id);
  })
  .get("/sertifikat", certificatePage);
