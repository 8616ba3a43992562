import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as v from "valibot";
import { nowIso } from "../clock";
import { db } from "../db/client";
import { regionLevel } from "../region/regions";
import { tableName } from "../resources";
import { personText } from "../validation/text";
import { directoryKeys } from "./keys";

/**
 * The staff directory: who approves for each region code. The code's level is the approver's level
 * — a village code holds the village head (kades/lurah), a kabupaten code the district Dinsos
 * officer, a province code the province officer.
 */
export type ApprovalLevel = "village" | "district" | "province";

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
export type Approver = v.InferOutput<typeof Approver>;

/** The region code whose approvers act at `level` for an item in `itemRegion`. */
export function regionAtLevel(itemRegion: string, level: ApprovalLevel): string {
  const segments = itemRegion.split(".");
  return segments.slice(0, level === "province" ? 1 : level === "district" ? 2 : 4).join(".");
}

export function levelOf(regionCode: string): ApprovalLevel | undefined {
  const level = regionLevel(regionCode);
  return level === "province"
    ? "province"
    : level === "regency"
      ? "district"
      : level === "village"
        ? "village"
        : undefined;
}

export async function getApprovers(regionCode: string): Promise<Approver[]> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: directoryKeys.approvers(regionCode) }),
  );
  return (Item?.approvers as Approver[] | undefined) ?? [];
}

export async function putApprovers(
  regionCode: string,
  approvers: Approver[],
  updatedBy: string,
): Promise<void> {
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...directoryKeys.approvers(regionCode),
        entity: "directory",
        regionCode,
        approvers,
        updatedAt: nowIso(),
        updatedBy,
      },
    }),
  );
}

export interface ResolvedApprovers {
  approvers: Approver[];
  /** The level that will actually decide (above the asked level when nobody is listed there). */
  level: ApprovalLevel;
  regionCode: string;
  /** True when the asked level had nobody and the level above stands in. */
  fellBack: boolean;
}

const LEVELS: ApprovalLevel[] = ["village", "district", "province"];

/** Approvers for `level` over `itemRegion`, falling back to the level above when none are listed. */
export async function resolveApprovers(
  itemRegion: string,
  level: ApprovalLevel,
): Promise<ResolvedApprovers | undefined> {
  for (const candidate of LEVELS.slice(LEVELS.indexOf(level))) {
    const regionCode = regionAtLevel(itemRegion, candidate);
    const approvers = await getApprovers(regionCode);
    if (approvers.length > 0)
      return { approvers, level: candidate, regionCode, fellBack: candidate !== level };
  }
  return undefined;
}
