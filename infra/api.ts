import { lambdaDefaults, lambdaEnvironment } from "./defaults";
import { email } from "./email";
import { piiSecret } from "./secrets";
import { table } from "./table";
import { workflowsLink } from "./workflows";

/** The public and staff HTTP API: one Hono app behind API Gateway (HTTP API). */
export const api = new sst.aws.ApiGatewayV2("Api", {
  cors: { allowOrigins: (process.env.SIGAP_ALLOWED_ORIGINS ?? "*").split(",") },
});

api.route("$default", {
  handler: "packages/functions/src/api/lambda.handler",
  ...lambdaDefaults,
  timeout: "20 seconds",
  memory: "512 MB",
  link: [table, workflowsLink, email, piiSecret],
  // GET /health probes SES with GetAccount (is sending enabled?).
  permissions: [{ actions: ["ses:GetAccount"], resources: ["*"] }],
  environment: lambdaEnvironment({
    // Links in emails point here; set SIGAP_PUBLIC_BASE_URL when a custom domain fronts the API.
    PUBLIC_BASE_URL: process.env.SIGAP_PUBLIC_BASE_URL ?? api.url,
    // Staff tokens come from your identity provider: its JWKS URL and issuer.
    AUTH_JWKS_URL: process.env.SIGAP_AUTH_JWKS_URL ?? "",
    AUTH_ISSUER: process.env.SIGAP_AUTH_ISSUER ?? "",
  }),
});
