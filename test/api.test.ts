/** The API app against real DynamoDB Local and a real local Step Functions endpoint. */
import { settings } from "@sigap/core/config/settings";
import { outbox } from "@sigap/core/mail/outbox";
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

  it("pages by ?limit=&before=, newest first, and answers every message without them", async () => {
    const sent = [];
    for (let n = 0; n < 5; n++) {
      sent.push(
        await outbox().add({
          to: [`p${n}@example.com`],
          subject: `Halaman ${n}`,
          text: "x",
          html: "<p>x</p>",
        }),
      );
    }
    const get = (query: string) =>
      createApp().request(`/_dev/mail${query}`, { headers: { Accept: "application/json" } });
    const ids = async (response: Response) =>
      ((await response.json()) as Array<{ id: string }>).map((m) => m.id);

    const all = await get("");
    expect(all.headers.get("link")).toBeNull();
    expect(await ids(all)).toHaveLength(outbox().size);

    const first = await get("?limit=2");
    expect(await ids(first)).toEqual([sent[4]?.id, sent[3]?.id]);
    const next = first.headers.get("link")?.match(/^<([^>]+)>; rel="next"$/)?.[1];
    expect(next).toBe(`/_dev/mail?limit=2&before=${sent[3]?.id}`);
    expect(await ids(await get(next?.slice("/_dev/mail".length) ?? ""))).toEqual([sent[2]?.id, sent[1]?.id]);
    // The oldest page has no next link.
    const oldest = await get(`?limit=${outbox().size}`);
    expect(oldest.headers.get("link")).toBeNull();

    const page = await createApp().request(`/_dev/mail?limit=2`, { headers: { Accept: "text/html" } });
    const html = await page.text();
    expect(html).toContain("Halaman 4");
    expect(html).not.toContain("Halaman 2");
    expect(html).toContain(`href="/_dev/mail?limit=2&amp;before=${sent[3]?.id}"`);
  });

  it("refuses a bad limit or an unknown before with a 422 in Bahasa Indonesia", async () => {
    for (const query of [
      "?limit=0",
      "?limit=1001",
      "?limit=dua",
      "?limit=-1",
      "?limit=",
      "?before=tidak-ada",
    ]) {
      const response = await createApp().request(`/_dev/mail${query}`, {
        headers: { Accept: "application/json" },
      });
      expect(response.status, query).toBe(422);
      const problem = (await response.json()) as { title: string; errors: Array<{ field: string }> };
      expect(problem.title, query).toMatch(/tidak (valid|ditemukan)/);
      expect(problem.errors[0]?.field, query).toBe(query.startsWith("?before") ? "before" : "limit");
    }
  });

  it("does not exist when mail goes through SES", async () => {
    const production = createApp({ ...settings(), mailTransport: "ses" });
    const response = await production.request("/_dev/mail", { headers: { Accept: "application/json" } });
    expect(response.status).toBe(404);
  });
});
