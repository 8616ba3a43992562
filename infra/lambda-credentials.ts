/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (infra/lambda-plugins.mjs).
 * On Lambda the execution role's credentials are always in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the SDK's default chain — ini files, SSO, web
 * identity, process, IMDS and the STS/SSO clients they carry — is dead weight at cold start.
 * Every SDK client imports only `defaultProvider` from that package.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";

/** Says why a bundle run outside Lambda (profile or SSO credentials) cannot call AWS, instead of the SDK's generic error. */
export const MISSING_CREDENTIALS =
  "AWS_ACCESS_KEY_ID is not set: this Lambda bundle reads AWS credentials only from the environment " +
  "(infra/lambda-credentials.ts replaces the SDK's default chain; profiles, SSO and IMDS are not consulted)";

export const defaultProvider: typeof fromEnv = (init) => {
  const fromEnvironment = fromEnv(init);
  return async (options) => {
    if (!process.env.AWS_ACCESS_KEY_ID) throw new Error(MISSING_CREDENTIALS);
    return fromEnvironment(options);
  };
};
