import type { Duty, Level } from "../staff/directory";

/**
 * Escalation chains: the levels an approval climbs, lowest first. Pure data, so state machine
 * definitions can use it without loading the directory or the table.
 */

export const ESCALATION_LEVELS = ["village", "district", "province", "ppa"] as const;
/**
 * A level of an escalation chain: a directory level, or `ppa` — the kabupaten's women and child
 * protection unit (UPTD PPA, listed on the kabupaten code under the duty `ppa`).
 */
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** The escalation chain when a workflow names none. */
export const DEFAULT_LEVELS: readonly EscalationLevel[] = ["village", "district", "province"];

/** The duty asked at each level of a chain (absent: the ask's `duty`, else `approver`). */
export type DutiesByLevel = Partial<Record<EscalationLevel, Duty>>;

/** Where the people of a chain level are listed: `ppa` is the kabupaten's PPA unit. */
export function directoryPlace(
  level: EscalationLevel,
  duty: Duty = "approver",
): { level: Level; duty: Duty } {
  return level === "ppa" ? { level: "district", duty: "ppa" } : { level, duty };
}
