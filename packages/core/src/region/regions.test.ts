import { describe, expect, it } from "vitest";
import {
  childRegions,
  describeRegion,
  findVillages,
  isWithin,
  normalizeRegionCode,
  parentRegion,
  regionExists,
  regionLevel,
  regionName,
  searchVillages,
} from "./regions";

describe("region codes", () => {
  it("normalizes codes with or without dots to the dotted form", () => {
    expect(normalizeRegionCode("3205012001")).toBe("32.05.01.2001");
    expect(normalizeRegionCode(" 32.05.01.2001 ")).toBe("32.05.01.2001");
    expect(normalizeRegionCode("3205")).toBe("32.05");
    expect(normalizeRegionCode("32")).toBe("32");
  });

  it("refuses what is not a code", () => {
    for (const bad of ["", "abc", "32050120011", "320501200", "32-05-01-2001", "3205O12001"]) {
      expect(normalizeRegionCode(bad)).toBeUndefined();
    }
  });

  it("knows levels, parents and containment", () => {
    expect(regionLevel("32.05.01.2001")).toBe("village");
    expect(regionLevel("32.05.01")).toBe("subdistrict"); // kecamatan
    expect(regionLevel("32.05")).toBe("district"); // kabupaten/kota
    expect(regionLevel("32")).toBe("province");
    expect(regionLevel("32.05.01.20")).toBeUndefined();
    expect(parentRegion("32.05.01.2001")).toBe("32.05.01");
    expect(parentRegion("32")).toBeUndefined();
    expect(isWithin("32.05.01.2001", "32.05")).toBe(true);
    expect(isWithin("32.50.01.2001", "32.5")).toBe(false);
    expect(isWithin("32.02", "32.02")).toBe(true);
  });

  it("checks codes against the current Kemendagri list", () => {
    expect(regionExists("32.05.22.2001")).toBe(true); // Desa Cikajang, Garut
    expect(regionExists("32.05.01.1001")).toBe(true); // Kelurahan Kota Kulon, Garut
    expect(regionExists("32.05.22.2999")).toBe(false);
    expect(regionExists("94")).toBe(true); // Papua
  });

  it("describes a village for people", () => {
    expect(describeRegion("32.05.22.2001")).toBe(
      "Desa Cikajang, Kecamatan Cikajang, Kabupaten Garut, Jawa Barat",
    );
    expect(describeRegion("32.05.01.1001")).toBe(
      "Kelurahan Kota Kulon, Kecamatan Garut Kota, Kabupaten Garut, Jawa Barat",
    );
  });

  it("lists the regions directly inside a region, in code order", () => {
    const cikajang = childRegions("32.05.22");
    expect(cikajang).toHaveLength(12);
    expect(cikajang[0]).toBe("32.05.22.2001");
    expect(cikajang.at(-1)).toBe("32.05.22.2012");
    expect(childRegions("32.05")).toHaveLength(42); // kecamatan of Garut
    expect(childRegions("32")).toHaveLength(27); // kabupaten/kota of Jawa Barat
    expect(childRegions()).toHaveLength(38); // the provinces
    expect(childRegions()).toContain("32");
    expect(childRegions("32.05").every((code) => parentRegion(code) === "32.05")).toBe(true);
    expect(childRegions("32.05.22.2001")).toEqual([]);
    expect(childRegions("99")).toEqual([]);
  });

  it("finds a village by code, or by name narrowed by its kecamatan or kabupaten, and counts them all", () => {
    expect(findVillages("32.05.13.2001")).toEqual({ codes: ["32.05.13.2001"], total: 1 });
    expect(findVillages("3205132001")).toEqual({ codes: ["32.05.13.2001"], total: 1 });
    expect(findVillages("32.05.13")).toEqual({ codes: [], total: 0 }); // a kecamatan, not a village
    const everywhere = findVillages("sukamaju", { limit: 20 });
    expect(everywhere.codes).toHaveLength(20);
    expect(everywhere.total).toBeGreaterThan(20);
    for (const query of ["sukamaju garut", "sukamaju, garut", "Sukamaju Kab. Garut"]) {
      const inGarut = findVillages(query);
      expect(inGarut.total).toBeGreaterThan(0);
      expect(inGarut.total).toBeLessThan(everywhere.total);
      expect(
        inGarut.codes.every((code) => code.startsWith("32.05.") && regionName(code) === "Sukamaju"),
      ).toBe(true);
    }
    const inCilawu = findVillages("sukamaju cilawu");
    expect(inCilawu.codes.map(describeRegion)).toEqual([
      "Desa Sukamaju, Kecamatan Cilawu, Kabupaten Garut, Jawa Barat",
    ]);
    expect(searchVillages("sukamaju garut")).toEqual(findVillages("sukamaju garut").codes);
    expect(findVillages("sukamaju atlantis")).toEqual({ codes: [], total: 0 });
  });
});
