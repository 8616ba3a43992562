import { householdConditions, ppksTypes } from "@sigap/core/case/ppks";
import { CASE_FORM_FIELDS, validateCase } from "@sigap/core/case/schema";
import type { Context as LambdaContext } from "aws-lambda";
import { type Context, Hono } from "hono";
import type { FC } from "hono/jsx";
import { readBody } from "../api/body";
import { type Accepted, clientAddress, submitReport } from "../api/cases";
import { isKeyReused } from "../api/idempotency";
import {
  ChoiceField,
  ErrorSummary,
  errorsByField,
  FormKey,
  firstInvalid,
  SelectField,
  TextArea,
  TextField,
} from "./fields";
import {
  formKeyOf,
  isVillageSearch,
  listOf,
  newFormKey,
  onceSettled,
  type Refusal,
  refusalOf,
  textOf,
} from "./form-submission";
import { Page } from "./layout";
import { RegionPicker, searchVillage, type VillageSearch } from "./region-picker";

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
  keyRenewed?: boolean;
}

function valuesOf(body: Record<string, unknown>): Values {
  const single = CASE_FORM_FIELDS.filter((name) => name !== "conditions" && name in LABELS);
  return {
    ...Object.fromEntries(single.map((name) => [name, textOf(body, name)])),
    conditions: listOf(body, "conditions"),
  };
}

const CaseForm: FC<FormState> = ({ formKey, values, refusal, search, searched, keyRenewed }) => {
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
      {keyRenewed ? (
        <div class="gone" role="alert">
          <h2>Formulir ini sudah pernah dikirim</h2>
          <p>
            Halaman ini sudah dikirim sebelumnya dengan isian yang berbeda. Isian Anda masih ada di bawah;
            periksa, lalu tekan "Kirim laporan" sekali lagi untuk mengirimnya sebagai laporan baru.
          </p>
        </div>
      ) : null}
      {refusal?.notice ? (
        <div class="error" role="alert">
          <h2>{refusal.notice.title}</h2>
          {refusal.notice.detail ? <p>{refusal.notice.detail}</p> : null}
        </div>
      ) : null}
      <ErrorSummary errors={errors} labels={LABELS} />
      <p>
        Laporan diteruskan ke desa/kelurahan, lalu ke Dinas Sosial bila belum ditangani. Dalam keadaan darurat
        yang mengancam jiwa, hubungi juga 112.
      </p>
      <form method="post" action="/lapor" novalidate>
        {/* The first submit button is the one Enter presses: sending, not searching villages. Out of the tab order. */}
        <button type="submit" name="intent" value="kirim" class="visually-hidden" tabindex={-1}>
          Kirim laporan
        </button>
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

const Reported: FC<{ accepted: Accepted }> = ({ accepted }) => {
  const url = new URL(accepted.statusUrl);
  return (
    <Page title="Laporan diterima">
      <div class="success" role="status">
        <h1>Laporan diterima</h1>
        <p>Terima kasih. Laporan Anda diteruskan kepada petugas di desa/kelurahan tersebut.</p>
      </div>
      <p>Simpan nomor dan kode ini: keduanya diperlukan untuk melacak penanganan laporan.</p>
      <dl>
        <dt>Nomor laporan</dt>
        <dd class="code">{accepted.id}</dd>
        <dt>Kode pelacakan</dt>
        <dd class="code">{accepted.trackingCode}</dd>
      </dl>
      <p>
        {/* The status link on this site, whatever host the public base URL names. */}
        <a class="button" href={`${url.pathname}${url.search}`}>
          Lacak laporan
        </a>
      </p>
    </Page>
  );
};

const NO_SEARCH: VillageSearch = { query: "", matches: [] };

const lambdaContextOf = (c: Context) =>
  (c.env as { lambdaContext?: LambdaContext } | undefined)?.lambdaContext;

export const caseForm = new Hono()
  .get("/", (c) => c.html(<CaseForm formKey={newFormKey()} values={{}} search={NO_SEARCH} />))
  .post("/", async (c) => {
    // Every field is read as a list when repeated, as `POST /v1/cases` reads a form.
    const body = await readBody(c, { repeatable: CASE_FORM_FIELDS });
    const values = valuesOf(body);
    const formKey = formKeyOf(body);
    if (isVillageSearch(body)) {
      const search = searchVillage(textOf(body, "villageQuery"));
      return c.html(<CaseForm formKey={formKey ?? newFormKey()} values={values} search={search} searched />);
    }
    const search = { query: textOf(body, "villageQuery"), matches: [] };
    try {
      const input = validateCase(body, { fromForm: true });
      const accepted = await onceSettled(() =>
        submitReport(input, clientAddress(c), formKey, lambdaContextOf(c)),
      );
      return c.html(<Reported accepted={accepted} />);
    } catch (error) {
      if (isKeyReused(error)) {
        return c.html(<CaseForm formKey={newFormKey()} values={values} search={search} keyRenewed />, 409);
      }
      const refusal = refusalOf(error);
      return c.html(
        <CaseForm formKey={formKey ?? newFormKey()} values={values} search={search} refusal={refusal} />,
        refusal.status as 422,
      );
    }
  });
