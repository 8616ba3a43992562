import * as v from "valibot";
import { AppError } from "../error";
import { isWithin, normalizeRegionCode, regionLevel } from "../region/regions";

/** A staff member, from the verified JWT: who, which role, and the region they may act on. */
export const StaffClaims = v.object({
  sub: v.pipe(v.string(), v.minLength(1)),
  email: v.pipe(v.string(), v.email()),
  role: v.picklist(["village", "district", "province", "admin"]),
  region: v.pipe(
    v.string(),
    v.transform((s) => normalizeRegionCode(s) ?? ""),
    v.minLength(1),
  ),
});
export type Staff = v.InferOutput<typeof StaffClaims>;

const expectedRegionLevel = { village: "village", district: "regency", province: "province" } as const;

/** Validates claims; a role's region must be of its level (a district officer holds a kabupaten code). */
export function staffFromClaims(claims: unknown): Staff {
  const result = v.safeParse(StaffClaims, claims);
  if (!result.success) throw new AppError("unauthorized", "Token tidak valid", "Silakan masuk kembali.");
  const staff = result.output;
  if (staff.role !== "admin" && regionLevel(staff.region) !== expectedRegionLevel[staff.role]) {
    throw new AppError("unauthorized", "Token tidak valid", "Wilayah pada token tidak sesuai dengan peran.");
  }
  return staff;
}

/** May this staff member see or act on something in `regionCode`? Admins everywhere, others within their region. */
export function canAccess(staff: Staff, regionCode: string): boolean {
  return staff.role === "admin" || isWithin(regionCode, staff.region);
}

/** Throws 404 (not 403) outside the region: an officer must not learn what exists elsewhere. */
export function assertAccess(staff: Staff, regionCode: string): void {
  if (!canAccess(staff, regionCode)) throw new AppError("not-found", "Data tidak ditemukan");
}
