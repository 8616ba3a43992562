/**
 * How SST bundles every sigap Lambda (`nodejs` in sst.aws.Function's args). Its own module without
 * SST globals, so scripts/bench/lambdas.ts builds the bundles it measures with exactly these settings.
 */
export const lambdaBuild: {
  minify?: boolean;
  banner?: string;
  /** A file exporting a list of esbuild plugins, relative to the repository root (SST's `nodejs.plugins`). */
  plugins?: string;
} = {
  minify: true,
  // Credentials from the environment only: see infra/lambda-credentials.ts.
  plugins: "infra/lambda-plugins.mjs",
};
