import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | undefined;

/**
 * Node's full garbage collection, reachable without starting node with `--expose-gc` (`npm start`,
 * vitest and the bench scripts do not): for memory figures that count what is really kept.
 */
export function garbageCollector(): () => void {
  if (!collect) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  return collect;
}

/** The heap in use, in bytes, right after a full collection. */
export function heapAfterCollection(): number {
  garbageCollector()();
  return process.memoryUsage().heapUsed;
}
