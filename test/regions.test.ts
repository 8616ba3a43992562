/** `GET /v1/regions`: the Kemendagri list one level at a time, for region pickers. No database involved. */
import { createApp } from "@sigap/functions/api/app";
import { describe, expect, it } from "vitest";

const app = createApp();
const get = (query = "") => app.request(`/v1/regions${query}`);

interface Listing {
  parent: { code: string; name: string; level: string } | null;
  items: Array<{ code: string; name: string; level: string }>;
}

describe("GET /v1/regions", () => {
  it("lists the provinces without a parent, then each level below, in code order, cacheable", async () => {
    const top = await get();
    expect(top.status).toBe(200);
    expect(top.headers.get("cache-control")).toBe("public, max-age=86400");
    const provinces = (await top.json()) as Listing;
    expect(provinces.parent).toBeNull();
    expect(provinces.items).toHaveLength(38);
    expect(provinces.items).toContainEqual({ code: "32", name: "Jawa Barat", level: "province" });

    const garut = (await (await get("?parent=32")).json()) as Listing;
    expect(garut.parent).toMatchObject({ code: "32", level: "province" });
    expect(garut.items.find((r) => r.code === "32.05")).toMatchObject({ level: "district" });

    const cikajang = (await (await get("?parent=3205")).json()) as Listing;
    expect(cikajang.parent?.code).toBe("32.05");
    expect(cikajang.items.map((r) => r.code)).toEqual([...cikajang.items.map((r) => r.code)].sort());

    const villages = (await (await get("?parent=32.05.22")).json()) as Listing;
    expect(villages.parent?.name).toContain("Kecamatan");
    expect(villages.items.find((r) => r.code === "32.05.22.2001")).toMatchObject({ level: "village" });
  });

  it("answers bad, unknown and leaf codes with a problem document in Bahasa Indonesia", async () => {
    for (const [query, status, field] of [
      ["?parent=abc", 422, "parent"],
      [`?parent=${"9".repeat(5000)}`, 422, "parent"],
      ["?parent=32.05.22.2001", 422, "parent"],
      ["?parent=99", 404, undefined],
    ] as const) {
      const response = await get(query);
      expect(response.status, query.slice(0, 30)).toBe(status);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await response.json()) as { errors?: Array<{ field: string; message: string }> };
      if (field) expect(problem.errors?.[0]?.field).toBe(field);
    }
  });

  it("finds villages by name, inside a region when asked, with where each is", async () => {
    const everywhere = (await (await get("?q=cikajang")).json()) as Listing & {
      items: Array<{ path: string }>;
    };
    expect(everywhere.items.length).toBeGreaterThan(0);
    expect(everywhere.items.length).toBeLessThanOrEqual(20);
    expect(everywhere.items.every((r) => r.level === "village")).toBe(true);
    expect(everywhere.items[0]?.name.toLowerCase()).toMatch(/^cikajang/);
    const inGarut = (await (await get("?q=CIKAJANG&parent=32.05")).json()) as Listing & {
      items: Array<{ path: string }>;
    };
    expect(inGarut.items.map((r) => r.code)).toContain("32.05.22.2001");
    expect(inGarut.items.every((r) => r.code.startsWith("32.05."))).toBe(true);
    expect(inGarut.items[0]?.path).toContain("Kabupaten Garut");
    for (const q of ["ab", "x".repeat(61)]) {
      const refused = await get(`?q=${q}`);
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe("q");
    }
  });
});
