// `npm run bench:lambdas [-- --runs 7 --only api,cron --why api]`: every Lambda's bundle size and
// import time against the bare Lambda (scripts/bench/lambdas.ts), then the one-off cost of loading
// the region list on first use. `--why NAME` lists the largest packages in that bundle.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatLambdaTable, largestInputs, measureLambdas } from "./bench/lambdas";

const { values: args } = parseArgs({
  options: { runs: { type: "string", default: "7" }, only: { type: "string" }, why: { type: "string" } },
});
const runs = Number(args.runs);
const figures = await measureLambdas({ runs, only: args.only?.split(",") });
console.log(formatLambdaTable(figures));

if (args.why) {
  const figure = [figures.bare, ...figures.lambdas].find((f) => f.name === args.why);
  if (figure) {
    console.log(`\nlargest inputs of ${figure.name}:`);
    for (const { input, bytes } of largestInputs(figure.metafile, 25))
      console.log(`${`${(bytes / 1024).toFixed(1)} KB`.padStart(10)}  ${input}`);
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const regionProbe = join(mkdtempSync(join(tmpdir(), "sigap-regions-")), "regions.mjs");
writeFileSync(
  regionProbe,
  `import { regionExists } from ${JSON.stringify(join(process.cwd(), "packages/core/src/region/regions.ts"))};
const t = performance.now(); regionExists("32.05.22.2001"); const first = performance.now() - t;
const t2 = performance.now(); for (let i = 0; i < 100000; i++) regionExists("32.05.22.2001"); const each = (performance.now() - t2) / 100000;
console.log(JSON.stringify({ first, each }));`,
);
const loads: Array<{ first: number; each: number }> = Array.from({ length: runs }, () =>
  JSON.parse(execFileSync(process.execPath, ["--import", "tsx", regionProbe], { encoding: "utf8" })),
);
console.log(
  `\nregion list (91,599 codes): first lookup ${median(loads.map((l) => l.first)).toFixed(0)} ms (loads the list, once per container), then ${(median(loads.map((l) => l.each)) * 1e6).toFixed(0)} ns per lookup`,
);
