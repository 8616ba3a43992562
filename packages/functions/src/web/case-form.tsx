import type { CaseLevel } from "@sigap/core/case/model";
import { householdConditions, ppksTypes } from "@sigap/core/case/ppks";
import { CASE_FORM_FIELDS, validateCase } from "@sigap/core/case/schema";
import { Hono } from "hono";
import type { FC } from "hono/jsx";
import { readBody } from "../api/body";
import { type Accepted, clientAddress, submitReport } from "../api/cases";
import {
  ChoiceField,
  EnterButton,
  ErrorSummary,
  errorsByField,
  FormKey,
  FormNotices,
  firstInvalid,
  ReceiptPanel,
  SelectField,
  TextArea,
  TextField,
} from "./fields";
import { formKeyOf, listOf, newFormKey, type Refusal, sitePath, submitForm, textOf } from "./form-submission";
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
 * `GET/POST /lapor`: the case report form, for a PSM or any resident. It posts to itself and calls
 * the same operation as `POST /v1/cases`; its `formKey` is the Idempotency-Key, so a double click
 * or a resubmitted page answers with the first tracking code. Works with no script at all.
 */

/** Labels of the fields, in the order the form shows them (the error summary and focus follow it). */
const LABELS = {
  ppksType: "Jenis masalah sosial (PPKS)",
  conditions: "Kondisi rumah tangga",
  urgency: "Tingkat kedaruratan",
  villageCode: "Desa/kelurahan",
  location: "Lokasi",
  description: "Uraian",
  "subject.name": "Nama orang yang dilaporkan",
  "subject.gender": "Jenis kelamin",
  "subject.ageYears": "Perkiraan usia",
  "subject.peopleCount": "Jumlah orang",
  "subject.nik": "NIK orang yang dilaporkan",
  "reporter.kind": "Anda melapor sebagai",
  "reporter.memberNumber": "Nomor anggota PSM",
  "reporter.name": "Nama Anda",
  "reporter.phone": "Nomor HP/WhatsApp Anda",
  "reporter.email": "Email Anda",
} as const;
type FieldName = keyof typeof LABELS;
const ORDER = Object.keys(LABELS);

type Values = Partial<Record<Exclude<FieldName, "conditions">, string>> & { conditions?: string[] };

interface FormState {
  formKey: string;
  values: Values;
  refusal?: Refusal | undefined;
  search: VillageSearch;
  searched?: boolean;
}

function valuesOf(body: Record<string, unknown>): Values {
  const single = CASE_FORM_FIELDS.filter((name) => name !== "conditions" && name in LABELS);
  return {
    ...Object.fromEntries(single.map((name) => [name, textOf(body, name)])),
    conditions: listOf(body, "conditions"),
  };
}

const CaseForm: FC<FormState> = ({ formKey, values, refusal, search, searched }) => {
  const errors = errorsByField(refusal?.fieldErrors);
  if (errors.has("villageCode") && !values.villageCode) {
    errors.set("villageCode", "Pilih desa/kelurahan lokasi: cari namanya, lalu pilih dari hasilnya.");
  }
  const focus = searched ? "villageCode" : firstInvalid(errors, ORDER);
  const field = (name: Exclude<FieldName, "conditions">) => ({
    name,
    label: LABELS[name],
    value: values[name],
    error: errors.get(name),
    focus: focus === name,
  });
  const choice = (name: Exclude<FieldName, "conditions">) => ({
    name,
    legend: LABELS[name],
    selected: values[name] ? [values[name] ?? ""] : [],
    error: errors.get(name),
    focus: focus === name,
  });
  return (
    <Page title="Laporkan kasus sosial" script>
      <h1>Laporkan warga yang membutuhkan bantuan sosial</h1>
      <FormNotices refusal={refusal} submitLabel="Kirim laporan" />
      <ErrorSummary errors={errors} labels={LABELS} />
      <p>
        Laporan diteruskan ke desa/kelurahan, lalu ke Dinas Sosial bila belum ditangani. Dalam keadaan darurat
        yang mengancam jiwa, hubungi juga 112.
      </p>
      <form method="post" action="/lapor" novalidate>
        <EnterButton label="Kirim laporan" />
        <FormKey value={formKey} />
        <SelectField
          {...field("ppksType")}
          choices={ppksTypes.map((type) => ({ value: type.code, label: `${type.no}. ${type.name}` }))}
          hint="Menurut Permensos 8/2012. Kekerasan terhadap perempuan dan anak diteruskan ke UPTD PPA."
          placeholder="— Pilih jenis —"
          required
        />
        <ChoiceField
          name="conditions"
          legend={LABELS.conditions}
          hint="Tidak wajib. Centang yang sesuai."
          multiple
          choices={householdConditions.map((condition) => ({ value: condition.code, label: condition.name }))}
          selected={values.conditions ?? []}
          error={errors.get("conditions")}
          focus={focus === "conditions"}
        />
        <ChoiceField
          {...choice("urgency")}
          choices={[
            { value: "emergency", label: "Darurat: nyawa atau keselamatan terancam" },
            { value: "high", label: "Tinggi: perlu ditangani dalam beberapa hari" },
            { value: "normal", label: "Biasa" },
          ]}
          selected={[values.urgency || "normal"]}
        />
        <RegionPicker
          value={values.villageCode}
          search={search}
          error={errors.get("villageCode")}
          focus={focus === "villageCode"}
          legend="Desa/kelurahan lokasi"
          hint={
            'Ketik nama desa atau kelurahan tempat kejadian atau tempat orang yang dilaporkan berada, lalu tekan "Cari desa" dan pilih dari hasilnya.'
          }
        />
        <TextArea
          {...field("location")}
          hint="Alamat atau patokan, misalnya: dekat masjid, RT 03."
          maxlength={300}
        />
        <TextArea
          {...field("description")}
          hint="Apa yang terjadi dan bantuan apa yang dibutuhkan. Minimal 10 huruf."
          maxlength={2000}
        />
        <fieldset>
          <legend>Orang yang dilaporkan (tidak wajib)</legend>
          <TextField {...field("subject.name")} maxlength={100} />
          <ChoiceField
            {...choice("subject.gender")}
            choices={[
              { value: "L", label: "Laki-laki" },
              { value: "P", label: "Perempuan" },
            ]}
          />
          <TextField {...field("subject.ageYears")} inputmode="numeric" maxlength={3} hint="Dalam tahun." />
          <TextField
            {...field("subject.peopleCount")}
            inputmode="numeric"
            maxlength={4}
            hint="Bila yang dilaporkan satu keluarga atau kelompok."
          />
          <TextField {...field("subject.nik")} inputmode="numeric" maxlength={16} hint="Bila diketahui." />
        </fieldset>
        <fieldset>
          <legend>Pelapor</legend>
          <ChoiceField
            {...choice("reporter.kind")}
            hint="Tanpa nama: identitas Anda tidak disimpan, tetapi kabar penanganan hanya bisa dilihat dengan kode pelacakan."
            choices={[
              { value: "resident", label: "Warga" },
              { value: "psm", label: "PSM (Pekerja Sosial Masyarakat)" },
              { value: "anonymous", label: "Tanpa nama" },
            ]}
          />
          <TextField
            {...field("reporter.memberNumber")}
            hint="Wajib bagi PSM. Contoh: PSM-3205-000001."
            maxlength={20}
          />
          <TextField {...field("reporter.name")} autocomplete="name" maxlength={100} />
          <TextField
            {...field("reporter.phone")}
            type="tel"
            inputmode="tel"
            autocomplete="tel"
            hint="Contoh: 0812-3456-7890."
          />
          <TextField {...field("reporter.email")} type="email" autocomplete="email" />
        </fieldset>
        <button type="submit" name="intent" value="kirim">
          Kirim laporan
        </button>
      </form>
    </Page>
  );
};

/** Who the report went to first, as the saved case says (a violence report goes to the UPTD PPA). */
const handlerNotes: Record<CaseLevel, string> = {
  village: "Laporan Anda diteruskan kepada petugas di desa/kelurahan lokasi.",
  district: "Laporan Anda diteruskan kepada Dinas Sosial kabupaten/kota.",
  province: "Laporan Anda diteruskan kepada Dinas Sosial provinsi.",
  ppa: "Laporan Anda diteruskan kepada UPTD Perlindungan Perempuan dan Anak (PPA) kabupaten/kota, yang menanganinya secara rahasia.",
};

const Reported: FC<{ accepted: Accepted; level: CaseLevel | undefined }> = ({ accepted, level }) => (
  <Page title="Laporan diterima">
    <ReceiptPanel
      heading="Laporan diterima"
      lead={`Terima kasih. ${level ? handlerNotes[level] : "Laporan Anda diteruskan kepada petugas yang menanganinya."}`}
      keep="Simpan nomor dan kode ini: keduanya diperlukan untuk melacak penanganan laporan."
      codes={[
        { label: "Nomor laporan", value: accepted.id },
        { label: "Kode pelacakan", value: accepted.trackingCode },
      ]}
      link={{ href: sitePath(accepted.statusUrl), label: "Lacak laporan" }}
    />
  </Page>
);

export const caseForm = new Hono()
  .get("/", (c) => c.html(<CaseForm formKey={newFormKey()} values={{}} search={NO_SEARCH} />))
  .post("/", async (c) => {
    // Every field is read as a list when repeated, as `POST /v1/cases` reads a form.
    const body = await readBody(c, { repeatable: CASE_FORM_FIELDS });
    const values = valuesOf(body);
    const formKey = formKeyOf(body);
    if (asksVillageSearch(body)) {
      const search = searchVillage(textOf(body, "villageQuery"));
      return c.html(<CaseForm formKey={formKey ?? newFormKey()} values={values} search={search} searched />);
    }
    const outcome = await submitForm(formKey, () =>
      submitReport(validateCase(body, { fromForm: true }), clientAddress(c), formKey),
    );
    if (outcome.accepted) return c.html(<Reported {...outcome.accepted} />);
    return c.html(
      <CaseForm
        formKey={outcome.formKey}
        values={values}
        search={searchAfterRefusal(body)}
        refusal={outcome.refusal}
      />,
      outcome.refusal.status,
    );
  });
