import { AsyncLocalStorage } from "node:async_hooks";
import { dynamodb } from "@sigap/core/db/client";

/**
 * Counts the DynamoDB calls this process makes through the one client (`db()`/`dynamodb()` share
 * its middleware stack), for tests and benchmarks: "how many calls from the POST to the email",
 * "how many items does a reconciler read". A call is counted once however often the SDK retried it.
 */

/** One DynamoDB call as the application made it. */
export interface DynamoDbCall {
  /** The command's name without "Command": "GetItem", "TransactWriteItems", "Query", … */
  command: string;
  /** Items returned (Query, Scan, BatchGetItem); 1 or 0 for GetItem. */
  itemsReturned?: number;
  /** Items DynamoDB read to answer (Query, Scan: ScannedCount). */
  itemsScanned?: number;
  /** Items written (TransactWriteItems, BatchWriteItem); 1 for a Put/Update/Delete. */
  itemsWritten?: number;
  /** What the call touched: each item's partition key up to its first "#" (e.g. "REG", "ACTION"), no ids. */
  entities?: string[];
  /** The error's name when the call failed (e.g. a condition that did not hold). */
  failed?: string;
}

export interface DynamoDbCallCounter {
  /** The calls recorded since the counter started (or was last reset), in the order they were made. */
  readonly calls: readonly DynamoDbCall[];
  /** Sum of `itemsReturned` over the recorded calls. */
  itemsRead(): number;
  /** Command names and how often each was made, e.g. `{ GetItem: 2, TransactWriteItems: 1 }`. */
  byCommand(): Record<string, number>;
  /** One line per call, for printing. */
  describe(): string;
  reset(): void;
  /** Stops recording (the middleware stays installed, idle, for other counters). */
  stop(): void;
  /**
   * Runs `run` inside this counter's scope: a scoped counter records only the calls made in that
   * async context (what `run` awaits, not executions it started that run on in the engine's context).
   */
  within<T>(run: () => Promise<T>): Promise<T>;
}

export interface CountOptions {
  /** Record only calls made inside `counter.within(…)`, not every call of the process. */
  scoped?: boolean;
}

const MIDDLEWARE_NAME = "sigapDynamoDbCallCounter";
type Recorder = (call: DynamoDbCall) => void;
/** Every recording counter, and whether it records only inside its own scope. */
const active = new Map<Recorder, { scoped: boolean }>();
/** The scoped counters whose `within` the current async context runs in. */
const scopes = new AsyncLocalStorage<ReadonlySet<Recorder>>();
let installed = false;

/**
 * Starts recording every call the process makes through the shared client from now on — or, with
 * `scoped`, only those made inside `counter.within(…)`: a job's own calls, not those of the
 * executions it (or an earlier job) started, which the local engine runs in the same process.
 */
export function countDynamoDbCalls(options: CountOptions = {}): DynamoDbCallCounter {
  install();
  const calls: DynamoDbCall[] = [];
  const record: Recorder = (call) => calls.push(call);
  active.set(record, { scoped: options.scoped ?? false });
  return {
    calls,
    itemsRead: () => calls.reduce((sum, call) => sum + (call.itemsReturned ?? 0), 0),
    byCommand: () => {
      const counts: Record<string, number> = {};
      for (const call of calls) counts[call.command] = (counts[call.command] ?? 0) + 1;
      return counts;
    },
    describe: () => calls.map(describeCall).join("\n"),
    reset: () => {
      calls.length = 0;
    },
    stop: () => {
      active.delete(record);
    },
    within: (run) => scopes.run(new Set([...(scopes.getStore() ?? []), record]), run),
  };
}

function describeCall(call: DynamoDbCall, index: number): string {
  const parts = [`${index + 1}. ${call.command}`];
  if (call.itemsReturned !== undefined) parts.push(`returned ${call.itemsReturned}`);
  if (call.itemsScanned !== undefined) parts.push(`scanned ${call.itemsScanned}`);
  if (call.itemsWritten !== undefined) parts.push(`wrote ${call.itemsWritten}`);
  if (call.entities) parts.push(call.entities.join(" + "));
  if (call.failed) parts.push(`failed: ${call.failed}`);
  return parts.join(" · ");
}

/**
 * The middleware sits in the initialize step, outside the retry loop: one record per logical call.
 * Its input is the low-level (marshalled or not) command input; its output the command's output.
 */
function install(): void {
  if (installed) return;
  installed = true;
  dynamodb().middlewareStack.add(
    (next, context) => async (args) => {
      if (active.size === 0) return next(args);
      const command = (context.commandName ?? "Unknown").replace(/Command$/, "");
      const input = args.input as Record<string, unknown>;
      try {
        const result = await next(args);
        notify({
          command,
          ...countItems(command, input, result.output as unknown as Record<string, unknown>),
          ...touched(input),
        });
        return result;
      } catch (error) {
        notify({ command, ...touched(input), failed: error instanceof Error ? error.name : String(error) });
        throw error;
      }
    },
    { step: "initialize", name: MIDDLEWARE_NAME, override: true },
  );
}

function notify(call: DynamoDbCall): void {
  const inScope = scopes.getStore();
  for (const [record, { scoped }] of active) {
    if (!scoped || inScope?.has(record)) record(call);
  }
}

function countItems(
  command: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): Omit<DynamoDbCall, "command" | "failed"> {
  switch (command) {
    case "Query":
    case "Scan":
      return {
        itemsReturned: (output.Count as number | undefined) ?? 0,
        itemsScanned: (output.ScannedCount as number | undefined) ?? 0,
      };
    case "GetItem":
      return { itemsReturned: output.Item ? 1 : 0 };
    case "BatchGetItem": {
      const responses = (output.Responses ?? {}) as Record<string, unknown[]>;
      return { itemsReturned: Object.values(responses).reduce((sum, items) => sum + items.length, 0) };
    }
    case "TransactGetItems":
      return {
        itemsReturned: ((output.Responses ?? []) as Array<{ Item?: unknown }>).filter((r) => r.Item).length,
      };
    case "TransactWriteItems":
      return { itemsWritten: ((input.TransactItems ?? []) as unknown[]).length };
    case "BatchWriteItem": {
      const requests = (input.RequestItems ?? {}) as Record<string, unknown[]>;
      return { itemsWritten: Object.values(requests).reduce((sum, items) => sum + items.length, 0) };
    }
    case "PutItem":
    case "UpdateItem":
    case "DeleteItem":
      return { itemsWritten: 1 };
    default:
      return {};
  }
}

/** The partition-key prefixes of the items a call names (Key, Item, the items of a transaction). */
function touched(input: Record<string, unknown>): Pick<DynamoDbCall, "entities"> {
  const items: unknown[] = [input];
  for (const request of Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>)) {
    items.push(...(request.Keys ?? []).map((Key) => ({ Key })));
  }
  const transactItems = input.TransactItems as Array<Record<string, unknown>> | undefined;
  for (const entry of transactItems ?? []) items.push(...Object.values(entry));
  const entities: string[] = [];
  for (const item of items) {
    const { Key, Item } = item as { Key?: Record<string, unknown>; Item?: Record<string, unknown> };
    const pk = plainString((Key ?? Item)?.pk);
    if (pk !== undefined) entities.push(pk.split("#")[0] ?? pk);
  }
  // A query names its partition in the key condition's values.
  const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
  const queried = input.KeyConditionExpression ? plainString(values?.[":pk"]) : undefined;
  if (entities.length === 0 && queried !== undefined) entities.push(queried.split("#")[0] ?? queried);
  if (typeof input.IndexName === "string") entities.push(`(${input.IndexName})`);
  return entities.length > 0 ? { entities } : {};
}

/** A document-client value is a string; a low-level one is `{ S: string }`. */
function plainString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  const marshalled = (value as { S?: unknown } | undefined)?.S;
  return typeof marshalled === "string" ? marshalled : undefined;
}
