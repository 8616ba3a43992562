import { AppError } from "@sigap/core/error";
import {
  childRegions,
  describeRegion,
  normalizeRegionCode,
  regionExists,
  regionLevel,
  regionName,
} from "@sigap/core/region/regions";
import { Hono } from "hono";

/**
 * `GET /v1/regions?parent=32.05`: the regions directly inside a code (without `parent`, the
 * provinces), for region pickers a villager can use — province → kabupaten/kota → kecamatan →
 * desa/kelurahan from the Kemendagri list — instead of a 10-digit code to type. Public, read from the
 * bundled list (no database), and cacheable: the list changes with a release, not by the hour.
 */

/** Browsers and CDNs may keep an answer a day; a new release's list arrives by the next day. */
const CACHE_SECONDS = 24 * 60 * 60;

const levelOf = (code: string) => regionLevel(code) ?? "village";

function invalidParent(message: string): AppError {
  return new AppError("validation", "Kode wilayah tidak valid", message, [{ field: "parent", message }]);
}

export const regions = new Hono().get("/", (c) => {
  const raw = c.req.query("parent");
  let parent: string | undefined;
  if (raw !== undefined && raw.trim() !== "") {
    parent = raw.length <= 20 ? normalizeRegionCode(raw) : undefined;
    if (!parent) {
      throw invalidParent("Gunakan kode provinsi, kabupaten/kota atau kecamatan, misalnya 32.05.");
    }
    if (!regionExists(parent)) {
      throw new AppError("not-found", "Wilayah tidak ditemukan", `Kode wilayah ${parent} tidak terdaftar.`);
    }
    if (levelOf(parent) === "village") {
      throw invalidParent("Desa/kelurahan tidak memiliki wilayah di bawahnya.");
    }
  }
  const items = childRegions(parent).map((code) => ({
    code,
    name: regionName(code) ?? code,
    level: levelOf(code),
  }));
  c.header("Cache-Control", `public, max-age=${CACHE_SECONDS}`);
  return c.json({
    parent: parent ? { code: parent, name: describeRegion(parent), level: levelOf(parent) } : null,
    items,
  });
});
