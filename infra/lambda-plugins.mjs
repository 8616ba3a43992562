// esbuild plugins for every Lambda bundle: SST's `nodejs.plugins` (infra/build.ts) imports this file
// with plain Node, so it is JavaScript. scripts/bench/lambdas.ts builds the measured bundles with it.
import { fileURLToPath } from "node:url";

const environmentCredentials = fileURLToPath(new URL("./lambda-credentials.ts", import.meta.url));
const SDK_DEFAULT_CHAIN = "@aws-sdk/credential-provider-node";

/** On Lambda credentials come from the environment: swap the SDK's default chain for `fromEnv`. */
const credentialsFromEnvironment = {
  name: "credentials-from-environment",
  setup(build) {
    // Filter on everything and compare the path here: SST's plugin host (sst 4.17.1,
    // .sst/platform/functions/nodejs-runtime/plugin.mjs) tests each filter against a field its Go
    // side does not send (`msg.path`, i.e. "undefined"), so a narrower filter never fires on deploy
    // (test/lambda-bundle.test.ts drives that host).
    build.onResolve({ filter: /.*/ }, (args) =>
      args.path === SDK_DEFAULT_CHAIN ? { path: environmentCredentials } : undefined,
    );
  },
};

export default [credentialsFromEnvironment];
