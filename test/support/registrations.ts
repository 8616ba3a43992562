import { validRegistration } from "@sigap/core/registration/fixtures";
import { expect } from "vitest";

/** How a test reaches the API: `app.request` in-process (pumped on a fake clock) or `fetch` over HTTP. */
export type ApiRequest = (path: string, init: RequestInit) => Promise<Response>;

/**
 * A registration submitted through `POST /v1/registrations` as a person would: the demo
 * registration with a NIK of its own (by `serial`, which must be unique per test file) and the
 * given name and address. Answers the registration's id and receipt code.
 */
export async function registerThroughApi(
  request: ApiRequest,
  serial: number,
  person: { fullName: string; email: string },
): Promise<{ id: string; receiptCode: string }> {
  const response = await request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      ...validRegistration,
      nik: `320501550795${String(serial).padStart(4, "0")}`,
      ...person,
    }),
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { id: string; receiptCode: string };
}
