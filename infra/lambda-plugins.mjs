// esbuild plugins for every Lambda bundle: SST's `nodejs.plugins` (infra/build.ts) imports this file
// with plain Node, so it is JavaScript. scripts/bench/lambdas.ts builds the measured bundles with it.
import { fileURLToPath } from "node:url";

const environmentCredentials = fileURLToPath(new URL("./lambda-credentials.ts", import.meta.url));

/** On Lambda credentials come from the environment: swap the SDK's default chain for `fromEnv`. */
const credentialsFromEnvironment = {
  name: "credentials-from-environment",
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: environmentCredentials,
    }));
  },
};

export default [credentialsFromEnvironment];
