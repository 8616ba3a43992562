import type { Server } from "node:http";
import { localApiHost, serveApi } from "./api-server";
import { ensureTable, startDynamoDbLocal } from "./dynamodb-local";
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalPorts } from "./environment";
import { LocalStepFunctions } from "./sfn/engine";
import { serveStepFunctions } from "./sfn/server";
import { localLambdas, localStatusChangeHandler, registerWorkflows } from "./workflows";

export interface LocalStack {
  urls: { api: string; dynamodb: string; stepFunctions: string; mail: string };
  engine: LocalStepFunctions;
  /** The start-up reconciliation, running in the background; settles with its counts. */
  reconciliation: Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local, the Step Functions endpoint (with every workflow registered and every task
 * group's handler in-process) and the API. The caller has applied `localEnvironment()` to
 * process.env first: the application modules read it when they load.
 */
export async function startLocalStack(options: {
  ports: LocalPorts;
  tableName: string;
  dataDirectory?: string;
  /** DynamoDB Local kept dying and the stack stopped itself; the caller should exit. */
  onFatal?(error: Error): void;
}): Promise<LocalStack> {
  const { ports } = options;
  const stops: Array<() => Promise<void>> = [];
  // Once, in reverse order of starting, however many callers ask (a fatal emulator and a signal).
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const s of [...stops].reverse()) await s().catch((error) => console.error(error));
    })();
    return stopped;
  };
  try {
    // /health follows the emulator at once (its cached states are dropped on each change).
    const forgetHealth = async () => (await import("@sigap/functions/api/health")).forgetDependencyStates();
    const dynamodb = await startDynamoDbLocal({
      port: ports.dynamodb,
      dataDirectory: options.dataDirectory,
      supervise: {
        onExit: () => void forgetHealth(),
        onRestart: async () => {
          await ensureTable(`http://127.0.0.1:${ports.dynamodb}`, options.tableName);
          await forgetHealth();
        },
        onGiveUp: (error) => {
          console.error(`sigap is stopping: DynamoDB Local keeps exiting.\n${error.message}`);
          void stop().then(() => options.onFatal?.(error));
        },
      },
    });
    stops.push(dynamodb.stop);
    // Stops run in reverse: after the API and the engine have stopped, mail still being written
    // reaches the outbox file.
    stops.push(async () => {
      const { outbox } = await import("@sigap/core/mail/outbox");
      await outbox().flushed();
    });
    await ensureTable(dynamodb.endpoint, options.tableName);

    const lambdas = await localLambdas();
    const onStatusChange = await localStatusChangeHandler();
    const engine = new LocalStepFunctions({
      onStatusChange,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      // Parked executions' histories go to disk beside the database, not to the OS temp directory
      // (often in memory).
      spillDirectory: options.dataDirectory,
      resolveLambda: (arnOrName) =>
        lambdas.get(arnOrName) ?? [...lambdas].find(([arn]) => arn.endsWith(`:function:${arnOrName}`))?.[1],
    });
    stops.push(async () => engine.close());
    registerWorkflows(engine);
    const sfn = await serveStepFunctions(engine, ports.stepFunctions);
    stops.push(() => closeServer(sfn.server));

    // An empty local directory gets the sample approvers.
    const { seedDirectoryIfEmpty } = await import("./seed");
    await seedDirectoryIfEmpty();
    // Open items of every workflow get their execution back (executions live in memory),
    // continuing where they stood, without a new email. In the background: start-up time must not
    // grow with them. (On AWS executions are kept; only the marked exceptions are reconciled.)
    const { recoverWorkflows } = await import("@sigap/core/workflow/reconcilers");
    const stopReconciling = new AbortController();
    const reconcileStarted = performance.now();
    const reconciliation = recoverWorkflows({ signal: stopReconciling.signal }).then(
      (counts) => {
        const seconds = ((performance.now() - reconcileStarted) / 1000).toFixed(1);
        console.log(`Reconciliation finished in ${seconds} s: ${JSON.stringify(counts)}`);
        return counts;
      },
      (error: unknown) => {
        console.error("Reconciliation failed:", error);
        return undefined;
      },
    );
    stops.push(async () => {
      stopReconciling.abort();
      await reconciliation;
    });

    // The scheduler, as infra/cron.ts runs it on AWS: each job on its own schedule.
    const { scheduledJobs } = await import("@sigap/core/system/jobs");
    const { startJobTimers } = await import("./scheduler");
    const stopJobs = startJobTimers(scheduledJobs, (job, error) =>
      console.error(`Scheduled job ${job} failed:`, error),
    );
    stops.push(async () => stopJobs());

    // The API opens last: when it answers /health, everything behind it is ready.
    const { createApp } = await import("@sigap/functions/api/app");
    const app = createApp();
    const { mountDevMemory } = await import("./dev-memory");
    mountDevMemory(app);
    const api = await serveApi(app.fetch, { port: ports.api, hostname: localApiHost() });
    stops.push(() => closeServer(api));

    const apiUrl = `http://localhost:${ports.api}`;
    return {
      urls: { api: apiUrl, dynamodb: dynamodb.endpoint, stepFunctions: sfn.url, mail: `${apiUrl}/_dev/mail` },
      engine,
      reconciliation,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
