// Parts of `npm run bench` measured by modules other engineers add (the DynamoDB call counter, the
// Lambda bundle table, handler CPU, stack memory). Until a module exists on this branch its section
// prints a TODO line instead of failing the whole bench; the types are the real modules' (`typeof import`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The module at `path` (relative to this folder), or undefined when it is not there yet. */
export async function optionalModule<T>(path: string): Promise<T | undefined> {
  const url = new URL(path, import.meta.url);
  const candidates = [".ts", ".mjs", ".js", ""].map((ext) => fileURLToPath(`${url.href}${ext}`));
  if (!candidates.some((file) => existsSync(file))) return undefined;
  return (await import(url.href)) as T;
}

/** B's counter module: its real types, so a renamed export fails `tsc`. */
export type CallCounterModule = typeof import("../../packages/local/src/dynamodb-calls");

/** The counter, or undefined (with a TODO printed by the caller) before B's READY is merged. */
export const callCounter = () => optionalModule<CallCounterModule>("../../packages/local/src/dynamodb-calls");

export const todo = (what: string) => `_TODO: ${what}_`;
