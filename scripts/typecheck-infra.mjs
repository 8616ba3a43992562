// Type-checks sst.config.ts and infra/ offline: `sst install` generates .sst/platform (its types)
// from the npm registry alone, once; deploying needs AWS, type-checking does not.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const env = { ...process.env, SST_NO_BUN: "1", SST_SKIP_DEPENDENCY_CHECK: "1", SST_TELEMETRY_DISABLED: "1" };
if (!existsSync(".sst/platform/config.d.ts")) {
  console.log("Generating SST platform types (sst install, about a minute) …");
  execFileSync("npx", ["sst", "install", "--stage", "dev"], { env, stdio: "inherit" });
}
execFileSync("npx", ["tsc", "-p", "tsconfig.infra.json"], { env, stdio: "inherit" });
console.log("infra type-check passed");
