/**
 * `npm run screenshots [-- vitest args]`: runs the browser tests (test/browser) with SCREENSHOTS=1,
 * so each page they check is photographed at 360 px into docs/screenshots/<name>.png. The pictures
 * are the tests' own pages: a screenshot exists only for a page that passed its checks.
 */
import { spawnSync } from "node:child_process";

const result = spawnSync("npx", ["vitest", "run", "test/browser", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, SCREENSHOTS: "1" },
});
process.exit(result.status ?? 1);
