/**
 * What each Lambda costs at cold start, against the bare Lambda the issue defines
 * (scripts/bench/bare-lambda.ts). Every bundle is built with the esbuild options SST itself uses for
 * a deployed Node function (its Go builder: node platform, ESM, `module,main` fields, keepNames, the
 * createRequire banner, minified unless `nodejs.minify: false`) plus what infra/defaults.ts passes in
 * `nodejs` — so the bare one is built exactly like the real ones, with the same plugins.
 * `measureLambdas()` is what `npm run bench` calls; `npm run bench:lambdas` prints it alone.
 * Figures, not assertions: import times are noisy, so runs alternate between the bundles.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { lambdaBuild } from "../../infra/build";

export const lambdaEntries: Record<string, string> = {
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
export const bareEntry = "scripts/bench/bare-lambda.ts";

/** SST's own createRequire banner for ESM functions (pkg/runtime/node/build.go), then ours. */
const sstBanner = [
  "import { createRequire as topLevelCreateRequire } from 'module';",
  "const require = topLevelCreateRequire(import.meta.url);",
  'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
  "const __filename = topLevelFileUrlToPath(import.meta.url)",
  'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
];

/** The esbuild options SST builds a deployed function with, given infra's `nodejs` settings. */
export async function sstEsbuildOptions(
  entry: string,
  outfile: string,
  nodejs: typeof lambdaBuild = lambdaBuild,
): Promise<BuildOptions> {
  const plugins = nodejs.plugins ? (await import(resolve(nodejs.plugins))).default : [];
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "esnext",
    mainFields: ["module", "main"],
    keepNames: true,
    minify: nodejs.minify !== false,
    sourcemap: false,
    metafile: true,
    external: ["sharp", "pg-native"],
    plugins,
    banner: { js: [...sstBanner, nodejs.banner ?? ""].join("\n") },
    logLevel: "error",
  };
}

export interface LambdaFigure {
  name: string;
  bytes: number;
  gzipBytes: number;
  /** Median time to import the bundle in a fresh Node process. */
  importMs: number;
  /** Against the bare bundle: 1.0 = the same. */
  sizeRatio: number;
  importRatio: number;
  metafile: Metafile;
}

export interface LambdaFigures {
  bare: LambdaFigure;
  lambdas: LambdaFigure[];
  runs: number;
  /** Said in the output: the bare bundle is built with infra's plugins too (or there are none). */
  buildNote: string;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Environment of a Lambda: region and credentials come from the environment, never a file. */
const lambdaLikeEnvironment = {
  ...process.env,
  AWS_REGION: "ap-southeast-3",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  AWS_SESSION_TOKEN: "bench",
  AWS_LAMBDA_FUNCTION_NAME: "bench",
  POWERTOOLS_LOG_LEVEL: "SILENT",
};

/** Builds the bare bundle and every Lambda (or `only` those), then imports each `runs` times, alternating. */
export async function measureLambdas(
  options: { runs?: number; only?: string[] } = {},
): Promise<LambdaFigures> {
  const runs = options.runs ?? 7;
  const out = mkdtempSync(join(tmpdir(), "sigap-lambdas-"));
  const entries = Object.entries(lambdaEntries).filter(
    ([name]) => !options.only || options.only.includes(name),
  );
  // The bare bundle twice: with infra's plugins (the same build as the real ones: the ratios' base),
  // and with SST's defaults alone (the bare bundle as the issue first measured it).
  const plainBuild = { ...lambdaBuild, plugins: undefined };
  const all: Array<[string, string, typeof lambdaBuild]> = [
    ["bare", bareEntry, lambdaBuild],
    ...(lambdaBuild.plugins
      ? [["bare:no-plugins", bareEntry, plainBuild] as [string, string, typeof lambdaBuild]]
      : []),
    ...entries.map(([name, entry]): [string, string, typeof lambdaBuild] => [name, entry, lambdaBuild]),
  ];
  const built = await Promise.all(
    all.map(async ([name, entry, nodejs]) => {
      const file = join(out, `${name.replace(":", "-")}.mjs`);
      const result = await build(await sstEsbuildOptions(entry, file, nodejs));
      const probe = join(out, `probe-${name.replace(":", "-")}.mjs`);
      writeFileSync(
        probe,
        `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
      );
      return { name, file, probe, metafile: result.metafile as Metafile, times: [] as number[] };
    }),
  );
  for (let run = 0; run < runs; run++) {
    // Alternate: one import of each bundle per round, so a noisy moment hits them all alike.
    for (const bundle of run % 2 === 0 ? built : [...built].reverse()) {
      const output = execFileSync(process.execPath, [bundle.probe], {
        encoding: "utf8",
        env: lambdaLikeEnvironment,
      });
      bundle.times.push(Number(output));
    }
  }
  const figures = built.map((bundle) => ({
    name: bundle.name,
    bytes: statSync(bundle.file).size,
    gzipBytes: gzipSync(readFileSync(bundle.file)).length,
    importMs: median(bundle.times),
    metafile: bundle.metafile,
  }));
  const [bareFigure, ...lambdaFigures] = figures;
  if (!bareFigure) throw new Error("the bare bundle was not built");
  const withRatios = (figure: typeof bareFigure): LambdaFigure => ({
    ...figure,
    sizeRatio: figure.bytes / bareFigure.bytes,
    importRatio: figure.importMs / bareFigure.importMs,
  });
  return {
    bare: withRatios(bareFigure),
    lambdas: lambdaFigures.map(withRatios),
    runs,
    buildNote: lambdaBuild.plugins
      ? `bare and real bundles both built with infra's esbuild plugins (${lambdaBuild.plugins}); bare:no-plugins without them`
      : "bare and real bundles built alike (no esbuild plugins)",
  };
}

export function formatLambdaTable(figures: LambdaFigures): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const line = (figure: LambdaFigure) =>
    `${figure.name.padEnd(24)} ${kb(figure.bytes).padStart(8)} ${kb(figure.gzipBytes).padStart(8)} ${`${figure.importMs.toFixed(1)} ms`.padStart(9)} ${`${figure.sizeRatio.toFixed(2)}×`.padStart(7)} ${`${figure.importRatio.toFixed(2)}×`.padStart(7)}`;
  return [
    `Lambda bundles as SST builds them; import = median of ${figures.runs} fresh processes, alternating; ratios to the bare bundle`,
    `(${figures.buildNote})`,
    "",
    `${"lambda".padEnd(24)} ${"bundle".padStart(8)} ${"gzip".padStart(8)} ${"import".padStart(9)} ${"size".padStart(7)} ${"import".padStart(7)}`,
    line(figures.bare),
    ...figures.lambdas.map(line),
  ].join("\n");
}

/** The largest packages (or files outside node_modules) in a bundle, from its metafile. */
export function largestInputs(metafile: Metafile, count = 20): Array<{ input: string; bytes: number }> {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = match?.[1] ?? path;
      byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}
