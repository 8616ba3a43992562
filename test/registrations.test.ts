/**
 * POST /v1/registrations and GET /v1/registrations/{id}: validation, uniqueness, idempotency,
 * personal data, and a crash between save and start — against DynamoDB Local and the real workflow.
 */
import { ListExecutionsCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { registrationKeys } from "@sigap/core/registration/keys";
import { listRegistrations } from "@sigap/core/registration/repository";
import { reconcileRegistrations } from "@sigap/core/registration/workflow";
import { stateMachineArn, tableName } from "@sigap/core/resources";
import { sfn } from "@sigap/core/workflow/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AppStack, startAppStack } from "./support/app-stack";
import { capturedLogs } from "./support/logs";

let stack: AppStack;
beforeAll(async () => {
  stack = await startAppStack();
});
afterAll(() => stack.close());

/** A different valid person for each test: NIK serials 0100+ keep them apart. */
let serial = 100;
function person(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return { ...validRegistration, nik: `320501550795${String(serial).padStart(4, "0")}`, ...overrides };
}

function post(body: unknown, headers: Record<string, string> = {}) {
  return stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const registrationsInGarut = async () => (await listRegistrations("32.05")).length;

describe("POST /v1/registrations", () => {
  it("accepts a valid registration: 202 with id, receipt code and status URL, and starts recruitment", async () => {
    const response = await post(person());
    expect(response.status).toBe(202);
    const body = (await response.json()) as {
      id: string;
      receiptCode: string;
      status: string;
      statusUrl: string;
    };
    expect(body).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{12}$/),
      receiptCode: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/),
      status: "submitted",
      statusUrl: `http://localhost:0/v1/registrations/${body.id}?receipt=${body.receiptCode}`,
    });
    expect(response.headers.get("location")).toBe(body.statusUrl);
    const { executions } = await stack.client.send(
      new ListExecutionsCommand({ stateMachineArn: stateMachineArn("recruitment") }),
    );
    expect(executions?.map((e) => e.name)).toContain(`reg-${body.id}-1`);
  });

  it("accepts a plain HTML form (urlencoded, checkbox 'on')", async () => {
    const form = new URLSearchParams({ ...person(), consent: "on" } as unknown as Record<string, string>);
    const response = await stack.app.request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(response.status).toBe(202);
  });

  it("rejects bad input with a 422 problem in Bahasa Indonesia and writes nothing", async () => {
    const before = await registrationsInGarut();
    const response = await post(person({ gender: "L", phone: "12345", consent: false }));
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await response.json()) as {
      title: string;
      errors: Array<{ field: string; message: string }>;
    };
    expect(problem.title).toBe("Data belum lengkap atau belum benar");
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: "phone", message: "Nomor telepon tidak valid. Contoh: 0812-3456-7890." },
        { field: "consent", message: "Persetujuan pemrosesan data wajib diberikan." },
      ]),
    );
    expect(await registrationsInGarut()).toBe(before);
  });

  it("answers other bodies with 4xx problems, never 5xx", async () => {
    expect((await post("{not json")).status).toBe(400);
    expect((await post("[]")).status).toBe(400);
    const text = await stack.app.request("/v1/registrations", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "halo",
    });
    expect(text.status).toBe(415);
    const huge = await post(person({ motivation: "x".repeat(70_000) }));
    expect(huge.status).toBe(413);
    expect((await post(person(), { "Idempotency-Key": "has spaces" })).status).toBe(400);
  });

  it("allows one registration per NIK, and the 409 reveals nothing about the first", async () => {
    const applicant = person();
    expect((await post(applicant)).status).toBe(202);
    const second = await post({ ...applicant, fullName: "Orang Lain" });
    expect(second.status).toBe(409);
    const problem = (await second.json()) as Record<string, unknown>;
    expect(problem.title).toBe("NIK sudah terdaftar");
    expect(JSON.stringify(problem)).not.toMatch(/Siti|receipt|"id"/);
  });

  it("lets exactly one of 20 concurrent submissions of one NIK with different details through; the rest get 409", async () => {
    const nik = person().nik;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(person({ nik, address: `Jl. Cikajang No. ${i + 1}` }))),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it("answers the same submission sent again (a double click, a retry after a timeout) with the first registration", async () => {
    const applicant = person();
    const before = await registrationsInGarut();
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(applicant)));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    const answers = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      id: string;
      receiptCode: string;
    }>;
    expect(new Set(answers.map((a) => `${a.id} ${a.receiptCode}`)).size).toBe(1);
    expect(await registrationsInGarut()).toBe(before + 1);
    // Any other detail makes it another submission: the NIK is taken.
    expect((await post({ ...applicant, phone: "0813-0000-0000" })).status).toBe(409);
  });

  it("replays the first answer for a retry with the same Idempotency-Key and body, writing nothing", async () => {
    const applicant = person();
    const first = await post(applicant, { "Idempotency-Key": "form-abc-1" });
    expect(first.status).toBe(202);
    const before = await registrationsInGarut();
    const retry = await post(applicant, { "Idempotency-Key": "form-abc-1" });
    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual(await first.json());
    expect(await registrationsInGarut()).toBe(before);

    const other = await post(person(), { "Idempotency-Key": "form-abc-1" });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { title: string }).title).toBe("Idempotency-Key sudah dipakai");
  });

  it("keeps the NIK only hashed, encrypted and masked, and never logs it or the name", async () => {
    const applicant = person({ fullName: "Nama Sangat Rahasia" });
    let id = "";
    const logs = await capturedLogs(async () => {
      id = ((await (await post(applicant)).json()) as { id: string }).id;
    });
    expect(logs).toContain("Registration accepted");
    expect(logs).not.toContain(applicant.nik);
    expect(logs).not.toContain("Nama Sangat Rahasia");
    const { Item } = await db().send(
      new GetCommand({ TableName: tableName(), Key: registrationKeys.registration(id) }),
    );
    expect(JSON.stringify(Item)).not.toContain(applicant.nik);
    expect(Item).toMatchObject({
      nikMasked: `3205********${applicant.nik.slice(12)}`,
      lawfulBasis: "consent",
    });
    expect(Item?.nikHash).toEqual(expect.any(String));
    expect(Item?.nikEncrypted).toMatch(/^v1\./);
  });
});

describe("GET /v1/registrations/{id}", () => {
  it("shows status, stage and dated history to the holder of the receipt code, without NIK or notes", async () => {
    const { id, receiptCode } = (await (await post(person())).json()) as { id: string; receiptCode: string };
    const response = await stack.app.request(`/v1/registrations/${id}?receipt=${receiptCode.toLowerCase()}`);
    expect(response.status).toBe(200);
    const view = (await response.json()) as Record<string, unknown> & {
      history: Array<Record<string, unknown>>;
    };
    expect(view).toMatchObject({
      id,
      status: "submitted",
      statusLabel: "Diajukan",
      stage: "village-recommendation",
    });
    expect(view.history[0]).toEqual({
      at: expect.any(String),
      event: "submitted",
      label: "Pendaftaran diterima",
    });
    const text = JSON.stringify(view);
    expect(text).not.toMatch(/nik|note|actor|3205015507/i);
  });

  it("answers 404 alike for a wrong code and an unknown id", async () => {
    const { id } = (await (await post(person())).json()) as { id: string };
    const wrong = await stack.app.request(`/v1/registrations/${id}?receipt=AAAA-BBBB`);
    const missing = await stack.app.request("/v1/registrations/zzzzzzzzzzzz?receipt=AAAA-BBBB");
    const noCode = await stack.app.request(`/v1/registrations/${id}`);
    expect([wrong.status, missing.status, noCode.status]).toEqual([404, 404, 404]);
    expect(await wrong.json()).toEqual(await missing.json());
  });
});

describe("nothing lost between save and start", () => {
  it("saves the registration when the workflow cannot start, and the reconciler starts it", async () => {
    const send = sfn().send.bind(sfn());
    const spy = vi.spyOn(sfn(), "send").mockImplementation(((command: unknown) => {
      if (command instanceof StartExecutionCommand)
        return Promise.reject(new Error("Step Functions unavailable"));
      return send(command as never);
    }) as typeof send);
    let id: string;
    try {
      const response = await post(person({ email: "crash@example.com" }));
      expect(response.status).toBe(202);
      id = ((await response.json()) as { id: string }).id;
    } finally {
      spy.mockRestore();
    }
    const arn = stateMachineArn("recruitment");
    const names = async () =>
      ((await stack.client.send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions ?? []).map(
        (e) => e.name,
      );
    expect(await names()).not.toContain(`reg-${id}-1`);

    const counts = await reconcileRegistrations();
    expect(counts.started).toBeGreaterThanOrEqual(1);
    expect(await names()).toContain(`reg-${id}-1`);
    // A fresh start: the applicant gets the acknowledgement the crash prevented.
    await vi.waitFor(() =>
      expect(
        outbox()
          .list()
          .some((m) => m.to.includes("crash@example.com") && m.subject.includes("diterima")),
      ).toBe(true),
    );
    // Reconciling again changes nothing.
    const again = await reconcileRegistrations();
    expect(again.started + again.restarted).toBe(0);
  });
});
