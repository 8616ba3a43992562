import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { nowIso } from "../clock";
import { db } from "../db/client";
import { suppressedAmong } from "../mail/suppression";
import { regionLevel } from "../region/regions";
import { tableName } from "../resources";
import { personText } from "../validation/text";
import { bumpDirectoryGeneration, cachedDirectoryLookup, forgetCachedDirectory } from "./directory-cache";
import { directoryKeys } from "./keys";

/**
 * The staff directory: who holds each duty for each region code. The code's level is the level the
 * people act at — a village code holds the village head (kades/lurah), a kabupaten code the
 * district Dinsos officer (and its UPTD PPA), a province code the province officer.
 */
export type Level = "village" | "district" | "province";
/** @deprecated the same as `Level`; kept for code written before duties. */
export type ApprovalLevel = Level;

/**
 * What people in the directory are there for. `approver`: decides requests (today's entries);
 * `case-handler`: takes case reports in; `ppa`: the kabupaten's women and child protection unit
 * (UPTD PPA, kabupaten codes only); `bimtek-organiser`: runs the basic training (Bimtek).
 */
export const DUTIES = ["approver", "case-handler", "ppa", "bimtek-organiser"] as const;
export type Duty = (typeof DUTIES)[number];

export const isDuty = (value: unknown): value is Duty => DUTIES.includes(value as Duty);

/** May `duty` be listed on a code of `level`? The PPA unit exists only on a kabupaten/kota. */
export function dutyAllowedAt(duty: Duty, level: Level): boolean {
  return duty !== "ppa" || level === "district";
}

export const Approver = v.object({
  name: personText("Nama", { min: 3, max: 100, lines: "single" }),
  email: v.pipe(
    v.string("Email wajib diisi."),
    v.trim(),
    v.toLowerCase(),
    v.email("Alamat email tidak valid."),
  ),
  title: v.optional(personText("Jabatan", { min: 0, max: 100, lines: "single" })),
});
/** One person in the directory (whatever their duty). */
export type Approver = v.InferOutput<typeof Approver>;

export const LEVELS: readonly Level[] = ["village", "district", "province"];

/** The region code whose people act at `level` for an item in `itemRegion`. */
export function regionAtLevel(itemRegion: string, level: Level): string {
  const segments = itemRegion.split(".");
  return segments.slice(0, level === "province" ? 1 : level === "district" ? 2 : 4).join(".");
}

/** The level a directory code acts at; undefined for a kecamatan (nobody is listed there). */
export function levelOf(regionCode: string): Level | undefined {
  const level = regionLevel(regionCode);
  return level === "subdistrict" ? undefined : level;
}

export interface DirectoryEntry {
  people: Approver[];
  updatedAt: string;
  updatedBy: string;
}

/** The stored entry for (region, duty); undefined when it was never set (an emptied list is an entry). */
export async function directoryEntry(regionCode: string, duty: Duty): Promise<DirectoryEntry | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: directoryKeys.people(regionCode, duty) }),
  );
  if (!Item) return undefined;
  return {
    people: (Item.approvers as Approver[] | undefined) ?? [],
    updatedAt: String(Item.updatedAt),
    updatedBy: String(Item.updatedBy),
  };
}

/** Who is listed for `duty` on exactly `regionCode` (no fallback, bounced addresses included). */
export async function getPeople(regionCode: string, duty: Duty): Promise<Approver[]> {
  return (await directoryEntry(regionCode, duty))?.people ?? [];
}

/** The directory item for (region, duty); `changePeople` (directory-change.ts) writes the same shape. */
export function peopleItem(
  regionCode: string,
  duty: Duty,
  people: Approver[],
  updatedBy: string,
  at: string,
) {
  return {
    ...directoryKeys.people(regionCode, duty),
    entity: "directory",
    regionCode,
    duty,
    // The attribute keeps its first name: items written before duties read the same way.
    approvers: people,
    updatedAt: at,
    updatedBy,
  };
}

/**
 * Replaces the people of (region, duty) without audit or moving requests: for seeding and tests.
 * Staff changes go through `changePeople` (audited, waiting requests moved).
 */
export async function putPeople(
  regionCode: string,
  duty: Duty,
  people: Approver[],
  updatedBy: string,
): Promise<void> {
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: peopleItem(regionCode, duty, people, updatedBy, nowIso()) } },
        bumpDirectoryGeneration(),
      ],
    }),
  );
  forgetCachedDirectory();
}

/** The approvers of one code (`getPeople(code, "approver")`). */
export const getApprovers = (regionCode: string) => getPeople(regionCode, "approver");
/** Replaces the approvers of one code (`putPeople(code, "approver", …)`). */
export const putApprovers = (regionCode: string, approvers: Approver[], updatedBy: string) =>
  putPeople(regionCode, "approver", approvers, updatedBy);

export interface ResolvedAddressees {
  people: Approver[];
  level: Level;
  regionCode: string;
  /** The duty whose people these are: the one asked, or the one it fell back to. */
  duty: Duty;
  /** True when nobody (reachable) holds the asked duty and the fallback stands in. */
  fellBack: boolean;
}

/** Where each duty is looked up, and who stands in when nobody (reachable) holds it. */
function dutyPlaces(
  itemRegion: string,
  level: Level,
  duty: Duty,
): Array<{ regionCode: string; level: Level; duty: Duty }> {
  const at = (l: Level, d: Duty) => ({ regionCode: regionAtLevel(itemRegion, l), level: l, duty: d });
  switch (duty) {
    case "approver":
      return [at(level, "approver")];
    // Lives on the kabupaten whatever level is asked; the district officer stands in.
    case "ppa":
      return [at("district", "ppa"), at("district", "approver")];
    // The village's approver at the village (the kades takes the case), that level's officer above.
    case "case-handler":
    case "bimtek-organiser":
      return [at(level, duty), at(level, "approver")];
  }
}

/**
 * The people who act for `duty` at exactly `level` over `itemRegion`, with the duty's own fallback
 * (case-handler and bimtek-organiser → that level's approver; ppa → the kabupaten's approver).
 * Addresses that bounced or complained count as nobody listed. Undefined when nobody is left: the
 * caller skips the level (never walks up here — the escalation chain decides what comes next).
 * Cached per process for a short time (staff/directory-cache.ts).
 */
export async function resolveDuty(
  itemRegion: string,
  level: Level,
  duty: Duty,
): Promise<ResolvedAddressees | undefined> {
  for (const place of dutyPlaces(itemRegion, level, duty)) {
    const people = await cachedDirectoryLookup(`${place.regionCode}|${place.duty}`, async () =>
      reachable(await getPeople(place.regionCode, place.duty)),
    );
    if (people.length > 0) return { people, ...place, fellBack: place.duty !== duty };
  }
  return undefined;
}

/** The people whose address has not bounced or complained. */
async function reachable(people: Approver[]): Promise<Approver[]> {
  if (people.length === 0) return people;
  const suppressed = await suppressedAmong(people.map((p) => p.email));
  return people.filter((p) => !suppressed.has(p.email));
}

export interface ResolvedApprovers {
  approvers: Approver[];
  /** The level that will actually decide (above the asked level when nobody is listed there). */
  level: Level;
  regionCode: string;
  /** True when the asked level had nobody and the level above stands in. */
  fellBack: boolean;
}

/** Approvers for `level` over `itemRegion`, walking up to the level above when nobody (reachable) is listed. */
export async function resolveApprovers(
  itemRegion: string,
  level: Level,
): Promise<ResolvedApprovers | undefined> {
  for (const candidate of LEVELS.slice(LEVELS.indexOf(level))) {
    const resolved = await resolveDuty(itemRegion, candidate, "approver");
    if (resolved)
      return {
        approvers: resolved.people,
        level: candidate,
        regionCode: resolved.regionCode,
        fellBack: candidate !== level,
      };
  }
  return undefined;
}
