import { BIMTEK_LEVELS } from "@sigap/core/bimtek/model";
import { OfferDecision } from "@sigap/core/bimtek/offer";
import { CancellationForm, EnrolmentForm, RescheduleForm, SessionForm } from "@sigap/core/bimtek/schema";
import { CASE_LEVELS, CASE_OUTCOMES, CASE_STATUSES } from "@sigap/core/case/model";
import { CaseForm } from "@sigap/core/case/schema";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { stageLabels, statusLabels } from "@sigap/core/registration/model";
import { RegistrationForm } from "@sigap/core/registration/schema";
import type * as v from "valibot";
import { ListQuery } from "../bimtek";
import { AttendanceBody } from "../bimtek-attendance";
import {
  ActionId,
  CaseId,
  EnrollmentId,
  LinkCode,
  PageCursor,
  ReceiptCode,
  RegionCode,
  RegistrationId,
  SessionId,
  TrackingCode,
} from "../params";
import { directoryForm, REGISTRATION_STATUSES, TrainingCompletionForm } from "../staff";
import { NoteForm } from "../staff-cases";
import { DataRequestForm } from "../staff-privacy";
import type { Schema } from "./json-schema";

/**
 * Every API operation, described once: what the reference (`/openapi.json`, `/docs`) says and what
 * `test/openapi.test.ts` calls. Request schemas are the routes' own valibot schemas; each operation
 * carries one example request whose answer is the first documented status.
 */

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  description: string;
  required?: boolean;
  /** The valibot schema the route checks it with, or a JSON Schema where the route checks by hand. */
  schema: v.GenericSchema | Schema;
  example?: string;
}

export interface Answer {
  description: string;
  /** A JSON example of the answer (a success); problem answers share the problem document schema. */
  example?: unknown;
  /** The JSON Schema of a success answer (without one: any object). */
  schema?: Schema;
  /** Answered as a page for browsers (`Accept: text/html`), or only as a page. */
  html?: "also" | "only";
}

export interface Operation {
  method: "get" | "post" | "put" | "patch";
  /** OpenAPI style: `/v1/registrations/{id}`. */
  path: string;
  tag: Tag;
  summary: string;
  description: string;
  /** `Authorization: Bearer <JWT>` of a staff member. */
  staff?: boolean;
  parameters?: Parameter[];
  body?: {
    /** Its name among the document's schemas (`#/components/schemas/<name>`). */
    name: string;
    schema: v.GenericSchema | Schema;
    example: Record<string, unknown>;
    /** Sent by a plain HTML form only (not JSON). */
    formOnly?: boolean;
  };
  /** The first is the answer to the example request. */
  responses: Record<number, Answer>;
}

export const TAGS = {
  registrations: "Pendaftaran PSM",
  cases: "Laporan kasus",
  bimtek: "Bimtek",
  links: "Tautan email",
  regions: "Wilayah",
  staff: "Petugas",
  operations: "Operasional",
} as const;
export type Tag = keyof typeof TAGS;

const idempotencyKey: Parameter = {
  name: "Idempotency-Key",
  in: "header",
  description:
    "Kunci unik per pengiriman (1–128 karakter ASCII tanpa spasi). Pengiriman ulang dengan kunci dan isi yang sama selama 24 jam mendapat jawaban pertama tanpa membuat data baru; kunci yang sama dengan isi berbeda ditolak (422).",
  schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,128}$" },
  example: "3f0c2a6e-9d41-4b7a-8c55-0e1f2d3c4b5a",
};

const pathParam = (name: string, description: string, schema: v.GenericSchema, example: string) =>
  ({ name, in: "path", required: true, description, schema, example }) satisfies Parameter;

const registrationId = pathParam("id", "Nomor pendaftaran.", RegistrationId, "k3m9x2q7p4ta");
const caseId = pathParam("id", "Nomor laporan.", CaseId, "c4n8w2r6t1yq");
const sessionId = pathParam("id", "Nomor sesi Bimtek.", SessionId, "b7d2k9m3x5pq");
const enrollmentId = pathParam("id", "Nomor pendaftaran Bimtek.", EnrollmentId, "e5t8q2w9r3ma");
const linkCode: Parameter = {
  name: "code",
  in: "query",
  required: true,
  description: "Kode rahasia dari tautan email.",
  schema: LinkCode,
  example: "Xq3vT9bLm2Rk7Wd5Nc8YhA",
};
const regionQuery = (description: string): Parameter => ({
  name: "region",
  in: "query",
  description,
  schema: RegionCode,
  example: "32.05",
});
const paging: Parameter[] = [
  {
    name: "limit",
    in: "query",
    description: "Jumlah data per halaman, 1–100 (bawaan 50).",
    schema: { type: "string", pattern: "^\\d{1,3}$" },
    example: "20",
  },
  {
    name: "cursor",
    in: "query",
    description: "`nextCursor` dari halaman sebelumnya.",
    schema: PageCursor,
  },
];

// ---- Answer schemas of the public operations (what people's own tools build against) ----------

const text = (description?: string): Schema => ({ type: "string", ...(description ? { description } : {}) });
const instant: Schema = { type: "string", format: "date-time", description: "UTC, ISO 8601." };
const oneOf = (values: readonly string[]): Schema => ({ type: "string", enum: [...values] });
const object = (properties: Record<string, Schema>, optional: string[] = []): Schema => ({
  type: "object",
  properties,
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
});
const dated = (event: Schema): Schema => ({
  type: "array",
  items: object({ at: instant, event, label: text("Dalam Bahasa Indonesia.") }),
});

const acceptedSchema = (code: string, link: string): Schema =>
  object({
    id: text(),
    [code]: text("Kode rahasia: simpan, diperlukan untuk melihat status."),
    status: text(),
    statusUrl: { type: "string", format: "uri", description: link },
  });

const registrationViewSchema = object(
  {
    id: text(),
    status: oneOf(Object.keys(statusLabels)),
    statusLabel: text(),
    stage: oneOf(Object.keys(stageLabels)),
    stageLabel: text(),
    village: text("Desa/kelurahan, kecamatan, kabupaten/kota, provinsi."),
    submittedAt: instant,
    rejectionReason: text("Bila ditolak."),
    memberNumber: text("Nomor anggota, bila sudah aktif."),
    history: dated(text()),
  },
  ["rejectionReason", "memberNumber"],
);

const trackingViewSchema = object(
  {
    id: text(),
    ppksType: text("Kode jenis PPKS."),
    ppksTypeName: text(),
    level: oneOf(CASE_LEVELS),
    levelLabel: text(),
    status: oneOf(CASE_STATUSES),
    statusLabel: text(),
    village: text(),
    reportedAt: instant,
    milestones: dated(text()),
    outcome: oneOf(CASE_OUTCOMES),
    outcomeLabel: text(),
    closedAt: { anyOf: [instant, { type: "null" }] },
  },
  // A sensitive type shows only its code, type and level; the outcome only once closed.
  ["status", "statusLabel", "village", "reportedAt", "milestones", "outcome", "outcomeLabel", "closedAt"],
);

const sessionSchema = object({
  id: text(),
  level: oneOf(BIMTEK_LEVELS),
  levelLabel: text(),
  title: text(),
  regionCode: text("Kabupaten/kota (dasar) atau provinsi (lanjutan) penyelenggara."),
  region: text(),
  venue: text(),
  startsAt: instant,
  endsAt: instant,
  enrolmentClosesAt: instant,
  capacity: { type: "integer" },
  seatsLeft: { type: "integer" },
  waiting: { type: "integer", description: "Panjang daftar tunggu." },
  speakers: { type: "array", items: object({ name: text() }) },
});

const certificateSchema = object({
  number: text(),
  name: text("Nama peserta, disamarkan."),
  level: oneOf(BIMTEK_LEVELS),
  levelLabel: text(),
  sessionTitle: text(),
  regionCode: text(),
  region: text(),
  startsAt: instant,
  endsAt: instant,
  issuedAt: instant,
});

const EXAMPLE_SESSION = {
  id: "b7d2k9m3x5pq",
  level: "dasar",
  levelLabel: "Bimtek dasar",
  title: "Bimtek Dasar PSM Kabupaten Garut",
  regionCode: "32.05",
  region: "Kabupaten Garut, Jawa Barat",
  venue: "Aula Dinas Sosial Kabupaten Garut",
  startsAt: "2026-12-07T01:00:00.000Z",
  endsAt: "2026-12-08T09:00:00.000Z",
  enrolmentClosesAt: "2026-12-05T17:00:00.000Z",
  capacity: 80,
  seatsLeft: 79,
  waiting: 0,
  speakers: [{ name: "Drs. Asep Saepudin" }],
};

const SESSION_BODY = {
  level: "dasar",
  title: "Bimtek Dasar PSM Kabupaten Garut",
  regionCode: "32.05",
  venue: "Aula Dinas Sosial Kabupaten Garut",
  startsAt: "2026-12-07T08:00:00+07:00",
  endsAt: "2026-12-08T16:00:00+07:00",
  capacity: 80,
  speakers: [{ name: "Drs. Asep Saepudin", email: "asep@dinsos.garutkab.example.go.id" }],
};

export const operations: Operation[] = [
  {
    method: "get",
    path: "/health",
    tag: "operations",
    summary: "Keadaan layanan",
    description:
      "Memeriksa DynamoDB, Step Functions dan pengiriman email. `200` bila semuanya menjawab, `503` (dengan `Retry-After`) menyebut yang tidak menjawab. Hasil pemeriksaan disimpan beberapa detik.",
    responses: {
      200: {
        description: "Semua dependensi menjawab.",
        example: {
          status: "ok",
          dependencies: {
            dynamodb: { status: "up" },
            stepfunctions: { status: "up" },
            mail: { status: "up", transport: "ses" },
          },
        },
      },
      503: { description: "Satu dependensi atau lebih tidak menjawab (`status: degraded`)." },
    },
  },
  {
    method: "get",
    path: "/v1/regions",
    tag: "regions",
    summary: "Daftar wilayah Kemendagri",
    description:
      "Wilayah tepat di bawah `parent` (tanpa `parent`: provinsi), untuk pemilih provinsi → kabupaten/kota → kecamatan → desa/kelurahan; dengan `q`, desa/kelurahan menurut nama. Dari daftar yang dibundel (tanpa basis data); boleh disimpan sehari (`Cache-Control`). Data wilayah: idn-area-data (ODbL).",
    parameters: [
      {
        name: "parent",
        in: "query",
        description: "Kode provinsi, kabupaten/kota atau kecamatan, dengan atau tanpa titik.",
        schema: RegionCode,
        example: "32.05",
      },
      {
        name: "q",
        in: "query",
        description:
          "3–60 huruf: nama desa/kelurahan, boleh ditambah nama kecamatan atau kabupaten/kota untuk membedakan desa senama (`sukamaju garut`), atau kode desa (`32.05.22.2001`).",
        schema: { type: "string", minLength: 3, maxLength: 60 },
      },
    ],
    responses: {
      200: {
        description: "Wilayah di bawah `parent`.",
        example: {
          parent: { code: "32.05", name: "Kabupaten Garut, Jawa Barat", level: "district" },
          items: [{ code: "32.05.01", name: "Garut Kota", level: "subdistrict" }],
        },
      },
      404: { description: "Kode `parent` tidak terdaftar." },
      422: { description: "Kode `parent` atau `q` tidak valid." },
    },
  },
  {
    method: "post",
    path: "/v1/registrations",
    tag: "registrations",
    summary: "Mendaftar sebagai PSM",
    description:
      "Menyimpan pendaftaran dan memulai alur rekrutmen (rekomendasi kepala desa, Bimtek dasar, verifikasi Dinas Sosial). Selain bentuk field, NIK diperiksa kewajarannya (kode wilayah, tanggal lahir, jenis kelamin), usia minimal 18 tahun, dan desa/kelurahan harus ada dalam daftar Kemendagri. Jawaban memuat kode tanda terima (simpan: diperlukan untuk melihat status) dan `statusUrl`. Menerima JSON atau formulir HTML biasa.",
    parameters: [idempotencyKey],
    body: {
      name: "Registration",
      schema: RegistrationForm,
      example: validRegistration,
    },
    responses: {
      202: {
        description: "Pendaftaran diterima; alur rekrutmen berjalan.",
        schema: acceptedSchema("receiptCode", "Halaman/JSON status pendaftaran (memuat kode tanda terima)."),
        example: {
          id: "k3m9x2q7p4ta",
          receiptCode: "HT7K-M2QX",
          status: "submitted",
          statusUrl: "https://sigap.example.go.id/v1/registrations/k3m9x2q7p4ta?receipt=HT7K-M2QX",
        },
      },
      409: { description: "NIK ini sudah terdaftar (tanpa rincian)." },
      422: { description: "Isian belum lengkap atau belum benar; `errors` menyebut setiap field." },
    },
  },
  {
    method: "get",
    path: "/v1/registrations/{id}",
    tag: "registrations",
    summary: "Status pendaftaran",
    description:
      "Status, tahap dan riwayat pendaftaran bagi pendaftarnya sendiri, dengan kode tanda terima. Nomor yang tidak dikenal dan kode yang salah dijawab sama (`404`). Peramban (`Accept: text/html`) mendapat halaman status.",
    parameters: [
      registrationId,
      {
        name: "receipt",
        in: "query",
        required: true,
        description: "Kode tanda terima.",
        schema: ReceiptCode,
        example: "HT7K-M2QX",
      },
    ],
    responses: {
      200: {
        description: "Status pendaftaran.",
        html: "also",
        schema: registrationViewSchema,
        example: {
          id: "k3m9x2q7p4ta",
          status: "submitted",
          statusLabel: "Diajukan",
          stage: "village-recommendation",
          stageLabel: "Menunggu rekomendasi kepala desa",
          village: "Desa Cikajang, Kecamatan Cikajang, Kabupaten Garut, Jawa Barat",
          submittedAt: "2026-11-23T01:00:00.000Z",
          history: [{ at: "2026-11-23T01:00:00.000Z", event: "submitted", label: "Pendaftaran diterima" }],
        },
      },
      404: { description: "Nomor atau kode tanda terima tidak cocok." },
    },
  },
  {
    method: "post",
    path: "/v1/cases",
    tag: "cases",
    summary: "Melaporkan kasus PPKS",
    description:
      "Laporan tentang orang atau rumah tangga yang membutuhkan pelayanan kesejahteraan sosial (26 jenis PPKS, Permensos 8/2012), oleh PSM atau warga; pelapor boleh anonim (bawaan untuk kekerasan). Kasus ditangani di desa lalu dieskalasi ke kabupaten/kota dan provinsi bila tidak ditindaklanjuti. Jawaban memuat kode pelacakan dan `statusUrl`. Menerima JSON atau formulir HTML biasa.",
    parameters: [idempotencyKey],
    body: {
      name: "CaseReport",
      schema: CaseForm,
      example: {
        ppksType: "lanjut-usia-terlantar",
        urgency: "normal",
        villageCode: "32.05.22.2001",
        location: "Kampung Babakan RT 03 RW 02, dekat masjid",
        description: "Seorang nenek tinggal sendiri tanpa pengurus dan jarang makan.",
        subject: { name: "Ibu Onah", ageYears: 78 },
        reporter: { kind: "resident", name: "Dedi Kurniawan", phone: "0813-2000-1111" },
      },
    },
    responses: {
      202: {
        description: "Laporan diterima.",
        schema: acceptedSchema("trackingCode", "Halaman/JSON perkembangan laporan (memuat kode pelacakan)."),
        example: {
          id: "c4n8w2r6t1yq",
          trackingCode: "PL4C-7QNM",
          status: "reported",
          statusUrl: "https://sigap.example.go.id/v1/cases/c4n8w2r6t1yq?tracking=PL4C-7QNM",
        },
      },
      422: { description: "Isian belum lengkap atau belum benar." },
      429: { description: "Terlalu banyak laporan anonim dari alamat yang sama." },
    },
  },
  {
    method: "get",
    path: "/v1/cases/{id}",
    tag: "cases",
    summary: "Melacak laporan",
    description:
      "Perkembangan laporan bagi pelapor, dengan kode pelacakan: status, tingkat yang menangani, tonggak bertanggal dan hasil bila ditutup; tanpa catatan petugas maupun data pribadi. Jenis yang sensitif hanya menampilkan jenis dan tingkat. Peramban (`Accept: text/html`) mendapat halaman.",
    parameters: [
      caseId,
      {
        name: "tracking",
        in: "query",
        required: true,
        description: "Kode pelacakan.",
        schema: TrackingCode,
        example: "PL4C-7QNM",
      },
    ],
    responses: {
      200: {
        description: "Perkembangan laporan.",
        html: "also",
        schema: trackingViewSchema,
        example: {
          id: "c4n8w2r6t1yq",
          ppksType: "lanjut-usia-terlantar",
          ppksTypeName: "Lanjut usia terlantar",
          level: "village",
          levelLabel: "Desa/kelurahan",
          status: "reported",
          statusLabel: "Dilaporkan",
          reportedAt: "2026-11-23T01:00:00.000Z",
          milestones: [],
        },
      },
      404: { description: "Nomor atau kode pelacakan tidak cocok." },
    },
  },
  {
    method: "get",
    path: "/v1/bimtek",
    tag: "bimtek",
    summary: "Sesi Bimtek yang dibuka",
    description:
      "Sesi yang masih menerima pendaftaran di satu kabupaten/kota (Bimtek dasar) atau provinsi (Bimtek lanjutan), dengan kursi tersisa dan panjang daftar tunggu. Peramban (`Accept: text/html`, misalnya tautan di email) diarahkan (`303`) ke halaman `/bimtek?wilayah=…`.",
    parameters: [
      {
        name: "regionCode",
        in: "query",
        required: true,
        description: "Kode kabupaten/kota atau provinsi.",
        schema: ListQuery.entries.regionCode,
        example: "32.05",
      },
      {
        name: "level",
        in: "query",
        description: "`dasar` atau `lanjutan` (bawaan menurut tingkat wilayah).",
        schema: ListQuery.entries.level,
      },
    ],
    responses: {
      200: {
        description: "Sesi yang dibuka.",
        schema: object({ items: { type: "array", items: sessionSchema } }),
        example: { items: [EXAMPLE_SESSION] },
      },
      303: { description: "Peramban diarahkan ke halaman jadwal Bimtek (`/bimtek?wilayah=…`)." },
      422: { description: "Kode wilayah atau tingkat tidak valid." },
    },
  },
  {
    method: "post",
    path: "/v1/bimtek/{id}/enrollments",
    tag: "bimtek",
    summary: "Mendaftar ke sesi Bimtek",
    description:
      "Calon PSM mendaftar dengan nomor pendaftaran dan kode tanda terimanya. Bila kursi penuh, masuk daftar tunggu (`waitlisted`, dengan urutan). Formulir dari peramban (`Accept: text/html`) diarahkan (`303`) ke halaman peserta; selain itu dijawab `201` dengan `statusUrl` (tautan rahasia halaman peserta).",
    parameters: [sessionId, idempotencyKey],
    body: {
      name: "Enrolment",
      schema: EnrolmentForm,
      example: { registrationId: "k3m9x2q7p4ta", receiptCode: "HT7K-M2QX" },
    },
    responses: {
      201: {
        description: "Terdaftar (atau masuk daftar tunggu).",
        example: {
          enrollmentId: "e5t8q2w9r3ma",
          status: "confirmed",
          position: null,
          statusUrl:
            "https://sigap.example.go.id/v1/bimtek/enrollments/e5t8q2w9r3ma?code=Xq3vT9bLm2Rk7Wd5Nc8YhA",
        },
      },
      303: { description: "Formulir dari peramban: diarahkan ke halaman peserta." },
      404: { description: "Sesi tidak ditemukan." },
      409: { description: "Pendaftaran sudah ditutup, sudah terdaftar, atau belum memenuhi syarat." },
      422: { description: "Isian tidak valid." },
    },
  },
  {
    method: "get",
    path: "/v1/bimtek/enrollments/{id}",
    tag: "bimtek",
    summary: "Halaman peserta Bimtek",
    description:
      "Status pendaftaran Bimtek dari tautan rahasia peserta: sesi, urutan daftar tunggu, batas menjawab tawaran kursi, tautan sertifikat bila selesai. Peramban (`Accept: text/html`) mendapat halaman dengan formulir jawab tawaran dan tautan batal (`batal=ya` menampilkan konfirmasi, tanpa mengubah apa pun); selain itu JSON (`Vary: Accept`).",
    parameters: [enrollmentId, linkCode],
    responses: {
      200: {
        description: "Status pendaftaran Bimtek.",
        html: "also",
        example: {
          enrollmentId: "e5t8q2w9r3ma",
          status: "confirmed",
          statusLabel: "Terdaftar",
          position: null,
          session: EXAMPLE_SESSION,
        },
      },
      404: { description: "Tautan tidak dikenal (problem document; halaman bagi peramban)." },
    },
  },
  {
    method: "post",
    path: "/v1/bimtek/enrollments/{id}/offer",
    tag: "bimtek",
    summary: "Menjawab tawaran kursi",
    description:
      "Peserta daftar tunggu yang ditawari kursi menerima (`accept`) atau menolak (`decline`) sebelum batas waktu. Sudah dijawab: `409`; lewat batas: `410` (diperiksa sebelum isi jawaban). Peramban mendapat halaman peserta, selain itu JSON.",
    parameters: [enrollmentId, linkCode],
    body: { name: "OfferAnswer", schema: OfferDecision, example: { decision: "accept" }, formOnly: true },
    responses: {
      200: { description: "Jawaban tercatat (halaman peserta).", html: "only" },
      404: { description: "Tautan tidak dikenal." },
      409: { description: "Tawaran sudah dijawab atau berakhir." },
      410: { description: "Batas waktu menjawab sudah lewat." },
      422: { description: "Jawaban belum dipilih." },
    },
  },
  {
    method: "post",
    path: "/v1/bimtek/enrollments/{id}/cancellation",
    tag: "bimtek",
    summary: "Membatalkan pendaftaran Bimtek",
    description:
      "Peserta membatalkan sebelum sesi dimulai; kursinya ditawarkan kepada peserta daftar tunggu berikutnya. Tanpa isi. Pembatalan yang diulang (klik ganda, muat ulang) dijawab `200` lagi. Peramban mendapat halaman peserta, selain itu JSON dengan `notice`.",
    parameters: [enrollmentId, linkCode],
    responses: {
      200: { description: "Dibatalkan (halaman peserta).", html: "only" },
      404: { description: "Tautan tidak dikenal." },
      409: { description: "Sudah berakhir atau sesi sudah dimulai." },
    },
  },
  {
    method: "get",
    path: "/v1/bimtek/attendance/{sessionId}",
    tag: "links",
    summary: "Daftar hadir (penyelenggara)",
    description:
      "Halaman penyelenggara dari tautan email: satu kotak centang per peserta per hari (waktu setempat). Dapat diisi setelah sesi selesai sampai sertifikat diterbitkan.",
    parameters: [pathParam("sessionId", "Nomor sesi Bimtek.", SessionId, "b7d2k9m3x5pq"), linkCode],
    responses: {
      200: { description: "Daftar hadir.", html: "only" },
      404: { description: "Tautan tidak dikenal." },
    },
  },
  {
    method: "post",
    path: "/v1/bimtek/attendance/{sessionId}",
    tag: "links",
    summary: "Menyimpan daftar hadir (penyelenggara)",
    description:
      "Formulir halaman daftar hadir: `participant` (setiap peserta yang tercantum, berulang) dan `attended` (`<enrollmentId>:<hari>` yang dicentang, berulang). Peserta tercantum tanpa centang disimpan tidak hadir.",
    parameters: [pathParam("sessionId", "Nomor sesi Bimtek.", SessionId, "b7d2k9m3x5pq"), linkCode],
    body: {
      name: "AttendanceSheetForm",
      schema: {
        type: "object",
        properties: {
          participant: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
          attended: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
        },
      },
      example: { participant: "e5t8q2w9r3ma", attended: "e5t8q2w9r3ma:1" },
      formOnly: true,
    },
    responses: {
      200: { description: "Tersimpan (halaman daftar hadir).", html: "only" },
      404: { description: "Tautan tidak dikenal." },
      409: { description: "Belum dapat diisi atau sudah ditutup (halaman)." },
      422: { description: "Isian tidak valid (halaman)." },
    },
  },
  {
    method: "get",
    path: "/v1/certificates/{code}",
    tag: "bimtek",
    summary: "Verifikasi sertifikat Bimtek",
    description:
      "Siapa pun yang memegang kode verifikasi sertifikat dapat memeriksanya: nama disamarkan, sesi dan tanggalnya, tanpa NIK. Peramban (`Accept: text/html`) mendapat halaman.",
    parameters: [pathParam("code", "Kode verifikasi pada sertifikat.", LinkCode, "Xq3vT9bLm2Rk7Wd5Nc8YhA")],
    responses: {
      200: {
        description: "Sertifikat sah.",
        html: "also",
        schema: certificateSchema,
        example: {
          number: "BIMTEK-DASAR/3205/2026/0001",
          name: "S*** R********",
          level: "dasar",
          levelLabel: "Bimtek dasar",
          sessionTitle: "Bimtek Dasar PSM Kabupaten Garut",
          regionCode: "32.05",
          region: "Kabupaten Garut, Jawa Barat",
          startsAt: "2026-12-07T01:00:00.000Z",
          endsAt: "2026-12-08T09:00:00.000Z",
          issuedAt: "2026-12-08T10:00:00.000Z",
        },
      },
      404: { description: "Kode tidak dikenal." },
    },
  },
  {
    method: "get",
    path: "/v1/actions/{actionId}",
    tag: "links",
    summary: "Halaman keputusan dari email",
    description:
      "Tautan dalam email alur kerja (rekomendasi, verifikasi, penanganan kasus). GET hanya menampilkan yang diminta dan pilihan jawabannya, tidak mengubah apa pun (pemindai email membuka setiap tautan). Sudah dipakai, kedaluwarsa atau diganti: `410`.",
    parameters: [pathParam("actionId", "Kode rahasia tautan.", ActionId, "kX9v2LqR7tY4pW8zN3bH5mJ6")],
    responses: {
      200: { description: "Halaman konfirmasi.", html: "only" },
      404: { description: "Tautan tidak dikenal." },
      410: { description: "Tautan tidak berlaku lagi." },
    },
  },
  {
    method: "post",
    path: "/v1/actions/{actionId}",
    tag: "links",
    summary: "Mengirim keputusan",
    description:
      "Formulir halaman keputusan: `decision` salah satu pilihan halaman itu (misalnya `recommend`, `reject`), `reason` (wajib untuk pilihan yang ditandai, 5–500 karakter), `note` (catatan internal). Sekali pakai: pengiriman ulang dijawab `410`.",
    parameters: [pathParam("actionId", "Kode rahasia tautan.", ActionId, "kX9v2LqR7tY4pW8zN3bH5mJ6")],
    body: {
      name: "Decision",
      schema: {
        type: "object",
        properties: {
          decision: { type: "string" },
          reason: { type: "string", maxLength: 500 },
          note: { type: "string", maxLength: 500 },
        },
        required: ["decision"],
      },
      example: { decision: "recommend", note: "Dikenal aktif di kegiatan posyandu." },
      formOnly: true,
    },
    responses: {
      200: { description: "Keputusan tercatat.", html: "only" },
      404: { description: "Tautan tidak dikenal." },
      410: { description: "Tautan tidak berlaku lagi." },
      422: { description: "Pilihan atau alasan belum benar (halaman yang sama dengan pesan)." },
    },
  },
  {
    method: "get",
    path: "/v1/staff/registrations",
    tag: "staff",
    staff: true,
    summary: "Daftar pendaftaran",
    description:
      "Pendaftaran di wilayah petugas (atau `region` di dalamnya), terbaru dahulu, per halaman. NIK disamarkan.",
    parameters: [
      {
        name: "status",
        in: "query",
        description: `Salah satu: ${REGISTRATION_STATUSES.map((x) => `\`${x}\``).join(", ")}.`,
        schema: oneOf(REGISTRATION_STATUSES),
      },
      regionQuery("Kode wilayah di dalam wilayah petugas."),
      ...paging,
    ],
    responses: {
      200: { description: "Satu halaman pendaftaran.", example: { items: [], nextCursor: "eyJwayI6..." } },
      422: { description: "Status, wilayah atau limit tidak valid." },
    },
  },
  {
    method: "get",
    path: "/v1/staff/registrations/{id}",
    tag: "staff",
    staff: true,
    summary: "Rincian pendaftaran",
    description: "Seluruh data pendaftaran dan jejak auditnya; setiap pembacaan dicatat (UU PDP).",
    parameters: [registrationId],
    responses: { 200: { description: "Rincian pendaftaran." }, 404: { description: "Tidak ditemukan." } },
  },
  {
    method: "post",
    path: "/v1/staff/registrations/{id}/training-completions",
    tag: "staff",
    staff: true,
    summary: "Mencatat Bimtek dasar selesai",
    description:
      "Dinas Sosial mencatat bahwa calon PSM sudah menyelesaikan Bimtek dasar (tanggal setempat, tidak di masa depan); alur rekrutmen berlanjut ke verifikasi.",
    parameters: [registrationId],
    body: {
      name: "TrainingCompletion",
      schema: TrainingCompletionForm,
      example: { completedAt: "2026-11-20", note: "Bimtek dasar angkatan 3." },
    },
    responses: {
      202: { description: "Tercatat.", example: { id: "k3m9x2q7p4ta", recorded: true } },
      403: { description: "Petugas desa tidak berwenang." },
      404: { description: "Tidak ditemukan." },
      409: { description: "Tidak sedang menunggu Bimtek dasar, atau sudah dicatat." },
      422: { description: "Tanggal tidak valid." },
    },
  },
  {
    method: "get",
    path: "/v1/staff/directory/{regionCode}",
    tag: "staff",
    staff: true,
    summary: "Direktori petugas wilayah",
    description:
      "Orang yang bertugas (`duty`: `approver`, `case-handler`, `ppa`, `bimtek-organiser`) pada satu kode wilayah.",
    parameters: [
      pathParam("regionCode", "Kode wilayah.", RegionCode, "32.05.22.2001"),
      {
        name: "duty",
        in: "query",
        description: "Tugas (bawaan `approver`).",
        schema: { type: "string" },
        example: "approver",
      },
    ],
    responses: {
      200: {
        description: "Direktori.",
        example: {
          regionCode: "32.05.22.2001",
          region: "Desa Cikajang, Kecamatan Cikajang, Kabupaten Garut, Jawa Barat",
          level: "village",
          duty: "approver",
          people: [
            {
              name: "H. Ujang Suryana",
              email: "kades.cikajang@garutkab.example.go.id",
              title: "Kepala Desa",
            },
          ],
        },
      },
      403: { description: "Petugas desa tidak berwenang." },
      422: { description: "Kode wilayah atau tugas tidak valid." },
    },
  },
  {
    method: "put",
    path: "/v1/staff/directory/{regionCode}",
    tag: "staff",
    staff: true,
    summary: "Mengganti direktori petugas",
    description:
      "Mengganti daftar orang untuk satu wilayah dan tugas (maksimal 10; penyetuju minimal satu). Permintaan yang menunggu orang yang dihapus dialihkan kepada yang baru (`movedRequests`). Tercatat dalam audit.",
    parameters: [
      pathParam("regionCode", "Kode wilayah.", RegionCode, "32.05.22.2001"),
      {
        name: "duty",
        in: "query",
        description: "Tugas (bawaan `approver`).",
        schema: { type: "string" },
        example: "approver",
      },
    ],
    body: {
      name: "Directory",
      schema: directoryForm("approver", "people"),
      example: {
        people: [
          { name: "H. Ujang Suryana", email: "kades.cikajang@garutkab.example.go.id", title: "Kepala Desa" },
        ],
      },
    },
    responses: {
      200: { description: "Direktori baru." },
      403: { description: "Tidak berwenang." },
      422: { description: "Daftar tidak valid." },
    },
  },
  {
    method: "get",
    path: "/v1/staff/cases",
    tag: "staff",
    staff: true,
    summary: "Daftar kasus",
    description:
      "Kasus di wilayah petugas, per halaman, dengan penanda terlambat. Nama dan lokasi hanya bagi yang berwenang membaca rinciannya.",
    parameters: [
      { name: "status", in: "query", description: "Status kasus.", schema: oneOf(CASE_STATUSES) },
      {
        name: "level",
        in: "query",
        description: "Tingkat yang menangani (`ppa`: UPTD PPA, untuk kekerasan).",
        schema: oneOf(CASE_LEVELS),
      },
      {
        name: "overdue",
        in: "query",
        description: "`true`: hanya yang terlambat.",
        schema: { enum: ["true", "false"], type: "string" },
      },
      regionQuery("Kode wilayah di dalam wilayah petugas."),
      ...paging,
    ],
    responses: {
      200: { description: "Satu halaman kasus.", example: { items: [] } },
      422: { description: "Filter tidak valid." },
    },
  },
  {
    method: "get",
    path: "/v1/staff/cases/{id}",
    tag: "staff",
    staff: true,
    summary: "Rincian kasus",
    description:
      "Rincian kasus, laporan tambahan dan jejak audit bagi yang berwenang; selain itu ringkasan terbatas. Setiap pembacaan dicatat (UU PDP).",
    parameters: [caseId],
    responses: { 200: { description: "Rincian kasus." }, 404: { description: "Tidak ditemukan." } },
  },
  {
    method: "post",
    path: "/v1/staff/cases/{id}/notes",
    tag: "staff",
    staff: true,
    summary: "Menambah catatan kasus",
    description: "Catatan petugas yang menangani (1–2000 karakter); tidak terlihat oleh pelapor.",
    parameters: [caseId],
    body: {
      name: "CaseNote",
      schema: NoteForm,
      example: { note: "Sudah dikunjungi; keluarga bersedia dirujuk ke Puskesos." },
    },
    responses: {
      201: {
        description: "Tercatat.",
        example: { id: "c4n8w2r6t1yq", noted: true, at: "2026-11-23T01:00:00.000Z" },
      },
      403: { description: "Tidak berwenang." },
      404: { description: "Tidak ditemukan." },
      422: { description: "Catatan tidak valid." },
    },
  },
  {
    method: "get",
    path: "/v1/staff/reports/cases",
    tag: "staff",
    staff: true,
    summary: "Rekap kasus",
    description:
      "Jumlah kasus menurut jenis, status, tingkat dan hasil, serta yang terlambat, untuk satu wilayah.",
    parameters: [regionQuery("Kode wilayah (bawaan: wilayah petugas).")],
    responses: {
      200: {
        description: "Rekap.",
        example: {
          region: "32.05",
          regionName: "Kabupaten Garut, Jawa Barat",
          total: 0,
          byType: {},
          byStatus: {},
          byLevel: {},
          byOutcome: {},
          overdue: 0,
        },
      },
      422: { description: "Kode wilayah tidak valid." },
    },
  },
  {
    method: "get",
    path: "/v1/staff/reports/coverage",
    tag: "staff",
    staff: true,
    summary: "Cakupan PSM",
    description: "Desa/kelurahan dengan dan tanpa PSM aktif di satu wilayah.",
    parameters: [regionQuery("Kode wilayah (bawaan: wilayah petugas).")],
    responses: { 200: { description: "Cakupan." }, 422: { description: "Kode wilayah tidak valid." } },
  },
  {
    method: "post",
    path: "/v1/staff/data-requests",
    tag: "staff",
    staff: true,
    summary: "Permintaan data pribadi",
    description:
      "Permintaan pemilik data (UU PDP 27/2022) melalui Dinas Sosial: salinan (`export`) atau penghapusan (`erase`) data yang terkait dengan satu NIK. NIK hanya dicari melalui hash-nya dan tidak pernah disimpan atau dicatat.",
    body: {
      name: "DataRequest",
      schema: DataRequestForm,
      example: {
        nik: "3205015507950002",
        kind: "export",
        reason: "Permintaan salinan data oleh pemilik data.",
      },
    },
    responses: {
      200: { description: "Salinan data, atau ringkasan penghapusan." },
      403: { description: "Petugas desa tidak berwenang." },
      422: { description: "Isian tidak valid." },
    },
  },
  {
    method: "post",
    path: "/v1/staff/bimtek",
    tag: "staff",
    staff: true,
    summary: "Membuat sesi Bimtek",
    description:
      "Sesi Bimtek dasar (kabupaten/kota) atau lanjutan (provinsi) di wilayah petugas. Waktu ISO 8601 dengan zona waktu; selesai setelah mulai, paling lama 14 hari; kuota per kecamatan di dalam wilayah dan tidak melebihi kapasitas. Alur sesi (pengingat, daftar hadir, sertifikat) dimulai.",
    body: { name: "Session", schema: SessionForm, example: SESSION_BODY },
    responses: {
      201: { description: "Sesi dibuat." },
      403: { description: "Tidak berwenang." },
      422: { description: "Isian belum lengkap atau belum benar." },
    },
  },
  {
    method: "get",
    path: "/v1/staff/bimtek",
    tag: "staff",
    staff: true,
    summary: "Sesi Bimtek wilayah",
    description: "Semua sesi satu kabupaten/kota atau provinsi (bawaan: wilayah petugas).",
    parameters: [regionQuery("Kode kabupaten/kota atau provinsi.")],
    responses: { 200: { description: "Sesi." }, 422: { description: "Kode wilayah tidak valid." } },
  },
  {
    method: "get",
    path: "/v1/staff/bimtek/{id}",
    tag: "staff",
    staff: true,
    summary: "Rincian sesi Bimtek",
    description: "Sesi, hari kehadiran, peserta (nama disamarkan), daftar tunggu dan riwayat sesi.",
    parameters: [sessionId],
    responses: { 200: { description: "Rincian sesi." }, 404: { description: "Tidak ditemukan." } },
  },
  {
    method: "patch",
    path: "/v1/staff/bimtek/{id}",
    tag: "staff",
    staff: true,
    summary: "Menjadwal ulang sesi Bimtek",
    description: "Waktu baru (dan tempat, bila pindah); setiap peserta diberi tahu sekali per versi jadwal.",
    parameters: [sessionId],
    body: {
      name: "Reschedule",
      schema: RescheduleForm,
      example: { startsAt: "2026-12-14T08:00:00+07:00", endsAt: "2026-12-15T16:00:00+07:00" },
    },
    responses: {
      200: { description: "Sesi dengan jadwal baru." },
      404: { description: "Tidak ditemukan." },
      409: { description: "Sesi sudah dimulai atau dibatalkan." },
      422: { description: "Waktu tidak valid." },
    },
  },
  {
    method: "put",
    path: "/v1/staff/bimtek/{id}/attendance",
    tag: "staff",
    staff: true,
    summary: "Mencatat kehadiran",
    description:
      "Hari yang dihadiri setiap peserta (1 = hari pertama, waktu setempat), setelah sesi selesai sampai sertifikat diterbitkan.",
    parameters: [sessionId],
    body: {
      name: "Attendance",
      schema: AttendanceBody,
      example: { records: [{ enrollmentId: "e5t8q2w9r3ma", days: [1, 2] }] },
    },
    responses: {
      200: { description: "Tersimpan.", example: { sessionId: "b7d2k9m3x5pq", recorded: 1 } },
      404: { description: "Tidak ditemukan." },
      409: { description: "Sesi belum selesai, atau daftar hadir sudah ditutup." },
      422: { description: "Isian tidak valid." },
    },
  },
  {
    method: "post",
    path: "/v1/staff/bimtek/{id}/enrollments/{enrollmentId}/cancellation",
    tag: "staff",
    staff: true,
    summary: "Membatalkan peserta",
    description: "Penyelenggara membatalkan seorang peserta dengan alasan yang disampaikan kepadanya.",
    parameters: [
      sessionId,
      pathParam("enrollmentId", "Nomor pendaftaran Bimtek.", EnrollmentId, "e5t8q2w9r3ma"),
    ],
    body: {
      name: "Cancellation",
      schema: CancellationForm,
      example: { reason: "Peserta pindah domisili ke luar kabupaten." },
    },
    responses: {
      200: { description: "Dibatalkan.", example: { enrollmentId: "e5t8q2w9r3ma", status: "cancelled" } },
      404: { description: "Tidak ditemukan." },
      409: { description: "Sudah berakhir atau sesi sudah dimulai." },
      422: { description: "Alasan tidak valid." },
    },
  },
  {
    method: "post",
    path: "/v1/staff/bimtek/{id}/cancellation",
    tag: "staff",
    staff: true,
    summary: "Membatalkan sesi Bimtek",
    description: "Sesi dibatalkan; setiap peserta diberi tahu alasannya.",
    parameters: [sessionId],
    body: {
      name: "Cancellation",
      schema: CancellationForm,
      example: { reason: "Tempat pelatihan terdampak banjir." },
    },
    responses: {
      200: { description: "Sesi dibatalkan." },
      404: { description: "Tidak ditemukan." },
      409: { description: "Sesi sudah dimulai atau dibatalkan." },
      422: { description: "Alasan tidak valid." },
    },
  },
];
