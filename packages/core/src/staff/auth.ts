import * as v from "valibot";
import { AppError } from "../error";
import { isWithin, normalizeRegionCode, regionLevel } from "../region/regions";
import { DUTIES, dutyAllowedAt } from "./directory";

/**
 * A staff member, from the verified JWT: who, which role, the region they may act on, and the
 * duties they hold beyond their role (e.g. `["ppa"]` for the kabupaten's UPTD PPA; none by default).
 */
export const StaffClaims = v.object({
  sub: v.pipe(v.string(), v.minLength(1)),
  email: v.pipe(v.string(), v.email()),
  role: v.picklist(["village", "district", "province", "admin"]),
  region: v.pipe(
    v.string(),
    v.transform((s) => normalizeRegionCode(s) ?? ""),
    v.minLength(1),
  ),
  duties: v.optional(v.array(v.picklist(DUTIES)), []),
});
export type Staff = v.InferOutput<typeof StaffClaims>;

/** Validates claims; a role's region must be of its level (a district officer holds a kabupaten code). */
export function staffFromClaims(claims: unknown): Staff {
  const result = v.safeParse(StaffClaims, claims);
  if (!result.success) throw new AppError("unauthorized", "Token tidak valid", "Silakan masuk kembali.");
  const staff = result.output;
  // The roles are named after the level of the region they hold.
  const role = staff.role;
  if (role !== "admin" && regionLevel(staff.region) !== role) {
    throw new AppError("unauthorized", "Token tidak valid", "Wilayah pada token tidak sesuai dengan peran.");
  }
  if (role !== "admin" && staff.duties.some((duty) => !dutyAllowedAt(duty, role))) {
    throw new AppError(
      "unauthorized",
      "Token tidak valid",
      "Tugas pada token tidak sesuai dengan wilayahnya.",
    );
  }
  return { ...staff, duties: [...new Set(staff.duties)] };
}

/** May this staff member see or act on something in `regionCode`? Admins everywhere, others within their region. */
export function canAccess(staff: Staff, regionCode: string): boolean {
  return staff.role === "admin" || isWithin(regionCode, staff.region);
}

/** Throws 404 (not 403) outside the region: an officer must not learn what exists elsewhere. */
export function assertAccess(staff: Staff, regionCode: string): void {
  if (!canAccess(staff, regionCode)) throw new AppError("not-found", "Data tidak ditemukan");
}
