/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (infra/lambda-plugins.mjs).
 * On Lambda the execution role's credentials are always in the environment (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the SDK's default chain — ini files, SSO, web
 * identity, process, IMDS and the STS/SSO clients they carry — is dead weight at cold start.
 * Every SDK client imports only `defaultProvider` from that package.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";

export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
