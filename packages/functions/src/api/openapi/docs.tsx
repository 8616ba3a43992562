import type { FC } from "hono/jsx";
import { Page } from "../../web/layout";
import type { Schema } from "./json-schema";

/** The parts of the OpenAPI document the reference page reads. */
interface DocParameter {
  name: string;
  in: string;
  description?: string;
  required?: boolean;
  schema?: Schema;
  example?: unknown;
}
interface DocMedia {
  schema?: Schema;
  example?: unknown;
}
interface DocOperation {
  tags?: string[];
  summary: string;
  description: string;
  operationId: string;
  security?: unknown[];
  parameters?: DocParameter[];
  requestBody?: { content: Record<string, DocMedia> };
  responses: Record<string, { description: string; content?: Record<string, DocMedia> }>;
}
interface Document {
  info: { title: string; description: string };
  components: { schemas: Record<string, Schema> };
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, DocOperation>>;
}

/** `code` in backticks, as the descriptions write it, shown as code; everything else as text. */
const Prose: FC<{ text: string }> = ({ text }) => (
  <>{text.split("`").map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}</>
);

/** A schema in a few words: `string, pattern ^\d{16}$`, `one of L, P`, `object`. */
function schemaSummary(schema: Schema | undefined): string {
  if (!schema) return "";
  if (Array.isArray(schema.enum)) return `salah satu: ${schema.enum.join(", ")}`;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(schemaSummary).join(" atau ");
  const rules = [
    schema.format ? `format ${schema.format}` : "",
    schema.pattern ? `pola ${schema.pattern}` : "",
    schema.minLength !== undefined || schema.maxLength !== undefined
      ? `${schema.minLength ?? 0}–${schema.maxLength ?? "…"} karakter`
      : "",
    schema.minimum !== undefined || schema.maximum !== undefined
      ? `${schema.minimum ?? "…"}–${schema.maximum ?? "…"}`
      : "",
  ].filter(Boolean);
  return [String(schema.type ?? "nilai"), ...rules].join(", ");
}

/** A request body's fields, one row each (nested objects by their dotted names). */
function fieldRows(
  schema: Schema | undefined,
  prefix = "",
): Array<{ name: string; required: boolean; rule: string }> {
  const properties = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, property]) => {
    const row = { name: `${prefix}${name}`, required: required.has(name), rule: schemaSummary(property) };
    if (property.type === "object" && property.properties)
      return [row, ...fieldRows(property, `${row.name}.`)];
    if (property.type === "array" && (property.items as Schema | undefined)?.properties) {
      return [row, ...fieldRows(property.items as Schema, `${row.name}[].`)];
    }
    return [row];
  });
}

const Example: FC<{ value: unknown }> = ({ value }) => (
  <pre class="example">
    <code>{JSON.stringify(value, null, 2)}</code>
  </pre>
);

/** A request body's schema, by its name among the document's schemas. */
const resolved = (doc: Document, schema: Schema | undefined): Schema | undefined =>
  typeof schema?.$ref === "string" ? doc.components.schemas[schema.$ref.split("/").pop() ?? ""] : schema;

const OperationSection: FC<{ doc: Document; method: string; path: string; op: DocOperation }> = ({
  doc,
  method,
  path,
  op,
}) => {
  const body = op.requestBody?.content;
  const bodyMedia = body?.["application/json"] ?? body?.["application/x-www-form-urlencoded"];
  const fields = fieldRows(resolved(doc, bodyMedia?.schema));
  return (
    <section class="operation">
      <h1>
        <span class="method">{method.toUpperCase()}</span> <code>{path}</code>
      </h1>
      <p>
        <strong>{op.summary}.</strong> <Prose text={op.description} />
      </p>
      {op.security ? (
        <p class="note">
          Memerlukan token petugas: <code>Authorization: Bearer &lt;JWT&gt;</code>.
        </p>
      ) : null}
      {op.parameters?.length ? (
        <>
          <h2>Parameter</h2>
          <ul class="items">
            {op.parameters.map((p) => (
              <li>
                <code>{p.name}</code>{" "}
                <span class="note">({[p.in, p.required ? "wajib" : ""].filter(Boolean).join(", ")})</span>
                <br />
                <Prose text={p.description ?? ""} /> <span class="note">{schemaSummary(p.schema)}</span>
                {p.example !== undefined ? (
                  <>
                    {" "}
                    Contoh: <code>{String(p.example)}</code>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {body ? (
        <>
          <h2>Isi permintaan</h2>
          <p class="note">{Object.keys(body).join(" atau ")}</p>
          {fields.length ? (
            <ul class="items">
              {fields.map((f) => (
                <li>
                  <code>{f.name}</code>
                  {f.required ? <span class="note"> (wajib)</span> : null}: {f.rule}
                </li>
              ))}
            </ul>
          ) : null}
          {bodyMedia?.example !== undefined ? <Example value={bodyMedia.example} /> : null}
        </>
      ) : null}
      <h2>Jawaban</h2>
      <ul class="responses">
        {Object.entries(op.responses).map(([status, answer]) => (
          <li>
            <strong>{status}</strong> <Prose text={answer.description} />
            {answer.content ? <span class="note"> ({Object.keys(answer.content).join(", ")})</span> : null}
          </li>
        ))}
      </ul>
      {Object.values(op.responses)
        .flatMap((answer) => (answer.content?.["application/json"]?.example !== undefined ? [answer] : []))
        .slice(0, 1)
        .map((answer) => (
          <Example value={answer.content?.["application/json"]?.example} />
        ))}
    </section>
  );
};

/** Each operation of the document with its path and method, in the order of its tags. */
function operationsByTag(doc: Document) {
  return doc.tags.map((tag) => ({
    tag: tag.name,
    operations: Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.tags?.includes(tag.name))
        .map(([method, op]) => ({ method, path, op })),
    ),
  }));
}

/**
 * `GET /docs`: the API reference's contents, read from the OpenAPI document; one light page per
 * operation (`/docs/<operationId>`), so a phone on a slow connection loads only what it opens.
 */
export const ReferenceIndex: FC<{ document: Record<string, unknown> }> = ({ document }) => {
  const doc = document as unknown as Document;
  return (
    <Page title="Referensi API">
      <div class="api-reference">
        <h1>Referensi API SIGAP</h1>
        <p>
          <Prose text={doc.info.description} />
        </p>
        <p>
          Dokumen OpenAPI 3.1 untuk mesin: <a href="/openapi.json">/openapi.json</a>.
        </p>
        {operationsByTag(doc).map(({ tag, operations }) => (
          <>
            <h2>{tag}</h2>
            <ul>
              {operations.map(({ method, path, op }) => (
                <li>
                  <a href={`/docs/${op.operationId}`}>
                    {method.toUpperCase()} {path}
                  </a>{" "}
                  — {op.summary}
                </li>
              ))}
            </ul>
          </>
        ))}
      </div>
    </Page>
  );
};

/** The operation `operationId` of the document, or undefined. */
export function findOperation(document: Record<string, unknown>, operationId: string) {
  const doc = document as unknown as Document;
  for (const { operations } of operationsByTag(doc)) {
    const found = operations.find(({ op }) => op.operationId === operationId);
    if (found) return { doc, ...found };
  }
  return undefined;
}

/** `GET /docs/<operationId>`: one operation in full. */
export const OperationPage: FC<{ doc: Document; method: string; path: string; op: DocOperation }> = ({
  doc,
  method,
  path,
  op,
}) => (
  <Page title={`${method.toUpperCase()} ${path}`}>
    <div class="api-reference">
      <p>
        <a href="/docs">Referensi API</a> · {op.tags?.join(", ")}
      </p>
      <OperationSection doc={doc} method={method} path={path} op={op} />
    </div>
  </Page>
);
