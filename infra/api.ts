import { lambdaDefaults, lambdaEnvironment } from "./defaults";
import { email } from "./email";
import { piiSecret } from "./secrets";
import { table } from "./table";
import { workflowsLink } from "./workflows";

/**
 * Stage-wide throttling (token bucket over all clients): caps what a flood can cost in Lambda
 * concurrency and DynamoDB capacity. It is not per client — per-IP limits need WAF, which cannot
 * attach to an HTTP API (see the README: a rate-based rule on a CloudFront distribution in front).
 */
const rateLimit = Number(process.env.SIGAP_API_RATE_LIMIT ?? 50);
const burstLimit = Number(process.env.SIGAP_API_BURST_LIMIT ?? 100);

/** The public and staff HTTP API: one Hono app behind API Gateway (HTTP API). */
export const api = new sst.aws.ApiGatewayV2("Api", {
  cors: { allowOrigins: (process.env.SIGAP_ALLOWED_ORIGINS ?? "*").split(",") },
  transform: {
    stage: (args) => {
      args.defaultRouteSettings = { throttlingRateLimit: rateLimit, throttlingBurstLimit: burstLimit };
    },
  },
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
    // Staff tokens come from your identity provider: its JWKS URL, issuer and this API's audience
    // (all three required: without issuer and audience every staff token is refused).
    AUTH_JWKS_URL: process.env.SIGAP_AUTH_JWKS_URL ?? "",
    AUTH_ISSUER: process.env.SIGAP_AUTH_ISSUER ?? "",
    AUTH_AUDIENCE: process.env.SIGAP_AUTH_AUDIENCE ?? "",
    AUTH_MAX_TOKEN_HOURS: process.env.SIGAP_AUTH_MAX_TOKEN_HOURS ?? "",
  }),
});

/**
 * The API reference (GET /openapi.json, /docs, /docs/{operationId}): its own small Lambda, so the
 * description and its schema converter are not in the API's bundle. Reads no table and sends nothing.
 */
const reference = {
  handler: "packages/functions/src/api/reference-lambda.handler",
  ...lambdaDefaults,
  timeout: "10 seconds",
  memory: "256 MB",
  environment: lambdaEnvironment(),
} satisfies sst.aws.FunctionArgs;
for (const route of ["GET /openapi.json", "GET /docs", "GET /docs/{operationId}"])
  api.route(route, reference);
