import { AppError } from "@sigap/core/error";
import { describeRegion, normalizeRegionCode, regionExists } from "@sigap/core/region/regions";
import { coverage } from "@sigap/core/registration/coverage";
import { assertAccess } from "@sigap/core/staff/auth";
import { Hono } from "hono";
import * as v from "valibot";
import { RegionCode } from "./params";
import type { StaffEnv } from "./staff-auth";

const unknownRegion = () =>
  new AppError("validation", "Kode wilayah tidak dikenal", "Gunakan kode wilayah Kemendagri.", [
    { field: "region", message: "Kode wilayah tidak dikenal." },
  ]);

/** `/v1/staff/reports/*` beyond the case counts (staff-cases.ts): region-scoped like every staff route. */
export const staffReports = new Hono<StaffEnv>().get("/coverage", async (c) => {
  const me = c.get("staff");
  const raw = c.req.query("region");
  // Default: the caller's own region (an admin's claim names one too).
  const code = raw === undefined ? me.region : v.is(RegionCode, raw) ? normalizeRegionCode(raw) : undefined;
  if (!code || !regionExists(code)) throw unknownRegion();
  assertAccess(me, code);
  const report = await coverage(code);
  c.header("Cache-Control", "no-store");
  return c.json({ ...report, regionName: describeRegion(code) });
});
