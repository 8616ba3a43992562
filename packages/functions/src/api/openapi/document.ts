import type * as v from "valibot";
import { jsonSchemaOf, type Schema } from "./json-schema";
import { type Answer, type Operation, operations, type Parameter, TAGS } from "./operations";

/** Problems any operation of a kind may answer, beside those it lists. */
const COMMON_PROBLEMS: Record<number, string> = {
  400: "Isi permintaan tidak dapat dibaca.",
  401: "Token petugas tidak ada, tidak valid atau kedaluwarsa.",
  413: "Isi permintaan lebih dari 64 KB.",
  415: "Format isi tidak didukung (gunakan JSON atau formulir, UTF-8).",
  503: "Layanan pendukung sedang tidak tersedia; coba lagi (lihat `Retry-After`).",
};

const problemSchema: Schema = {
  type: "object",
  description: "RFC 9457 problem document; pesan dalam Bahasa Indonesia.",
  properties: {
    type: { type: "string", format: "uri", description: "Jenis masalah, tetap per jenis." },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    errors: {
      type: "array",
      description: "Untuk 422: satu pesan per field (`field` bertitik, mis. `records.0.days`).",
      items: {
        type: "object",
        properties: { field: { type: "string" }, message: { type: "string" } },
        required: ["field", "message"],
      },
    },
  },
  required: ["type", "title", "status"],
};

const problemExample = {
  type: "https://sigap.kemensos.go.id/problems/validation",
  title: "Data belum lengkap atau belum benar",
  status: 422,
  detail: "Periksa kembali isian yang ditandai.",
  errors: [{ field: "nik", message: "NIK harus terdiri dari 16 digit angka." }],
};

const isValibot = (schema: v.GenericSchema | Schema): schema is v.GenericSchema =>
  "~standard" in schema && "kind" in schema;

const schemaOf = (schema: v.GenericSchema | Schema): Schema =>
  isValibot(schema) ? jsonSchemaOf(schema) : schema;

function parameter(p: Parameter): Schema {
  return {
    name: p.name,
    in: p.in,
    description: p.description,
    ...(p.required ? { required: true } : {}),
    schema: schemaOf(p.schema),
    ...(p.example !== undefined ? { example: p.example } : {}),
  };
}

function answer(status: number, a: Answer): Schema {
  const content: Schema = {};
  if (status >= 400) {
    content["application/problem+json"] = { schema: { $ref: "#/components/schemas/Problem" } };
    // A link opened in a browser is refused with a page; a JSON caller gets the problem document.
    if (a.html === "only") content["text/html"] = { schema: { type: "string" } };
  } else if (status !== 303) {
    if (a.html !== "only") {
      content["application/json"] = {
        schema: a.schema ?? { type: "object" },
        ...(a.example !== undefined ? { example: a.example } : {}),
      };
    }
    if (a.html) content["text/html"] = { schema: { type: "string" } };
  }
  return {
    description: a.description,
    ...(status === 303 ? { headers: { Location: { schema: { type: "string" } } } } : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function operation(op: Operation): Schema {
  const responses: Record<string, Schema> = {};
  for (const [status, a] of Object.entries(op.responses)) responses[status] = answer(Number(status), a);
  const common = [...(op.staff ? [401] : []), ...(op.body ? [400, 413, 415] : []), 503];
  for (const status of common) {
    responses[String(status)] ??= answer(status, { description: COMMON_PROBLEMS[status] as string });
  }
  const body = op.body;
  const bodySchema = body ? { $ref: `#/components/schemas/${body.name}` } : undefined;
  return {
    tags: [TAGS[op.tag]],
    summary: op.summary,
    description: op.description,
    operationId: `${op.method}${op.path.replace(/[{}]/g, "").replace(/[/.-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    ...(op.staff ? { security: [{ staffToken: [] }] } : {}),
    ...(op.parameters?.length ? { parameters: op.parameters.map(parameter) } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: {
              ...(body.formOnly ? {} : { "application/json": { schema: bodySchema, example: body.example } }),
              "application/x-www-form-urlencoded": {
                schema: bodySchema,
                ...(body.formOnly ? { example: body.example } : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the API, built from the operations table and the routes' schemas. */
export function buildOpenApiDocument(): Schema {
  const paths: Record<string, Schema> = {};
  const bodies: Record<string, Schema> = {};
  for (const op of operations) {
    if (op.body) bodies[op.body.name] ??= schemaOf(op.body.schema);
    paths[op.path] = { ...paths[op.path], [op.method]: operation(op) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "SIGAP API",
      version: "1",
      summary: "Pekerja Sosial Masyarakat: pendaftaran, Bimtek, laporan kasus",
      description:
        "API layanan SIGAP untuk program Pekerja Sosial Masyarakat (PSM). Endpoint publik menerima JSON dan formulir HTML biasa (`application/x-www-form-urlencoded`), menghormati header `Idempotency-Key`, dan menjawab kesalahan sebagai RFC 9457 `application/problem+json` dengan pesan dalam Bahasa Indonesia. Endpoint `/v1/staff` memerlukan token petugas (`Authorization: Bearer <JWT>`) dan dibatasi pada wilayah petugas. Waktu disimpan dan dikirim dalam UTC (ISO 8601). Isi permintaan maksimal 64 KB.",
    },
    servers: [{ url: "/", description: "Layanan ini" }],
    tags: Object.values(TAGS).map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...bodies, Problem: { ...problemSchema, example: problemExample } },
      securitySchemes: {
        staffToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "Token petugas dari penyedia identitas (lokal: `npm run token`). Klaim `role` (village, district, province, admin) dan `region` menentukan wilayah yang dapat diakses; `exp` wajib.",
        },
      },
    },
  };
}

let built: Schema | undefined;

/** Built on first use, then kept: a cold start that never serves the reference never pays for it. */
export function openApiDocument(): Schema {
  built ??= buildOpenApiDocument();
  return built;
}
