/**
 * Staff tokens: `exp` required and bounded, issuer and audience checked against the identity
 * provider's JWKS, which is fetched once and kept (also through an outage of the provider).
 */
import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readSettings, type Settings } from "@sigap/core/config/settings";
import { JwksCache } from "@sigap/functions/api/jwks";
import { problemResponse, toProblem } from "@sigap/functions/api/problem";
import { type StaffEnv, staffAuthentication } from "@sigap/functions/api/staff-auth";
import { Hono } from "hono";
import { Jwt } from "hono/utils/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_JWT_SECRET } from "../packages/local/src/environment";

const ISSUER = "https://login.example.go.id/";
const AUDIENCE = "sigap-api";
const HOUR = 3600;

/** A local identity provider: one ES256 key, its JWKS served on 127.0.0.1, fetches counted. */
const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const kid = "test-key-1";
const privateJwk = { ...privateKey.export({ format: "jwk" }), kid, alg: "ES256" } as JsonWebKey;
const publicJwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" };

let jwksServer: Server;
let jwksUrl: string;
let jwksFetches = 0;
let jwksUp = true;

beforeAll(async () => {
  jwksServer = createServer((_request, response) => {
    jwksFetches += 1;
    if (!jwksUp) {
      response.writeHead(503).end();
      return;
    }
    response
      .writeHead(200, { "Content-Type": "application/json" })
      .end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => {
  jwksServer.close();
  jwksServer.closeAllConnections();
});

/** A tiny app behind the real staff middleware, with the given auth settings. */
function appWith(auth: Settings["auth"]) {
  return new Hono<StaffEnv>()
    .use(staffAuthentication(() => auth))
    .get("/me", (c) => c.json(c.get("staff")))
    .onError((error, c) => problemResponse(c, toProblem(error)));
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const identity = {
  sub: "officer-1",
  email: "psm@dinsos.garutkab.example.go.id",
  role: "district",
  region: "32.05",
};

function providerToken(claims: Record<string, unknown> = {}): Promise<string> {
  const iat = nowSeconds();
  return Jwt.sign(
    { ...identity, iss: ISSUER, aud: AUDIENCE, iat, exp: iat + HOUR, ...claims },
    privateJwk as Parameters<typeof Jwt.sign>[1],
  );
}

const production = (): Settings["auth"] => ({
  jwksUrl,
  issuer: ISSUER,
  audience: AUDIENCE,
  maxTokenLifetimeSeconds: 12 * HOUR,
});

async function status(app: ReturnType<typeof appWith>, token: string): Promise<number> {
  return (await app.request("/me", { headers: { Authorization: `Bearer ${token}` } })).status;
}

describe("staff tokens against the identity provider's JWKS", () => {
  it("accepts a valid token and refuses no exp, a too long life, a wrong audience or issuer", async () => {
    const app = appWith(production());
    const valid = await app.request("/me", {
      headers: { Authorization: `Bearer ${await providerToken()}` },
    });
    expect(valid.status).toBe(200);
    expect(await valid.json()).toMatchObject({ sub: "officer-1", role: "district", region: "32.05" });

    expect(await status(app, await providerToken({ exp: undefined }))).toBe(401);
    expect(await status(app, await providerToken({ exp: nowSeconds() + 100 * 365 * 24 * HOUR }))).toBe(401);
    expect(await status(app, await providerToken({ exp: nowSeconds() + 13 * HOUR }))).toBe(401);
    // Issued long ago and expiring soon: its life from `iat` is still too long.
    expect(
      await status(app, await providerToken({ iat: nowSeconds() - 20 * HOUR, exp: nowSeconds() + HOUR })),
    ).toBe(401);
    expect(await status(app, await providerToken({ aud: "another-app" }))).toBe(401);
    expect(await status(app, await providerToken({ aud: undefined }))).toBe(401);
    expect(await status(app, await providerToken({ iss: "https://evil.example/" }))).toBe(401);
    expect(await status(app, await providerToken({ iss: undefined }))).toBe(401);
  });

  it("refuses every token when issuer or audience is not configured", async () => {
    const app = appWith({ ...production(), audience: undefined });
    expect(await status(app, await providerToken())).toBe(401);
  });

  it("fetches the JWKS once for many requests, and keeps serving when the provider goes down", async () => {
    const cache = new JwksCache(jwksUrl, { freshForMs: 60_000 });
    const before = jwksFetches;
    const token = await providerToken();
    const keys = await Promise.all(Array.from({ length: 20 }, () => cache.keysFor(kid)));
    expect(keys.every((k) => k[0]?.kid === kid)).toBe(true);
    expect(jwksFetches - before).toBe(1);

    // Through the middleware too: 30 requests, at most one fetch for the process's cache.
    const app = appWith(production());
    const fetchesBeforeApp = jwksFetches;
    for (let i = 0; i < 30; i += 1) expect(await status(app, token)).toBe(200);
    expect(jwksFetches - fetchesBeforeApp).toBeLessThanOrEqual(1);

    // The keys go stale while the provider is down: the last good keys keep serving.
    const shortLived = new JwksCache(jwksUrl, { freshForMs: 1, retryAfterFailureMs: 1 });
    await shortLived.keysFor(kid);
    jwksUp = false;
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const fetchesWhileDown = jwksFetches;
      expect((await shortLived.keysFor(kid))[0]?.kid).toBe(kid);
      expect(jwksFetches).toBeGreaterThan(fetchesWhileDown);
      // And the middleware keeps accepting tokens after its own cache was filled.
      for (let i = 0; i < 3; i += 1) expect(await status(app, token)).toBe(200);
    } finally {
      jwksUp = true;
    }
  });

  it("answers 503 with Retry-After, not 401, while the provider has never been reachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const app = appWith({ ...production(), jwksUrl: `http://127.0.0.1:${port}/jwks` });
    const response = await app.request("/me", {
      headers: { Authorization: `Bearer ${await providerToken()}` },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBeTruthy();
  });

  it("refetches for an unknown key id at most once per interval", async () => {
    const cache = new JwksCache(jwksUrl, { unknownKeyRefetchMs: 60_000 });
    await cache.keysFor(kid);
    const before = jwksFetches;
    for (let i = 0; i < 10; i += 1) await cache.keysFor(`forged-${i}`);
    expect(jwksFetches - before).toBe(1);
  });

  it("gives up on a provider that does not answer within the timeout", async () => {
    const silent = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/jwks`;
      const started = performance.now();
      await expect(new JwksCache(url, { timeoutMs: 200 }).keysFor(kid)).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe("local (HS256) staff tokens", () => {
  const local = (): Settings["auth"] => ({ secret: LOCAL_JWT_SECRET, maxTokenLifetimeSeconds: 12 * HOUR });
  const sign = (claims: Record<string, unknown>) =>
    Jwt.sign({ ...identity, ...claims }, LOCAL_JWT_SECRET, "HS256");

  it("requires exp and a life of at most the configured maximum", async () => {
    const app = appWith(local());
    const iat = nowSeconds();
    expect(await status(app, await sign({ iat, exp: iat + 8 * HOUR }))).toBe(200);
    expect(await status(app, await sign({ iat }))).toBe(401);
    expect(await status(app, await sign({ iat, exp: iat + 100 * 365 * 24 * HOUR }))).toBe(401);
    expect(
      await status(
        appWith({ ...local(), maxTokenLifetimeSeconds: HOUR }),
        await sign({ iat, exp: iat + 2 * HOUR }),
      ),
    ).toBe(401);
  });

  it("carries the duties a token names (none by default) and refuses unknown or misplaced ones", async () => {
    const app = appWith(local());
    const iat = nowSeconds();
    const me = async (claims: Record<string, unknown>) =>
      app.request("/me", {
        headers: { Authorization: `Bearer ${await sign({ iat, exp: iat + HOUR, ...claims })}` },
      });
    expect(await (await me({})).json()).toMatchObject({ duties: [] });
    expect(await (await me({ duties: ["ppa", "ppa", "case-handler"] })).json()).toMatchObject({
      duties: ["ppa", "case-handler"],
    });
    expect((await me({ duties: ["superuser"] })).status).toBe(401);
    expect((await me({ duties: "ppa" })).status).toBe(401);
    // The PPA unit sits on a kabupaten: a village or province token cannot hold that duty.
    expect((await me({ role: "village", region: "32.05.22.2001", duties: ["ppa"] })).status).toBe(401);
    expect((await me({ role: "province", region: "32", duties: ["ppa"] })).status).toBe(401);
    expect((await me({ role: "village", region: "32.05.22.2001", duties: ["case-handler"] })).status).toBe(
      200,
    );
  });

  it("reads the maximum lifetime and the audience from the environment", () => {
    expect(readSettings({}).auth.maxTokenLifetimeSeconds).toBe(12 * HOUR);
    const configured = readSettings({ AUTH_MAX_TOKEN_HOURS: "2", AUTH_AUDIENCE: AUDIENCE }).auth;
    expect(configured).toMatchObject({ maxTokenLifetimeSeconds: 2 * HOUR, audience: AUDIENCE });
    expect(() => readSettings({ AUTH_MAX_TOKEN_HOURS: "100" })).toThrow();
  });
});
