/** The local API server: loopback by default, and slow clients cut off instead of held. */
import type { Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { API_SERVER_TIMEOUTS, localApiHost, serveApi } from "../packages/local/src/api-server";

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** Reads the whole request body, as the registration route does. */
const echo = async (request: Request) => new Response(`got ${(await request.text()).length}`);

/**
 * Sends `head`, then one byte of body every `everyMs` forever; resolves with what the server
 * answered and how long it kept the connection, or rejects after `giveUpMs`.
 */
function trickle(port: number, head: string, everyMs: number, giveUpMs: number) {
  return new Promise<{ answer: string; heldMs: number }>((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.write(head);
    const drip = setInterval(() => socket.write("x"), everyMs);
    const giveUp = setTimeout(() => {
      clearInterval(drip);
      socket.destroy();
      reject(new Error(`still connected after ${giveUpMs} ms`));
    }, giveUpMs);
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    const finish = () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      resolve({ answer, heldMs: performance.now() - started });
    };
    socket.on("close", finish);
    socket.on("error", () => undefined);
  });
}

const small = { headersTimeout: 300, requestTimeout: 600, connectionsCheckingInterval: 50 };

describe("local API server", () => {
  it("listens on 127.0.0.1 unless HOST says otherwise", async () => {
    expect(localApiHost({})).toBe("127.0.0.1");
    expect(localApiHost({ HOST: "0.0.0.0" })).toBe("0.0.0.0");
    server = await serveApi(echo, { port: 0, hostname: localApiHost({}) });
    expect((server.address() as AddressInfo).address).toBe("127.0.0.1");
    expect(server.requestTimeout).toBe(API_SERVER_TIMEOUTS.requestTimeout);
    expect(server.headersTimeout).toBe(API_SERVER_TIMEOUTS.headersTimeout);
    expect(server.keepAliveTimeout).toBe(API_SERVER_TIMEOUTS.keepAliveTimeout);
  });

  it("answers a normal request", async () => {
    server = await serveApi(echo, { port: 0, hostname: "127.0.0.1", timeouts: small });
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "hello" });
    expect(await response.text()).toBe("got 5");
  });

  it("cuts off a client that trickles its body", async () => {
    server = await serveApi(echo, { port: 0, hostname: "127.0.0.1", timeouts: small });
    const { port } = server.address() as AddressInfo;
    const { answer, heldMs } = await trickle(
      port,
      "POST /v1/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
      50,
      10_000,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(heldMs).toBeLessThan(10_000);
  });

  it("cuts off a client that trickles its headers", async () => {
    server = await serveApi(echo, { port: 0, hostname: "127.0.0.1", timeouts: small });
    const { port } = server.address() as AddressInfo;
    const { answer } = await trickle(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", 50, 10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
