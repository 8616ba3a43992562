import { now } from "@sigap/core/clock";
import { validateRegistration } from "@sigap/core/registration/schema";
import { Hono } from "hono";
import type { FC } from "hono/jsx";
import { readBody } from "../api/body";
import { type Accepted, submitRegistration } from "../api/registrations";
import {
  ChoiceField,
  EnterButton,
  ErrorSummary,
  errorsByField,
  FormKey,
  FormNotices,
  firstInvalid,
  ReceiptPanel,
  TextArea,
  TextField,
} from "./fields";
import { formKeyOf, newFormKey, type Refusal, sitePath, submitForm, textOf } from "./form-submission";
import { Page } from "./layout";
import {
  asksVillageSearch,
  NO_SEARCH,
  RegionPicker,
  searchAfterRefusal,
  searchVillage,
  type VillageSearch,
} from "./region-picker";

/**
 * `GET/POST /daftar`: the PSM registration form. It posts to itself and calls the same operation
 * as `POST /v1/registrations`; its `formKey` is the Idempotency-Key, so a double click or a
 * resubmitted page answers with the first receipt. Works with no script at all.
 */

/** Labels of the fields, in the order the form shows them (the error summary and focus follow it). */
const LABELS = {
  fullName: "Nama lengkap",
  nik: "NIK",
  gender: "Jenis kelamin",
  birthPlace: "Tempat lahir",
  birthDate: "Tanggal lahir",
  phone: "Nomor HP/WhatsApp",
  email: "Email",
  address: "Alamat",
  villageCode: "Desa/kelurahan",
  education: "Pendidikan terakhir",
  occupation: "Pekerjaan",
  motivation: "Motivasi menjadi PSM",
  consent: "Persetujuan",
} as const;
const ORDER = Object.keys(LABELS);

type Values = Partial<Record<keyof typeof LABELS, string>>;

interface FormState {
  formKey: string;
  values: Values;
  refusal?: Refusal | undefined;
  /** The village search box: its text, and its matches when "Cari desa" was pressed. */
  search: VillageSearch;
  searched?: boolean;
}

const valuesOf = (body: Record<string, unknown>): Values =>
  Object.fromEntries(ORDER.map((name) => [name, textOf(body, name)]));

/** A missing village says what to do, not which code is missing. */
const villageMessage = (values: Values, message: string | undefined) =>
  message && !values.villageCode
    ? "Pilih desa/kelurahan Anda: cari namanya, lalu pilih dari hasilnya."
    : message;

const RegistrationForm: FC<FormState> = ({ formKey, values, refusal, search, searched }) => {
  const errors = errorsByField(refusal?.fieldErrors);
  if (errors.has("villageCode"))
    errors.set("villageCode", villageMessage(values, errors.get("villageCode")) ?? "");
  // After a village search, the matches (or the search box) take the focus.
  const focus = searched ? "villageCode" : firstInvalid(errors, ORDER);
  const field = (name: keyof typeof LABELS) => ({
    name,
    label: LABELS[name],
    value: values[name],
    error: errors.get(name),
    focus: focus === name,
  });
  return (
    <Page title="Daftar sebagai PSM" script>
      <h1>Daftar sebagai Pekerja Sosial Masyarakat (PSM)</h1>
      <FormNotices refusal={refusal} submitLabel="Kirim pendaftaran" />
      <ErrorSummary errors={errors} labels={LABELS} />
      <p>
        Syarat: warga negara Indonesia berusia 18 tahun ke atas, ber-KTP desa/kelurahan tempat tinggal.
        Setelah mendaftar, kepala desa/lurah memberi rekomendasi, lalu Anda mengikuti Bimtek dasar.
      </p>
      <form method="post" action="/daftar" novalidate>
        <EnterButton label="Kirim pendaftaran" />
        <FormKey value={formKey} />
        <TextField {...field("fullName")} autocomplete="name" maxlength={100} required />
        <TextField
          {...field("nik")}
          hint="16 digit angka, seperti tertulis di KTP."
          inputmode="numeric"
          maxlength={16}
          required
        />
        <ChoiceField
          name="gender"
          legend={LABELS.gender}
          choices={[
            { value: "L", label: "Laki-laki" },
            { value: "P", label: "Perempuan" },
          ]}
          selected={values.gender ? [values.gender] : []}
          error={errors.get("gender")}
          focus={focus === "gender"}
          required
        />
        <TextField {...field("birthPlace")} maxlength={60} required />
        <TextField {...field("birthDate")} type="date" hint="Contoh: 1995-07-15." required />
        <TextField
          {...field("phone")}
          type="tel"
          inputmode="tel"
          autocomplete="tel"
          hint="Contoh: 0812-3456-7890."
          required
        />
        <TextField
          {...field("email")}
          type="email"
          autocomplete="email"
          hint="Tidak wajib. Kabar pendaftaran dikirim ke sini."
        />
        <TextArea
          {...field("address")}
          hint="Jalan, nomor, RT/RW. Minimal 10 huruf."
          autocomplete="street-address"
          maxlength={300}
          required
        />
        <RegionPicker
          value={values.villageCode}
          search={search}
          error={errors.get("villageCode")}
          focus={focus === "villageCode"}
          legend="Desa/kelurahan tempat tinggal (sesuai KTP)"
        />
        <TextField {...field("education")} hint="Contoh: SMA, D3, S1." maxlength={60} required />
        <TextField {...field("occupation")} maxlength={60} required />
        <TextArea {...field("motivation")} hint="Minimal 10 huruf." maxlength={1000} required />
        <ChoiceField
          name="consent"
          legend={LABELS.consent}
          multiple
          choices={[
            {
              value: "ya",
              label:
                "Saya setuju data saya diproses untuk pendaftaran PSM oleh Dinas Sosial dan pemerintah desa (UU 27/2022).",
            },
          ]}
          selected={values.consent ? ["ya"] : []}
          error={errors.get("consent")}
          focus={focus === "consent"}
        />
        <button type="submit" name="intent" value="kirim">
          Kirim pendaftaran
        </button>
      </form>
    </Page>
  );
};

const Registered: FC<{ accepted: Accepted }> = ({ accepted }) => (
  <Page title="Pendaftaran diterima">
    <ReceiptPanel
      heading="Pendaftaran diterima"
      lead="Terima kasih. Kepala desa/lurah Anda akan diminta memberi rekomendasi."
      keep="Simpan nomor dan kode ini: keduanya diperlukan untuk melihat status pendaftaran."
      codes={[
        { label: "Nomor pendaftaran", value: accepted.id },
        { label: "Kode tanda terima", value: accepted.receiptCode },
      ]}
      link={{ href: sitePath(accepted.statusUrl), label: "Lihat status pendaftaran" }}
    />
  </Page>
);

export const registrationForm = new Hono()
  .get("/", (c) => c.html(<RegistrationForm formKey={newFormKey()} values={{}} search={NO_SEARCH} />))
  .post("/", async (c) => {
    const body = await readBody(c);
    const values = valuesOf(body);
    const formKey = formKeyOf(body);
    if (asksVillageSearch(body)) {
      const search = searchVillage(textOf(body, "villageQuery"));
      return c.html(
        <RegistrationForm formKey={formKey ?? newFormKey()} values={values} search={search} searched />,
      );
    }
    const outcome = await submitForm(
      formKey,
      () => submitRegistration(validateRegistration(body, now()), formKey),
      { conflict: "nik" },
    );
    if (outcome.accepted) return c.html(<Registered accepted={outcome.accepted} />);
    return c.html(
      <RegistrationForm
        formKey={outcome.formKey}
        values={values}
        search={searchAfterRefusal(body)}
        refusal={outcome.refusal}
      />,
      outcome.refusal.status,
    );
  });
