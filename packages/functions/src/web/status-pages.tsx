import { CASE_ID_PATTERN } from "@sigap/core/case/keys";
import { REGISTRATION_ID_PATTERN } from "@sigap/core/registration/keys";
import { formatLocalTime } from "@sigap/core/time";
import { type Context, Hono } from "hono";
import type { FC } from "hono/jsx";
import { readBody } from "../api/body";
import type { TrackingView } from "../api/cases";
import type { RegistrationView } from "../api/registrations";
import { ErrorSummary, errorsByField, firstInvalid, TextField } from "./fields";
import { textOf } from "./form-submission";
import { Facts, Page } from "./layout";

/**
 * The pages behind the receipt and tracking links (`GET /v1/registrations/:id?receipt=`,
 * `GET /v1/cases/:id?tracking=` with `Accept: text/html`): the same data as the JSON, labelled in
 * Bahasa Indonesia, times in the village's local time. And `/status`, `/lacak`: small forms for
 * someone who lost the link but kept the number and code.
 */

type StatusKind = "registration" | "case";

const lookupPath: Record<StatusKind, string> = { registration: "/status", case: "/lacak" };

/** Unknown id, wrong code, or a shape that cannot exist: one page for all, revealing nothing. */
export function unknownStatusPage(c: Context, kind: StatusKind) {
  const what = kind === "registration" ? "Pendaftaran" : "Laporan";
  return c.html(
    <Page title={`${what} tidak ditemukan`}>
      <h1>{what} tidak ditemukan</h1>
      <p>
        {kind === "registration"
          ? "Periksa kembali nomor pendaftaran dan kode tanda terima Anda; tautan mungkin terpotong."
          : "Periksa kembali nomor laporan dan kode pelacakan Anda; tautan mungkin terpotong."}
      </p>
      <p>
        <a href={lookupPath[kind]}>Ketik nomor dan kode secara manual</a>
      </p>
    </Page>,
    404,
    // The caller asked `wantsPage`, which marks the answer `Vary: Accept`.
    { "Cache-Control": "no-store" },
  );
}

const Timeline: FC<{ items: Array<{ at: string; label?: string | undefined }>; regionCode: string }> = ({
  items,
  regionCode,
}) => (
  <ol class="timeline">
    {items.map((item) => (
      <li>
        <span class="when">{formatLocalTime(item.at, regionCode)}</span> {item.label}
      </li>
    ))}
  </ol>
);

export function registrationStatusPage(c: Context, view: RegistrationView, villageCode: string) {
  return c.html(
    <Page title="Status pendaftaran PSM">
      <h1>Status pendaftaran PSM</h1>
      <Facts
        items={[
          { label: "Nomor pendaftaran", value: view.id },
          { label: "Status", value: view.statusLabel },
          { label: "Tahap", value: view.stageLabel },
          { label: "Desa/kelurahan", value: view.village },
          { label: "Diajukan", value: formatLocalTime(view.submittedAt, villageCode) },
          ...(view.memberNumber ? [{ label: "Nomor anggota PSM", value: view.memberNumber }] : []),
          ...(view.rejectionReason ? [{ label: "Alasan penolakan", value: view.rejectionReason }] : []),
        ]}
      />
      <h2>Riwayat</h2>
      <Timeline items={view.history} regionCode={villageCode} />
      <p class="note">Halaman ini memuat kode tanda terima Anda: jangan bagikan tautannya.</p>
    </Page>,
  );
}

export function caseStatusPage(c: Context, view: TrackingView, villageCode: string) {
  return c.html(
    <Page title="Lacak laporan">
      <h1>Lacak laporan</h1>
      <Facts
        items={[
          { label: "Nomor laporan", value: view.id },
          { label: "Jenis", value: view.ppksTypeName },
          { label: "Ditangani oleh", value: view.levelLabel },
          ...("status" in view
            ? [
                { label: "Status", value: view.statusLabel },
                { label: "Desa/kelurahan", value: view.village },
                { label: "Dilaporkan", value: formatLocalTime(view.reportedAt, villageCode) },
                ...(view.outcomeLabel ? [{ label: "Hasil", value: view.outcomeLabel }] : []),
              ]
            : []),
        ]}
      />
      {"status" in view ? (
        <>
          <h2>Perkembangan</h2>
          <Timeline items={view.milestones} regionCode={villageCode} />
        </>
      ) : (
        <p>Untuk melindungi orang yang dilaporkan, rincian laporan jenis ini tidak ditampilkan di sini.</p>
      )}
      <p class="note">Halaman ini memuat kode pelacakan Anda: jangan bagikan tautannya.</p>
    </Page>,
  );
}

/**
 * A lookup form: number and code, sent by POST (so the code stays out of this page's URL, history
 * and logs), answered by a redirect to the status page.
 */
interface Lookup {
  kind: StatusKind;
  title: string;
  intro: string;
  idLabel: string;
  idHint: string;
  idPattern: RegExp;
  codeName: "receipt" | "tracking";
  codeLabel: string;
  statusPath: (id: string, code: string) => string;
}

const lookups: Record<StatusKind, Lookup> = {
  registration: {
    kind: "registration",
    title: "Cek status pendaftaran",
    intro: "Ketik nomor pendaftaran dan kode tanda terima dari halaman atau email tanda terima Anda.",
    idLabel: "Nomor pendaftaran",
    idHint: "12 huruf dan angka.",
    idPattern: REGISTRATION_ID_PATTERN,
    codeName: "receipt",
    codeLabel: "Kode tanda terima",
    statusPath: (id, code) => `/v1/registrations/${id}?receipt=${encodeURIComponent(code)}`,
  },
  case: {
    kind: "case",
    title: "Lacak laporan",
    intro: "Ketik nomor laporan dan kode pelacakan dari halaman atau email tanda terima laporan Anda.",
    idLabel: "Nomor laporan",
    idHint: "Diawali huruf c, 13 huruf dan angka.",
    idPattern: CASE_ID_PATTERN,
    codeName: "tracking",
    codeLabel: "Kode pelacakan",
    statusPath: (id, code) => `/v1/cases/${id}?tracking=${encodeURIComponent(code)}`,
  },
};

const LookupForm: FC<{ lookup: Lookup; id: string; code: string; errors: Map<string, string> }> = ({
  lookup,
  id,
  code,
  errors,
}) => {
  const focus = firstInvalid(errors, ["id", lookup.codeName]);
  return (
    <Page title={lookup.title}>
      <h1>{lookup.title}</h1>
      <ErrorSummary errors={errors} labels={{ id: lookup.idLabel, [lookup.codeName]: lookup.codeLabel }} />
      <p>{lookup.intro}</p>
      <form method="post" action={lookupPath[lookup.kind]} novalidate>
        <TextField
          name="id"
          label={lookup.idLabel}
          hint={lookup.idHint}
          value={id}
          error={errors.get("id")}
          focus={focus === "id"}
          autocomplete="off"
          maxlength={20}
          required
        />
        <TextField
          name={lookup.codeName}
          label={lookup.codeLabel}
          hint="Contoh: ABCD-2345."
          value={code}
          error={errors.get(lookup.codeName)}
          focus={focus === lookup.codeName}
          autocomplete="off"
          maxlength={32}
          required
        />
        <button type="submit">Lihat</button>
      </form>
    </Page>
  );
};

function lookupRoute(lookup: Lookup) {
  return async (c: Context) => {
    const body = await readBody(c);
    const rawId = textOf(body, "id");
    const rawCode = textOf(body, lookup.codeName);
    const id = rawId.trim().toLowerCase();
    const code = rawCode.trim();
    const errors = errorsByField([
      ...(id === "" ? [{ field: "id", message: `${lookup.idLabel} wajib diisi.` }] : []),
      ...(id !== "" && !lookup.idPattern.test(id)
        ? [{ field: "id", message: `${lookup.idLabel} tidak sesuai formatnya. ${lookup.idHint}` }]
        : []),
      ...(code === "" ? [{ field: lookup.codeName, message: `${lookup.codeLabel} wajib diisi.` }] : []),
      ...(code.length > 32
        ? [{ field: lookup.codeName, message: `${lookup.codeLabel} terlalu panjang.` }]
        : []),
    ]);
    if (errors.size > 0) {
      return c.html(<LookupForm lookup={lookup} id={rawId} code={rawCode} errors={errors} />, 422);
    }
    return c.redirect(lookup.statusPath(id, code), 303);
  };
}

const blankLookup = (lookup: Lookup) => (c: Context) =>
  c.html(<LookupForm lookup={lookup} id="" code="" errors={new Map()} />);

/** `GET/POST /status` and `GET/POST /lacak`. */
export const statusLookups = new Hono()
  .get("/status", blankLookup(lookups.registration))
  .post("/status", lookupRoute(lookups.registration))
  .get("/lacak", blankLookup(lookups.case))
  .post("/lacak", lookupRoute(lookups.case));
