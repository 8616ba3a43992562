/** The API app against real DynamoDB Local and a real local Step Functions endpoint. */
import { settings } from "@sigap/core/config/settings";
import { createApp } from "@sigap/functions/api/app";
import { forgetDependencyStates } from "@sigap/functions/api/health";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStepFunctions, type TestStepFunctions } from "./support/step-functions";

let stepFunctions: TestStepFunctions;

beforeAll(async () => {
  stepFunctions = await startTestStepFunctions();
});
afterAll(() => stepFunctions.close());

describe("GET /health", () => {
  it("answers 200 naming every dependency when all are up", async () => {
    const response = await createApp().request("/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      status: "ok",
      dependencies: {
        dynamodb: { status: "up" },
        stepfunctions: { status: "up" },
        mail: { status: "up", transport: "outbox" },
      },
    });
  });

  it("answers 503 naming the dependency that is down, checking each on its own", async () => {
    stepFunctions.close();
    forgetDependencyStates(); // states are cached for a few seconds; this one changed just now
    const response = await createApp().request("/health");
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      status: string;
      dependencies: Record<string, { status: string }>;
    };
    expect(body.status).toBe("degraded");
    expect(body.dependencies.stepfunctions?.status).toBe("down");
    expect(body.dependencies.dynamodb?.status).toBe("up");
  });
});

describe("problems", () => {
  it("answers an unknown path with a 404 problem document in Bahasa Indonesia", async () => {
    const response = await createApp().request("/v1/tidak-ada");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 404, title: "Alamat tidak ditemukan" });
  });
});

describe("GET /_dev/mail", () => {
  it("is a JSON array for machines and an HTML page for people", async () => {
    const json = await createApp().request("/_dev/mail", { headers: { Accept: "application/json" } });
    expect(json.status).toBe(200);
    expect(Array.isArray(await json.json())).toBe(true);
    const html = await createApp().request("/_dev/mail", { headers: { Accept: "text/html" } });
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(await html.text()).toContain("Kotak keluar lokal");
  });

  it("does not exist when mail goes through SES", async () => {
    const production = createApp({ ...settings(), mailTransport: "ses" });
    const response = await production.request("/_dev/mail", { headers: { Accept: "application/json" } });
    expect(response.status).toBe(404);
  });
});
