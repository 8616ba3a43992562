// `npm run bench:lambdas`: what each Lambda costs at cold start. Bundles every handler as SST does
// (esbuild, ESM, node22, minified) and prints, per handler, the bundle size and the median time to
// import it in a fresh Node process; then the one-off cost of loading the region list on first use.
// Figures, not assertions: the machines are noisy.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const handlers = {
  api: "packages/functions/src/api/lambda.ts",
  "api:reference": "packages/functions/src/api/reference-lambda.ts",
  "task:notifications": "packages/functions/src/tasks/notifications.ts",
  "task:recruitment": "packages/functions/src/tasks/recruitment.ts",
  "task:cases": "packages/functions/src/tasks/cases.ts",
  "task:bimtek": "packages/functions/src/tasks/bimtek.ts",
  cron: "packages/functions/src/cron/scheduled.ts",
  "events:execution-status": "packages/functions/src/events/execution-status.ts",
  "mail:ses-feedback": "packages/functions/src/mail/ses-feedback.ts",
};
const RUNS = 7;
const out = mkdtempSync(join(tmpdir(), "sigap-bench-"));
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(
  `Lambda bundles (esbuild, esm, node22, minified); import time = median of ${RUNS} fresh processes\n`,
);
console.log("handler                   bundle     gzip   import");
for (const [name, entry] of Object.entries(handlers)) {
  const file = join(out, `${name.replace(":", "-")}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: "node",
    target: "node22",
    format: "esm",
    outfile: file,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: "error",
  });
  const probe = join(out, `probe-${name.replace(":", "-")}.mjs`);
  writeFileSync(
    probe,
    `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
  );
  const times = Array.from({ length: RUNS }, () =>
    Number(
      execFileSync(process.execPath, [probe], {
        encoding: "utf8",
        env: { ...process.env, POWERTOOLS_LOG_LEVEL: "SILENT" },
      }),
    ),
  );
  const size = statSync(file).size;
  const gzip = gzipSync(readFileSync(file)).length;
  console.log(
    `${name.padEnd(24)} ${`${(size / 1024).toFixed(0)} KB`.padStart(7)} ${`${(gzip / 1024).toFixed(0)} KB`.padStart(8)} ${`${median(times).toFixed(0)} ms`.padStart(8)}`,
  );
}

const regionProbe = join(out, "regions.mjs");
writeFileSync(
  regionProbe,
  `import { regionExists } from ${JSON.stringify(join(process.cwd(), "packages/core/src/region/regions.ts"))};
const t = performance.now(); regionExists("32.05.22.2001"); const first = performance.now() - t;
const t2 = performance.now(); for (let i = 0; i < 100000; i++) regionExists("32.05.22.2001"); const each = (performance.now() - t2) / 100000;
console.log(JSON.stringify({ first, each }));`,
);
const loads = Array.from({ length: RUNS }, () =>
  JSON.parse(execFileSync(process.execPath, ["--import", "tsx", regionProbe], { encoding: "utf8" })),
);
console.log(
  `\nregion list (91,599 codes): first lookup ${median(loads.map((l) => l.first)).toFixed(0)} ms (loads the list, once per container), then ${(median(loads.map((l) => l.each)) * 1e6).toFixed(0)} ns per lookup`,
);
