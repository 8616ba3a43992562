/**
 * `npm start`: the whole system on this machine, on embedded defaults — DynamoDB Local (data kept in
 * .data/), the Step Functions endpoint, the API and the mail outbox. Ctrl-C or SIGTERM stops all.
 */
import { join } from "node:path";
import { dynamoDbLocalDirectory, localEnvironment, localPorts } from "./environment";

const started = Date.now();
const ports = localPorts();
const dataDirectory = process.env.DATA_DIR ?? join(dynamoDbLocalDirectory, "..", ".data");
const environment = localEnvironment(ports, { dataDirectory });
Object.assign(process.env, environment);

// Signals are handled from the first moment: a stop during start-up waits for it, then stops
// everything it started (a default SIGTERM would leave DynamoDB Local running).
let stopping = false;
let starting: Promise<unknown> = Promise.resolve();
let stopStack: (() => Promise<void>) | undefined;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping sigap …`);
  await starting.catch(() => undefined);
  await stopStack?.();
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => void shutdown(signal));

// Application modules read the environment as they load, so they are imported only now.
const { startLocalStack } = await import("./stack");
const tableName = (JSON.parse(environment.SST_RESOURCE_Table as string) as { name: string }).name;

const startup = startLocalStack({
  ports,
  tableName,
  dataDirectory: join(dataDirectory, "dynamodb"),
  // The stack has stopped itself and said why.
  onFatal: () => process.exit(1),
});
starting = startup;
let stack: Awaited<typeof startup>;
try {
  stack = await startup;
  stopStack = stack.stop;
} catch (error) {
  console.error(`sigap could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`
sigap is running (ready in ${seconds} s, SLA_SCALE=${process.env.SLA_SCALE ?? "1"})

  web forms         ${stack.urls.api}/   (open in a browser)
  API               ${stack.urls.api}   (reference: ${stack.urls.api}/docs)
  health            ${stack.urls.api}/health
  mail outbox       ${stack.urls.mail}
  Step Functions    ${stack.urls.stepFunctions}   (AWS JSON protocol; use @aws-sdk/client-sfn or the AWS CLI)
  DynamoDB Local    ${stack.urls.dynamodb}   (table ${tableName})
  data              ${dataDirectory}

Staff token for trying the staff API:  npm run token -- --role district --region 32.05
Press Ctrl-C to stop.
`);
