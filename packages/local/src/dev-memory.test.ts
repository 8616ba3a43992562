import { createApp } from "@sigap/functions/api/app";
import { describe, expect, it } from "vitest";
import { DEV_MEMORY_PATH, MemorySampler, mountDevMemory } from "./dev-memory";

const url = (query = "") => `http://localhost${DEV_MEMORY_PATH}${query}`;

/** The local app with /_dev/memory mounted as the stack does, and a collector that only counts. */
function appWithMemory(env: NodeJS.ProcessEnv, intervalMs = 300) {
  const collections: number[] = [];
  const app = createApp();
  const sampler = new MemorySampler({ collect: () => collections.push(performance.now()), intervalMs });
  mountDevMemory(app, { env, sampler });
  return { app, collections };
}

describe("GET /_dev/memory", () => {
  it("does not exist unless DEV_MEMORY=1", async () => {
    const { app, collections } = appWithMemory({});
    expect((await app.request(url("?gc=1"))).status).toBe(404);
    expect(collections).toHaveLength(0);
  });

  it("answers the process's memory behind the app's headers, collecting nothing unless ?gc=1", async () => {
    const { app, collections } = appWithMemory({ DEV_MEMORY: "1" });
    const response = await app.request(url());
    expect(response.status).toBe(200);
    const memory = (await response.json()) as NodeJS.MemoryUsage;
    expect(memory.rss).toBeGreaterThan(0);
    expect(memory.heapUsed).toBeGreaterThan(0);
    expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect((await app.request(url(), { method: "HEAD" })).status).toBe(200);
    expect(collections).toHaveLength(0);
  });

  it("with ?gc=1, collects once for many callers at once and at most once an interval", async () => {
    const { app, collections } = appWithMemory({ DEV_MEMORY: "1" }, 300);
    const together = await Promise.all(Array.from({ length: 8 }, () => app.request(url("?gc=1"))));
    expect(together.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(collections).toHaveLength(1);

    const asked = performance.now();
    expect((await app.request(url("?gc=1"))).status).toBe(200);
    expect(collections).toHaveLength(2);
    // The second collection waited for the interval (timers may fire a millisecond early).
    expect((collections[1] as number) - (collections[0] as number)).toBeGreaterThanOrEqual(295);
    expect(collections[1] as number).toBeGreaterThan(asked);
  });
});
