import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Node's collector, reachable without starting node with --expose-gc (npm start does not). */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

let collect: (() => void) | undefined;

/**
 * The API process's memory after a full collection, in bytes: what `npm run bench:memory` samples
 * (only this process can read its own heap). Local stack only, next to `/_dev/mail`: never on Lambda.
 */
export function memoryAfterCollection(): NodeJS.MemoryUsage {
  collect ??= collector();
  collect();
  return process.memoryUsage();
}

export const DEV_MEMORY_PATH = "/_dev/memory";

/** Answers `GET /_dev/memory` in front of the app; everything else goes to the app. */
export function withMemoryRoute(
  fetch: (request: Request) => Response | Promise<Response>,
): (request: Request) => Response | Promise<Response> {
  return (request) => {
    if (request.method === "GET" && new URL(request.url).pathname === DEV_MEMORY_PATH) {
      return Response.json(memoryAfterCollection(), { headers: { "Cache-Control": "no-store" } });
    }
    return fetch(request);
  };
}
