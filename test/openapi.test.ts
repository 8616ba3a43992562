/**
 * The OpenAPI document against the app it describes: it validates, it is the committed copy, every
 * API route is in it with words and nothing else is, the reference pages render it, and every
 * documented operation, called with its documented example, answers with its documented status.
 */

import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { validate } from "@readme/openapi-parser";
import { getAction, getCurrentRequest } from "@sigap/core/action/repository";
import { issueCertificates } from "@sigap/core/bimtek/certificates";
import { getEnrolment } from "@sigap/core/bimtek/enrolment";
import { attendanceUrl, certificateCode } from "@sigap/core/bimtek/links";
import { ENROLMENT_SUBJECT, OFFER_STEP } from "@sigap/core/bimtek/model";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { getRegistration } from "@sigap/core/registration/repository";
import { createApp } from "@sigap/functions/api/app";
import { Ajv2020 } from "ajv/dist/2020";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { serializedDocument } from "../scripts/openapi";
import { type AppStack, startAppStack } from "./support/app-stack";
import { actionLink, path, pump, until, useFakeWorkflowClock } from "./support/fake-clock";
import { registerThroughApi } from "./support/registrations";
import { staffToken } from "./support/staff-token";

// Days pass on the fake clock between the enrolment and the attendance: SDK timeouts would fire.
process.env.AWS_CONNECT_TIMEOUT_MS = "0";
process.env.AWS_REQUEST_TIMEOUT_MS = "0";

interface DocOperation {
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; example?: string }>;
  requestBody?: { content: Record<string, { example?: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type Document = { paths: Record<string, Record<string, DocOperation>> };

const documented = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([route, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
  );

async function served(app: { request: (path: string) => Response | Promise<Response> }): Promise<Document> {
  const response = await app.request("/openapi.json");
  expect(response.status).toBe(200);
  expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  return (await response.json()) as Document;
}

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1 and is the committed docs/openapi.json", async () => {
    const doc = await served(createApp());
    const result = await validate(structuredClone(doc) as unknown as Parameters<typeof validate>[0]);
    expect(result.valid, JSON.stringify(result)).toBe(true);
    expect(JSON.stringify(doc)).toBe(JSON.stringify(JSON.parse(serializedDocument())));
    // Regenerate with `npm run openapi` when this fails.
    expect(readFileSync("docs/openapi.json", "utf8")).toBe(serializedDocument());
  });

  it("documents every API route with a summary and a description, and no route that does not exist", async () => {
    const app = createApp();
    const routes = new Set(
      app.routes
        .filter((r) => r.method !== "ALL" && (r.path.startsWith("/v1/") || r.path === "/health"))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const doc = await served(app);
    expect(new Set(documented(doc))).toEqual(routes);
    for (const [route, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(op.summary?.trim(), `${method} ${route} summary`).toBeTruthy();
        expect(op.description?.trim().length ?? 0, `${method} ${route} description`).toBeGreaterThan(20);
        if (route.startsWith("/v1/staff/")) expect(op.security).toEqual([{ staffToken: [] }]);
      }
    }
  });

  it("names the problem document, the staff token and the HTML answers of the status links", async () => {
    const doc = (await served(createApp())) as Document & {
      components: Record<string, Record<string, unknown>>;
    };
    expect(doc.components.securitySchemes?.staffToken).toMatchObject({
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
    });
    expect(doc.paths["/v1/registrations"]?.post?.responses["422"]?.content).toEqual({
      "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
    });
    for (const route of ["/v1/registrations/{id}", "/v1/cases/{id}", "/v1/certificates/{code}"]) {
      expect(Object.keys(doc.paths[route]?.get?.responses["200"]?.content ?? {})).toEqual([
        "application/json",
        "text/html",
      ]);
    }
    // From the valibot schema, named among the document's schemas: the NIK's pattern, the name's limits.
    expect(doc.paths["/v1/registrations"]?.post?.requestBody?.content["application/json"]).toMatchObject({
      schema: { $ref: "#/components/schemas/Registration" },
    });
    const registration = doc.components.schemas?.Registration as { properties: Record<string, unknown> };
    expect(registration.properties.nik).toEqual({ type: "string", pattern: "^\\d{16}$" });
    expect(registration.properties.fullName).toEqual({ type: "string", minLength: 3, maxLength: 100 });
  });

  it("is served gzipped to whoever accepts it, as is the reference page", async () => {
    const app = createApp();
    const plain = await app.request("/openapi.json");
    const plainBytes = (await plain.arrayBuffer()).byteLength;
    const zipped = await app.request("/openapi.json", {
      headers: { "Accept-Encoding": "gzip, deflate, br" },
    });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("vary")).toContain("Accept-Encoding");
    const bytes = Buffer.from(await zipped.arrayBuffer());
    expect(JSON.parse(gunzipSync(bytes).toString("utf8"))).toEqual(JSON.parse(serializedDocument()));
    console.info(`/openapi.json: ${plainBytes} bytes, ${bytes.byteLength} gzipped`);
    expect(bytes.byteLength).toBeLessThan(plainBytes / 4);

    const docs = await app.request("/docs", { headers: { "Accept-Encoding": "gzip" } });
    expect(docs.headers.get("content-encoding")).toBe("gzip");
    // Nothing else is compressed by the reference's middleware (it is the reference's own).
    // (The province list: over the 1 KB threshold, so it would be compressed if the middleware leaked.)
    const regions = await app.request("/v1/regions", { headers: { "Accept-Encoding": "gzip" } });
    expect(regions.status).toBe(200);
    expect((await regions.clone().arrayBuffer()).byteLength).toBeGreaterThan(1024);
    expect(regions.headers.get("content-encoding")).toBeNull();
  });

  it("renders the reference: a contents page and one page per operation, without script", async () => {
    const app = createApp();
    const index = await app.request("/docs");
    expect(index.status).toBe(200);
    expect(index.headers.get("Content-Type")).toContain("text/html");
    const html = await index.text();
    expect(html).not.toContain("<script");
    const links = [...html.matchAll(/href="(\/docs\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(links).toHaveLength(documented(await served(app)).length);
    for (const link of links) {
      const page = await app.request(link);
      expect(page.status, link).toBe(200);
      const text = await page.text();
      expect(text).not.toContain("<script");
      // Light enough for a phone on a slow connection.
      expect(text.length, link).toBeLessThan(20_000);
    }
    expect((await app.request("/docs/tidak-ada")).status).toBe(404);
    expect(await (await app.request("/docs/postV1Registrations")).text()).toContain("3205015507950002");
  });
});

describe("every documented operation, called with its documented example", () => {
  let stack: AppStack;
  beforeAll(async () => {
    stack = await startAppStack();
  });
  afterAll(() => stack.close());
  useFakeWorkflowClock();

  const KADES_CIKAJANG = "kades.cikajang@garutkab.example.go.id";
  const called = new Set<string>();

  /**
   * Calls the operation as its document shows it: the example of every parameter and of the body,
   * `substitute` standing in for what only this test's data can give (ids, codes). Expects the
   * first documented status.
   */
  // Formats (date-time, uri) are descriptions here; the shapes, types, enums and required fields are checked.
  const answers = new Ajv2020({ strict: false, validateFormats: false });
  const checkedAgainstSchema = new Set<string>();

  async function call(
    doc: Document,
    method: string,
    route: string,
    substitute: { params?: Record<string, string>; body?: Record<string, unknown> } = {},
  ): Promise<Response> {
    const op = doc.paths[route]?.[method];
    if (!op) throw new Error(`${method} ${route} is not documented`);
    called.add(`${method.toUpperCase()} ${route}`);
    const value = (name: string, example: string | undefined) => substitute.params?.[name] ?? example;
    let url = route;
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    for (const p of op.parameters ?? []) {
      const given = value(p.name, p.example);
      if (given === undefined) continue;
      if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(given));
      if (p.in === "query") query.set(p.name, given);
      if (p.in === "header") headers[p.name] = given;
    }
    if (op.security) headers.Authorization = `Bearer ${await staffToken("district", "32.05")}`;
    const [expected, answer] = Object.entries(op.responses)[0] as [
      string,
      { content?: Record<string, unknown> },
    ];
    headers.Accept = answer.content?.["application/json"] ? "application/json" : "text/html";
    let body: string | undefined;
    const content = op.requestBody?.content;
    if (content) {
      const json = content["application/json"];
      const example = {
        ...(json ?? content["application/x-www-form-urlencoded"])?.example,
        ...substitute.body,
      };
      headers["Content-Type"] = json ? "application/json" : "application/x-www-form-urlencoded";
      body = json
        ? JSON.stringify(example)
        : new URLSearchParams(
            Object.entries(example).map(([k, v]): [string, string] => [k, String(v)]),
          ).toString();
    }
    const target = query.size ? `${url}?${query}` : url;
    const response = await pump(stack.app.request(target, { method: method.toUpperCase(), headers, body }));
    expect(response.status, `${method.toUpperCase()} ${target}: ${await response.clone().text()}`).toBe(
      Number(expected),
    );
    // The answer is what its documented schema says (a JSON answer; a page is a page).
    const schema = (answer.content?.["application/json"] as { schema?: Record<string, unknown> } | undefined)
      ?.schema;
    if (schema && response.headers.get("content-type")?.startsWith("application/json")) {
      const valid = answers.compile(schema);
      const body = await response.clone().json();
      expect(valid(body), `${method.toUpperCase()} ${route}: ${JSON.stringify(valid.errors)}`).toBe(true);
      if (schema.properties) checkedAgainstSchema.add(`${method.toUpperCase()} ${route}`);
    }
    return response;
  }

  const recommendationLink = (name: string) =>
    until(
      () =>
        outbox()
          .list()
          .find((m) => m.to.includes(KADES_CIKAJANG) && m.subject.includes(`calon PSM: ${name}`)),
      `the recommendation request for ${name}`,
    ).then(actionLink);

  /** Waits until the registration waits for Bimtek dasar (recommended by the village head). */
  const waitingForTraining = (id: string) =>
    until(async () => {
      const r = await getRegistration(id);
      return r?.status === "candidate" && r.stage === "basic-training";
    }, `${id} waiting for Bimtek dasar`);

  /** A candidate waiting for Bimtek dasar, registered and recommended through the API. */
  async function candidate(serial: number): Promise<{ id: string; receiptCode: string }> {
    const name = `Calon Uji ${serial}`;
    const { id, receiptCode } = await registerThroughApi(
      (path, init) => pump(stack.app.request(path, init)),
      serial,
      { fullName: name, email: `calon${serial}@example.com` },
    );
    const decided = await pump(
      stack.app.request(path(await recommendationLink(name)), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "decision=recommend",
      }),
    );
    expect(decided.status).toBe(200);
    await waitingForTraining(id);
    return { id, receiptCode };
  }

  /** Whether a workflow step waits for an answer (a pending request). */
  async function pendingRequest(subject: { subjectType: string; subjectId: string; step: string }) {
    const current = await getCurrentRequest(subject);
    const action = current?.actionIds[0] ? await getAction(current.actionIds[0]) : undefined;
    return action?.status === "pending" && !current?.decidedActionId;
  }
  const trainingAwaited = (id: string) =>
    pendingRequest({ subjectType: "registration", subjectId: id, step: "basic-training" });

  const linkParts = (url: string) => {
    const parsed = new URL(url);
    return {
      id: parsed.pathname.split("/").pop() as string,
      code: parsed.searchParams.get("code") as string,
    };
  };

  it("answers each with the first documented status", async () => {
    const doc = await served(stack.app);

    // A cold DynamoDB Local on a loaded machine may miss the 2 s probe once: wait until it answers.
    await until(async () => (await stack.app.request("/health")).status === 200, "the dependencies up");
    await call(doc, "get", "/health");
    await call(doc, "get", "/v1/regions");

    // The registration of the example, recommended through its email link.
    const registered = (await (await call(doc, "post", "/v1/registrations")).json()) as {
      id: string;
      receiptCode: string;
    };
    await call(doc, "get", "/v1/registrations/{id}", {
      params: { id: registered.id, receipt: registered.receiptCode },
    });
    const link = path(await recommendationLink(validRegistration.fullName));
    const actionId = link.split("/").pop() as string;
    await call(doc, "get", "/v1/actions/{actionId}", { params: { actionId } });
    await call(doc, "post", "/v1/actions/{actionId}", { params: { actionId } });
    await waitingForTraining(registered.id);

    const reported = (await (await call(doc, "post", "/v1/cases")).json()) as {
      id: string;
      trackingCode: string;
    };
    await call(doc, "get", "/v1/cases/{id}", {
      params: { id: reported.id, tracking: reported.trackingCode },
    });

    // Staff reads and writes.
    await call(doc, "get", "/v1/staff/registrations");
    await call(doc, "get", "/v1/staff/registrations/{id}", { params: { id: registered.id } });
    const trainee = await candidate(11);
    await until(() => trainingAwaited(trainee.id), "the recruitment's wait for Bimtek dasar");
    await call(doc, "post", "/v1/staff/registrations/{id}/training-completions", {
      params: { id: trainee.id },
    });
    await call(doc, "get", "/v1/staff/cases");
    await call(doc, "get", "/v1/staff/cases/{id}", { params: { id: reported.id } });
    await call(doc, "post", "/v1/staff/cases/{id}/notes", { params: { id: reported.id } });
    await call(doc, "get", "/v1/staff/reports/cases");
    await call(doc, "get", "/v1/staff/reports/coverage");
    await call(doc, "get", "/v1/staff/directory/{regionCode}");
    await call(doc, "put", "/v1/staff/directory/{regionCode}");
    await call(doc, "post", "/v1/staff/data-requests");

    // Bimtek: the example session, the example registration enrolled in it.
    const session = (await (await call(doc, "post", "/v1/staff/bimtek")).json()) as { id: string };
    await call(doc, "get", "/v1/bimtek");
    await call(doc, "get", "/v1/staff/bimtek");
    const enrolled = (await (
      await call(doc, "post", "/v1/bimtek/{id}/enrollments", {
        params: { id: session.id },
        body: { registrationId: registered.id, receiptCode: registered.receiptCode },
      })
    ).json()) as { enrollmentId: string; statusUrl: string };
    const own = linkParts(enrolled.statusUrl);
    await call(doc, "get", "/v1/bimtek/enrollments/{id}", { params: own });
    await call(doc, "get", "/v1/staff/bimtek/{id}", { params: { id: session.id } });

    // A one-seat session: the first cancels, the waiting one is offered the seat and accepts it;
    // then the organiser cancels that participant, reschedules the session and cancels it.
    const small = (await (
      await pump(
        stack.app.request("/v1/staff/bimtek", {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            Authorization: `Bearer ${await staffToken("district", "32.05")}`,
          },
          body: JSON.stringify({
            ...(doc.paths["/v1/staff/bimtek"]?.post?.requestBody?.content["application/json"]?.example ?? {}),
            title: "Bimtek Dasar PSM Garut satu kursi",
            capacity: 1,
          }),
        }),
      )
    ).json()) as { id: string };
    const enrolIn = async (person: { id: string; receiptCode: string }) => {
      const response = await pump(
        stack.app.request(`/v1/bimtek/${small.id}/enrollments`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ registrationId: person.id, receiptCode: person.receiptCode }),
        }),
      );
      expect(response.status).toBe(201);
      return linkParts(((await response.json()) as { statusUrl: string }).statusUrl);
    };
    const first = await enrolIn(await candidate(12));
    const waiting = await enrolIn(await candidate(13));
    expect((await pump(getEnrolment(waiting.id)))?.status).toBe("waitlisted");
    await call(doc, "post", "/v1/bimtek/enrollments/{id}/cancellation", { params: first });
    await until(async () => (await getEnrolment(waiting.id))?.status === "offered", "the offered seat");
    // Answered once the offer workflow has asked (as from its email): an answer while it is still
    // writing its request is told "lapsed" (410), a race of the offer code reported separately.
    await until(
      () => pendingRequest({ subjectType: ENROLMENT_SUBJECT, subjectId: waiting.id, step: OFFER_STEP }),
      "the seat offer asked",
    );
    await call(doc, "post", "/v1/bimtek/enrollments/{id}/offer", { params: waiting });
    await call(doc, "post", "/v1/staff/bimtek/{id}/enrollments/{enrollmentId}/cancellation", {
      params: { id: small.id, enrollmentId: waiting.id },
    });
    await call(doc, "patch", "/v1/staff/bimtek/{id}", { params: { id: small.id } });
    await call(doc, "post", "/v1/staff/bimtek/{id}/cancellation", { params: { id: small.id } });

    // After the example session ends: attendance from the organisers' link and the staff API, then
    // the certificate the session's workflow would issue.
    vi.setSystemTime(new Date("2026-12-08T12:00:00Z"));
    const attendance = linkParts(attendanceUrl(session.id));
    const sheet = { sessionId: session.id, code: attendance.code };
    await call(doc, "get", "/v1/bimtek/attendance/{sessionId}", { params: sheet });
    await call(doc, "post", "/v1/bimtek/attendance/{sessionId}", {
      params: sheet,
      body: { participant: own.id, attended: `${own.id}:1` },
    });
    await call(doc, "put", "/v1/staff/bimtek/{id}/attendance", {
      params: { id: session.id },
      body: { records: [{ enrollmentId: own.id, days: [1, 2] }] },
    });
    await pump(issueCertificates({ id: session.id }));
    await call(doc, "get", "/v1/certificates/{code}", { params: { code: certificateCode(own.id) } });

    expect([...called].sort()).toEqual(documented(doc).sort());
    // The public answers people's tools build against have real schemas, and the answers fit them.
    expect([...checkedAgainstSchema].sort()).toEqual([
      "GET /v1/bimtek",
      "GET /v1/cases/{id}",
      "GET /v1/certificates/{code}",
      "GET /v1/registrations/{id}",
      "POST /v1/cases",
      "POST /v1/registrations",
    ]);
  }, 240_000);
});
