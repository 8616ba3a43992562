/**
 * The Lambda bundles as SST builds them (infra/build.ts, infra/lambda-plugins.mjs): the SDK's
 * default credential chain is swapped for environment credentials, and the bundle still serves.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import { sstEsbuildOptions } from "../scripts/bench/lambdas";

const out = mkdtempSync(join(tmpdir(), "sigap-lambda-bundle-"));
const lambdaEnvironment = {
  PATH: process.env.PATH ?? "",
  AWS_REGION: "ap-southeast-3",
  AWS_ACCESS_KEY_ID: "AKIDFROMENVIRONMENT",
  AWS_SECRET_ACCESS_KEY: "secret-from-environment",
  AWS_SESSION_TOKEN: "token-from-environment",
  REGIONS_FILE: join(process.cwd(), "packages/core/src/region/data/regions.tsv"),
  POWERTOOLS_LOG_LEVEL: "SILENT",
};
const runNode = (script: string) =>
  execFileSync(process.execPath, [script], {
    encoding: "utf8",
    env: lambdaEnvironment,
    stdio: ["ignore", "pipe", "ignore"],
  });

describe("the API Lambda bundle", () => {
  it("carries no credential chain beyond the environment, and serves a request", {
    timeout: 120_000,
  }, async () => {
    const bundle = join(out, "api.mjs");
    const result = await build(await sstEsbuildOptions("packages/functions/src/api/lambda.ts", bundle));
    const inputs = Object.keys((result.metafile as Metafile).inputs);
    expect(inputs).toContain("infra/lambda-credentials.ts");
    const chain = inputs.filter((input) =>
      /credential-provider-(node|ini|sso|process|web-identity|login|imds)|nested-clients/.test(input),
    );
    expect(chain).toEqual([]);

    const call = join(out, "call.mjs");
    writeFileSync(
      call,
      `const { handler } = await import(${JSON.stringify(bundle)});
const event = { version: "2.0", routeKey: "$default", rawPath: "/v1/regions", rawQueryString: "", headers: { host: "api.test" },
  requestContext: { http: { method: "GET", path: "/v1/regions", sourceIp: "192.0.2.1" }, stage: "$default" }, isBase64Encoded: false };
const answer = await handler(event, {});
console.log(JSON.stringify({ status: answer.statusCode, body: JSON.parse(answer.body) }));`,
    );
    const answer = JSON.parse(runNode(call));
    expect(answer.status).toBe(200);
    expect(answer.body.items).toContainEqual({ code: "32", name: "Jawa Barat", level: "province" });
  });

  it("gives SDK clients the credentials in the environment", { timeout: 60_000 }, async () => {
    const bundle = join(out, "credentials.mjs");
    const options = await sstEsbuildOptions("scripts/bench/bare-lambda.ts", bundle);
    await build({
      ...options,
      entryPoints: undefined,
      stdin: {
        contents: `import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
const credentials = await new DynamoDBClient({}).config.credentials();
console.log(JSON.stringify({ accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken }));`,
        resolveDir: process.cwd(),
        loader: "ts",
      },
    });
    expect(JSON.parse(runNode(bundle))).toEqual({
      accessKeyId: "AKIDFROMENVIRONMENT",
      sessionToken: "token-from-environment",
    });
  });
});
