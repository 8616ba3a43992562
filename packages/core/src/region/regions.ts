import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Kemendagri region codes: province `32`, kabupaten/kota `32.05` (kota segments 71–79), kecamatan
 * `32.05.01`, desa/kelurahan `32.05.01.2001` (suffix 1xxx kelurahan, 2xxx desa). Accepted with or
 * without dots; stored dotted. The list (idn-area-data, ODbL) is loaded on first use, never at
 * cold start.
 *
 * One vocabulary everywhere: "district" is the kabupaten/kota (the Dinas Sosial's level), and
 * "subdistrict" the kecamatan.
 */
export type RegionLevel = "province" | "district" | "subdistrict" | "village";

const LEVEL_BY_DIGITS: Record<number, RegionLevel> = {
  2: "province",
  4: "district",
  6: "subdistrict",
  10: "village",
};
const SEGMENTS: Record<RegionLevel, number[]> = {
  province: [2],
  district: [2, 2],
  subdistrict: [2, 2, 2],
  village: [2, 2, 2, 4],
};

/** `3205012001`, `32.05.01.2001` or ` 32 05 01 2001 ` → `32.05.01.2001`; undefined when malformed. */
export function normalizeRegionCode(input: string): string | undefined {
  const trimmed = input.trim();
  if (!/^[\d.\s]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/[.\s]/g, "");
  const level = LEVEL_BY_DIGITS[digits.length];
  if (!level) return undefined;
  let offset = 0;
  return SEGMENTS[level]
    .map((size) => {
      const part = digits.slice(offset, offset + size);
      offset += size;
      return part;
    })
    .join(".");
}

export function regionLevel(code: string): RegionLevel | undefined {
  return LEVEL_BY_DIGITS[code.replaceAll(".", "").length];
}

/** The enclosing region: `32.05.01.2001` → `32.05.01`; a province has none. */
export function parentRegion(code: string): string | undefined {
  const cut = code.lastIndexOf(".");
  return cut === -1 ? undefined : code.slice(0, cut);
}

/** Is `code` the region `ancestor` or inside it? */
export function isWithin(code: string, ancestor: string): boolean {
  return code === ancestor || code.startsWith(`${ancestor}.`);
}

let names: Map<string, string> | undefined;

/** REGIONS_FILE on Lambda (copied beside the bundle); the built file beside this module locally. */
function regionsFile(): string {
  return process.env.REGIONS_FILE || fileURLToPath(new URL("./data/regions.tsv", import.meta.url));
}

function regionNames(): Map<string, string> {
  if (!names) {
    const loaded = new Map<string, string>();
    for (const line of readFileSync(regionsFile(), "utf8").split("\n")) {
      const tab = line.indexOf("\t");
      if (tab > 0 && !line.startsWith("#")) loaded.set(line.slice(0, tab), line.slice(tab + 1));
    }
    names = loaded;
  }
  return names;
}

export function regionExists(code: string): boolean {
  return regionNames().has(code);
}

export function regionName(code: string): string | undefined {
  return regionNames().get(code);
}

let children: Map<string, string[]> | undefined;

/** The index entry of the provinces, which have no parent (no region code is empty). */
const PROVINCES = "";

/**
 * The regions directly inside `code` (a province's kabupaten/kota, a kabupaten's kecamatan, a
 * kecamatan's villages; without a code, the provinces), in code order; none for a village or an
 * unknown code. The index is built from the list on first use (once per container).
 */
export function childRegions(code?: string): readonly string[] {
  if (!children) {
    const index = new Map<string, string[]>();
    for (const child of regionNames().keys()) {
      const parent = parentRegion(child) ?? PROVINCES;
      const siblings = index.get(parent);
      if (siblings) siblings.push(child);
      else index.set(parent, [child]);
    }
    for (const list of index.values()) list.sort();
    children = index;
  }
  return children.get(code ?? PROVINCES) ?? [];
}
/** What a village search found: the first `limit` codes, and how many matched in all. */
export interface VillageMatches {
  codes: string[];
  total: number;
}

/** Words that name a kind of region, not a region: "sukamaju kab garut" is "sukamaju garut". */
const REGION_KIND_WORDS = new Set([
  "desa",
  "kelurahan",
  "kel",
  "kecamatan",
  "kec",
  "kabupaten",
  "kab",
  "kota",
  "provinsi",
  "prov",
]);

/**
 * Villages (desa/kelurahan) for what a villager types, inside `within` when given: a village code
 * (`32.05.13.2001` or `3205132001`) names its village; otherwise the name, optionally followed by
 * words of its kecamatan, kabupaten/kota or province ("sukamaju garut", "sukamaju, cikajang") to
 * tell namesakes apart. Names that start with the query first, then by code; at most `limit`, with
 * the total count so a page can say there are more.
 */
export function findVillages(
  query: string,
  options: { within?: string; limit?: number } = {},
): VillageMatches {
  const limit = options.limit ?? 20;
  const prefix = options.within ? `${options.within}.` : "";
  const code = normalizeRegionCode(query);
  if (code) {
    const found =
      regionLevel(code) === "village" && regionExists(code) && (!prefix || code.startsWith(prefix));
    return found ? { codes: [code], total: 1 } : { codes: [], total: 0 };
  }
  // "sukamaju, garut": the part before the first comma is the name, the rest the place.
  const [namePart = "", ...placeParts] = query.split(",");
  const nameWords = words(namePart);
  const placeWords = words(placeParts.join(" "));
  if (placeParts.length > 0) return matchVillages(nameWords.join(" "), placeWords, prefix, limit);
  // No comma: the longest leading words that name villages in places matching the other words.
  for (let cut = nameWords.length; cut >= 1; cut -= 1) {
    const found = matchVillages(nameWords.slice(0, cut).join(" "), nameWords.slice(cut), prefix, limit);
    if (found.total > 0) return found;
  }
  return { codes: [], total: 0 };
}

/** The codes of `findVillages` alone. */
export function searchVillages(query: string, options: { within?: string; limit?: number } = {}): string[] {
  return findVillages(query, options).codes;
}

const words = (text: string) =>
  foldName(text)
    .split(" ")
    .filter((word) => word && !REGION_KIND_WORDS.has(word));

function matchVillages(
  needle: string,
  placeWords: readonly string[],
  prefix: string,
  limit: number,
): VillageMatches {
  if (!needle) return { codes: [], total: 0 };
  const starts: string[] = [];
  const contains: string[] = [];
  for (const village of villageIndex()) {
    if (prefix && !village.code.startsWith(prefix)) continue;
    const position = village.folded.indexOf(needle);
    if (position === -1) continue;
    if (placeWords.length > 0) {
      const place = placeOf(village.code);
      if (!placeWords.every((word) => place.includes(word))) continue;
    }
    (position === 0 ? starts : contains).push(village.code);
  }
  return {
    codes: [...starts.sort(), ...contains.sort()].slice(0, limit),
    total: starts.length + contains.length,
  };
}

let places: Map<string, string> | undefined;

/** A village's kecamatan, kabupaten/kota and province names, folded, as one searchable text. */
function placeOf(villageCode: string): string {
  places ??= new Map();
  const subdistrict = parentRegion(villageCode) ?? "";
  let place = places.get(subdistrict);
  if (place === undefined) {
    const names: string[] = [];
    for (let current: string | undefined = subdistrict; current; current = parentRegion(current)) {
      names.push(regionName(current) ?? "");
    }
    place = ` ${foldName(names.join(" "))} `;
    places.set(subdistrict, place);
  }
  return place;
}

let villages: Array<{ code: string; folded: string }> | undefined;

/** Every village with its searchable name, built on the first search (once per container). */
function villageIndex(): Array<{ code: string; folded: string }> {
  if (!villages) {
    villages = [];
    for (const [code, name] of regionNames()) {
      if (regionLevel(code) === "village") villages.push({ code, folded: foldName(name) });
    }
  }
  return villages;
}

/** A name as searched: lower case, single spaces, no punctuation. */
function foldName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** "Desa Sukamaju, Kecamatan Cikajang, Kabupaten Garut, Jawa Barat" for people. */
export function describeRegion(code: string): string {
  const parts: string[] = [];
  for (let current: string | undefined = code; current; current = parentRegion(current)) {
    const name = regionName(current) ?? current;
    const level = regionLevel(current);
    if (level === "village") {
      // Suffix 1xxx is a kelurahan, 2xxx a desa.
      parts.push(`${current.split(".")[3]?.startsWith("1") ? "Kelurahan" : "Desa"} ${name}`);
    } else if (level === "subdistrict") {
      parts.push(`Kecamatan ${name}`);
    } else {
      parts.push(name);
    }
  }
  return parts.join(", ");
}
