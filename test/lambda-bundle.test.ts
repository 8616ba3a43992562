/**
 * The Lambda bundles as SST builds them (infra/build.ts, infra/lambda-plugins.mjs): the SDK's
 * default credential chain is swapped for environment credentials, and the bundle still serves.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import { lambdaBuild } from "../infra/build";
import { MISSING_CREDENTIALS } from "../infra/lambda-credentials";
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
const runNode = (script: string, env: NodeJS.ProcessEnv = lambdaEnvironment) =>
  execFileSync(process.execPath, [script], { encoding: "utf8", env, stdio: ["ignore", "pipe", "ignore"] });

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

  it("gives SDK clients the credentials in the environment, and says so when there are none", {
    timeout: 60_000,
  }, async () => {
    const bundle = join(out, "credentials.mjs");
    const options = await sstEsbuildOptions("scripts/bench/bare-lambda.ts", bundle);
    await build({
      ...options,
      entryPoints: undefined,
      stdin: {
        contents: `import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
try {
  const credentials = await new DynamoDBClient({}).config.credentials();
  console.log(JSON.stringify({ accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message }));
}`,
        resolveDir: process.cwd(),
        loader: "ts",
      },
    });
    expect(JSON.parse(runNode(bundle))).toEqual({
      accessKeyId: "AKIDFROMENVIRONMENT",
      sessionToken: "token-from-environment",
    });
    const { AWS_ACCESS_KEY_ID: _none, ...withoutKey } = lambdaEnvironment;
    expect(JSON.parse(runNode(bundle, withoutKey))).toEqual({ error: MISSING_CREDENTIALS });
  });
});

/**
 * SST does not run our plugins with esbuild's JS API: its Go build starts
 * `node .sst/platform/functions/nodejs-runtime/plugin.mjs <repo>/<nodejs.plugins>` (sst
 * pkg/runtime/node/plugin.go) and asks it, one JSON line per import, `{id, command: "resolve",
 * value: {path, importer, …}}`; the host runs each onResolve whose `new RegExp(filter)` matches. So
 * this drives SST's own host with infra/build.ts's setting. `.sst/platform` comes from `sst install`
 * (`npm run typecheck:infra`, which CI runs before the tests); without it this test is skipped.
 */
const sstPluginHost = ".sst/platform/functions/nodejs-runtime/plugin.mjs";

describe.skipIf(!existsSync(sstPluginHost))("SST's plugin host with infra/lambda-plugins.mjs", () => {
  it("is the host of the SST version this repository pins", () => {
    const pinned = JSON.parse(readFileSync("node_modules/sst/package.json", "utf8")).version;
    expect(readFileSync(".sst/platform/version", "utf8").trim()).toBe(pinned);
  });

  it("resolves the SDK's default credential chain to infra/lambda-credentials.ts, and nothing else", {
    timeout: 30_000,
  }, async () => {
    const plugins = lambdaBuild.plugins;
    expect(plugins).toBeDefined();
    const host = spawn(process.execPath, [sstPluginHost, join(process.cwd(), plugins ?? "")], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const replies = createInterface({ input: host.stdout });
    const answers = new Map<number, Record<string, unknown>>();
    const pending = new Map<number, () => void>();
    replies.on("line", (line) => {
      const reply = JSON.parse(line) as { id: number; value: Record<string, unknown> };
      answers.set(reply.id, reply.value);
      pending.get(reply.id)?.();
    });
    let nextId = 0;
    const resolve = (path: string) => {
      const id = nextId++;
      const importer = join(process.cwd(), "node_modules/@aws-sdk/client-dynamodb/dist-es/DynamoDBClient.js");
      const value = {
        path,
        importer,
        namespace: "file",
        resolveDir: join(importer, ".."),
        kind: "import-statement",
        pluginData: null,
        with: {},
      };
      return new Promise<Record<string, unknown>>((done) => {
        pending.set(id, () => done(answers.get(id) ?? {}));
        host.stdin.write(`${JSON.stringify({ id, command: "resolve", value })}\n`);
      });
    };
    try {
      expect(await resolve("@aws-sdk/credential-provider-node")).toEqual({
        path: join(process.cwd(), "infra/lambda-credentials.ts"),
      });
      expect(await resolve("@aws-sdk/credential-provider-env")).toEqual({});
      expect(await resolve("@aws-sdk/credential-provider-node/dist-cjs/index.js")).toEqual({});
    } finally {
      host.kill();
    }
  });
});
