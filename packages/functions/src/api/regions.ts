import { AppError } from "@sigap/core/error";
import {
  childRegions,
  describeRegion,
  normalizeRegionCode,
  regionExists,
  regionLevel,
  regionName,
  searchVillages,
} from "@sigap/core/region/regions";
import { Hono } from "hono";

/**
 * `GET /v1/regions?parent=32.05`: the regions directly inside a code (without `parent`, the
 * provinces), for region pickers a villager can use — province → kabupaten/kota → kecamatan →
 * desa/kelurahan from the Kemendagri list — instead of a 10-digit code to type. Public, read from the
 * bundled list (no database), and cacheable: the list changes with a release, not by the hour.
 *
 * `GET /v1/regions?q=cikajang[&parent=32.05]`: villages by name (inside `parent` when given), for a
 * form without JavaScript where a villager types the name of their village.
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
  const query = c.req.query("q");
  if (query !== undefined) {
    const trimmed = query.trim();
    if (trimmed.length < 3 || trimmed.length > 60) {
      const message = "Ketik 3 sampai 60 huruf dari nama desa/kelurahan.";
      throw new AppError("validation", "Nama desa tidak valid", message, [{ field: "q", message }]);
    }
  }
  const codes = query !== undefined ? searchVillages(query, { within: parent }) : childRegions(parent);
  const items = codes.map((code) => ({
    code,
    name: regionName(code) ?? code,
    level: levelOf(code),
    // A village found by name is told apart from its namesakes by where it is.
    ...(query !== undefined ? { path: describeRegion(code) } : {}),
  }));
  c.header("Cache-Control", `public, max-age=${CACHE_SECONDS}`);
  return c.json({
    parent: parent ? { code: parent, name: describeRegion(parent), level: levelOf(parent) } : null,
    items,
  });
});
