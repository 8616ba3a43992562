import type { Server } from "node:http";
import { serve } from "@hono/node-server";

export interface ApiServerTimeouts {
  /** Until the request's headers are complete. */
  headersTimeout: number;
  /** Until the whole request (headers and body) has arrived: a trickled body is cut off here. */
  requestTimeout: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeout: number;
  /** How often Node checks the two limits above (its default, 30 s, would double them). */
  connectionsCheckingInterval: number;
}

/**
 * A form of a few KB arrives in well under a second, even on a slow phone connection; ten seconds
 * for headers and thirty for the whole request leave room for that and stop a client that
 * trickles bytes from holding a connection (API Gateway, in production, does the same).
 */
export const API_SERVER_TIMEOUTS: ApiServerTimeouts = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
};

/**
 * The address the local API listens on: loopback unless HOST says otherwise, because `/_dev/mail`
 * shows every live action link to whoever can reach it.
 */
export function localApiHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOST || "127.0.0.1";
}

/** Serves the API app on Node with the timeouts above; resolves once it is listening. */
export function serveApi(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { port: number; hostname: string; timeouts?: Partial<ApiServerTimeouts> },
): Promise<Server> {
  const timeouts = { ...API_SERVER_TIMEOUTS, ...options.timeouts };
  return new Promise<Server>((resolve, reject) => {
    const server = serve(
      {
        fetch,
        port: options.port,
        hostname: options.hostname,
        serverOptions: {
          headersTimeout: timeouts.headersTimeout,
          requestTimeout: timeouts.requestTimeout,
          keepAliveTimeout: timeouts.keepAliveTimeout,
          connectionsCheckingInterval: timeouts.connectionsCheckingInterval,
        },
      },
      () => resolve(server as Server),
    ) as Server;
    server.once("error", reject);
  });
}
