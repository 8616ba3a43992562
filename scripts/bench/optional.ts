// Parts of `npm run bench` measured by modules other engineers add (the DynamoDB call counter, the
// Lambda bundle table, handler CPU, stack memory). Until a module exists on this branch its section
// prints a TODO line instead of failing the whole bench; the types below are the agreed interfaces.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The module at `path` (relative to this folder), or undefined when it is not there yet. */
export async function optionalModule<T>(path: string): Promise<T | undefined> {
  const url = new URL(path, import.meta.url);
  const candidates = [".ts", ".mjs", ".js", ""].map((ext) => fileURLToPath(`${url.href}${ext}`));
  if (!candidates.some((file) => existsSync(file))) return undefined;
  return (await import(url.href)) as T;
}

/** One DynamoDB call as B's counter (packages/local/src/dynamodb-calls.ts) records it. */
export interface DynamoDbCall {
  command: string;
  itemsReturned?: number;
  itemsScanned?: number;
  itemsWritten?: number;
  entities?: string[];
  failed?: string;
}

export interface DynamoDbCallCounter {
  readonly calls: readonly DynamoDbCall[];
  itemsRead(): number;
  byCommand(): Record<string, number>;
  describe(): string;
  reset(): void;
  stop(): void;
}

export type CallCounterModule = { countDynamoDbCalls(): DynamoDbCallCounter };

/** The counter, or undefined (with a TODO printed by the caller) before B's READY is merged. */
export const callCounter = () => optionalModule<CallCounterModule>("../../packages/local/src/dynamodb-calls");

export const todo = (what: string) => `_TODO: ${what}_`;
