/**
 * `npm run token -- --role district --region 32.05 [--duties ppa,case-handler] [--email …] [--sub …] [--hours 8]`
 * prints a staff token for the local stack (HS256, the local secret). `--duties` adds the
 * directory duties the person holds beyond their role (e.g. `ppa` for the kabupaten's UPTD PPA). It expires after `--hours`
 * (8 by default: one working day); the API refuses tokens living longer than AUTH_MAX_TOKEN_HOURS.
 */
import { parseArgs } from "node:util";
import { readSettings } from "@sigap/core/config/settings";
import { staffFromClaims } from "@sigap/core/staff/auth";
import { Jwt } from "hono/utils/jwt";
import { LOCAL_JWT_SECRET } from "./environment";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    region: { type: "string" },
    email: { type: "string" },
    sub: { type: "string" },
    duties: { type: "string" },
    hours: { type: "string", default: "8" },
  },
});

if (!values.role || !values.region) {
  console.error(
    "Usage: npm run token -- --role village|district|province|admin --region <code> [--duties ppa,case-handler] [--email …] [--hours 8]",
  );
  process.exit(2);
}
const hours = Number(values.hours);
const maxSeconds = readSettings().auth.maxTokenLifetimeSeconds;
if (!Number.isFinite(hours) || hours <= 0 || hours * 3600 > maxSeconds) {
  console.error(`--hours must be more than 0 and at most ${maxSeconds / 3600} (AUTH_MAX_TOKEN_HOURS).`);
  process.exit(2);
}
const now = Math.floor(Date.now() / 1000);
const claims = {
  sub: values.sub ?? `local-${values.role}-${values.region}`,
  email: values.email ?? `${values.role}.${values.region.replaceAll(".", "")}@sigap.local`,
  role: values.role,
  region: values.region,
  ...(values.duties ? { duties: values.duties.split(",").map((duty) => duty.trim()) } : {}),
  iat: now,
  exp: now + Math.round(hours * 3600),
};
try {
  staffFromClaims(claims);
} catch (error) {
  console.error(`Not a valid staff identity: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
console.log(await Jwt.sign(claims, process.env.AUTH_JWT_SECRET || LOCAL_JWT_SECRET, "HS256"));
