import { lambdaBuild } from "./build";

/** What every sigap Lambda shares: runtime, architecture, bundling, and the settings read from the deploying shell. */
export const lambdaDefaults: Pick<sst.aws.FunctionArgs, "runtime" | "architecture" | "copyFiles" | "nodejs"> =
  {
    runtime: "nodejs22.x",
    architecture: "arm64",
    nodejs: lambdaBuild,
    // The Kemendagri region list (built at install) travels beside each bundle, read on first use.
    copyFiles: [{ from: "packages/core/src/region/data/regions.tsv", to: "regions.tsv" }],
  };

export function lambdaEnvironment(extra: Record<string, $util.Input<string>> = {}) {
  return {
    SLA_SCALE: process.env.SLA_SCALE ?? "1",
    MAIL_TRANSPORT: "ses",
    OPERATOR_EMAIL: process.env.SIGAP_OPERATOR_EMAIL ?? "",
    REGIONS_FILE: "/var/task/regions.tsv",
    ...extra,
  };
}
