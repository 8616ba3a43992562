import { canAccess, type Staff } from "../staff/auth";
import { regionAtLevel } from "../staff/directory";
import type { Case } from "./model";

/**
 * May this staff member see a case's details? Any case of their region, except a sensitive or
 * violence type: those only for the staff of the level now handling it (for that level's region),
 * and violence cases also for holders of the `ppa` duty in the region (the UPTD PPA handles them,
 * not the other sensitive types) — nobody else, admins included. One rule for the staff API and for
 * data-request exports.
 */
export function mayReadDetails(
  staff: Staff,
  found: Pick<Case, "villageCode" | "sensitive" | "violence" | "level">,
): boolean {
  if (!canAccess(staff, found.villageCode)) return false;
  if (!found.sensitive && !found.violence) return true;
  if (staff.role === "admin") return false;
  if (found.violence && staff.duties.includes("ppa")) return true;
  return (
    found.level !== "ppa" &&
    staff.role === found.level &&
    staff.region === regionAtLevel(found.villageCode, found.level)
  );
}
