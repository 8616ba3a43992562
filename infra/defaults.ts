/** What every sigap Lambda shares: runtime, architecture, and the settings read from the deploying shell. */
export const lambdaDefaults = {
  runtime: "nodejs22.x",
  architecture: "arm64",
} as const;

export function lambdaEnvironment(extra: Record<string, $util.Input<string>> = {}) {
  return {
    SLA_SCALE: process.env.SLA_SCALE ?? "1",
    MAIL_TRANSPORT: "ses",
    OPERATOR_EMAIL: process.env.SIGAP_OPERATOR_EMAIL ?? "",
    ...extra,
  };
}
