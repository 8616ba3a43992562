/**
 * On AWS the HTTP surface is two Lambdas: the API (every page and API route) and the API reference
 * (/openapi.json, /docs). Together they serve exactly what `createApp` (npm start, the tests) serves.
 * Its own file: a Lambda module reads the process settings once, when loaded, which must not happen
 * before a test file with a running stack has set them.
 */
import { createApp } from "@sigap/functions/api/app";
import { serviceApp } from "@sigap/functions/api/lambda";
import { referenceApp } from "@sigap/functions/api/reference-lambda";
import { describe, expect, it } from "vitest";

describe("the two Lambdas", () => {
  it("splits into the API Lambda (every route but the reference) and the reference Lambda (only it)", () => {
    const routesOf = (app: { routes: Array<{ method: string; path: string }> }) =>
      [...new Set(app.routes.map((r) => `${r.method} ${r.path}`))].sort();
    const isReference = (route: string) => / \/(openapi\.json|docs(\/.*)?)$/.test(route);
    const whole = routesOf(createApp());
    const service = routesOf(serviceApp);
    expect(service.length).toBeGreaterThan(40);
    expect(service).toEqual(whole.filter((route) => !isReference(route)));
    // The reference app: the shell's middleware (headers, body limit) and the reference's three routes.
    expect(routesOf(referenceApp)).toEqual([
      "ALL /*",
      "GET /docs",
      "GET /docs/:operationId",
      "GET /openapi.json",
    ]);
    expect(whole.filter(isReference)).toEqual(["GET /docs", "GET /docs/:operationId", "GET /openapi.json"]);
  });
});
