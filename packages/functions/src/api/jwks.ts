import { logger } from "@sigap/core/log";
import type { Jwt } from "hono/utils/jwt";

/** A JSON Web Key as hono's verify takes it. */
export type HonoJsonWebKey = NonNullable<Parameters<typeof Jwt.verifyWithJwks>[1]["keys"]>[number];

export interface JwksCacheOptions {
  /** How long fetched keys are used before they are fetched again. */
  freshForMs?: number;
  /** The least time between two fetches caused by a token naming a key we do not hold. */
  unknownKeyRefetchMs?: number;
  /** After a failed refresh, how long the last good keys serve before the next try. */
  retryAfterFailureMs?: number;
  /** One fetch's limit: a slow identity provider must not hold a request near API Gateway's 29 s. */
  timeoutMs?: number;
}

/**
 * The identity provider's signing keys, fetched with a timeout and kept for a while. When a
 * refresh fails, the last good keys keep serving (stale-if-error): an identity-provider outage
 * must not lock out every officer whose token is already issued. A token naming an unknown key
 * (a rotation) fetches again, at most once per `unknownKeyRefetchMs`, so forged kids cannot turn
 * every request into a fetch.
 */
export class JwksCache {
  private keys: HonoJsonWebKey[] | undefined;
  private freshUntil = 0;
  private nextUnknownKeyFetch = 0;
  private inFlight: Promise<void> | undefined;
  private readonly freshForMs: number;
  private readonly unknownKeyRefetchMs: number;
  private readonly retryAfterFailureMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly url: string,
    options: JwksCacheOptions = {},
  ) {
    this.freshForMs = options.freshForMs ?? 10 * 60_000;
    this.unknownKeyRefetchMs = options.unknownKeyRefetchMs ?? 60_000;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
  }

  /** Keys to verify a token whose header names `kid`; throws only when no good keys were ever had. */
  async keysFor(kid: string | undefined): Promise<HonoJsonWebKey[]> {
    if (!this.keys || Date.now() >= this.freshUntil) await this.refresh();
    if (kid && !this.keys?.some((key) => key.kid === kid) && Date.now() >= this.nextUnknownKeyFetch) {
      this.nextUnknownKeyFetch = Date.now() + this.unknownKeyRefetchMs;
      await this.refresh();
    }
    if (!this.keys) throw new Error("No JWKS could be fetched");
    return this.keys;
  }

  /** One fetch at a time: concurrent requests share it. */
  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    try {
      const response = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      const body = (await response.json()) as { keys?: unknown };
      if (!Array.isArray(body.keys)) throw new Error("JWKS has no keys array");
      this.keys = body.keys as HonoJsonWebKey[];
      this.freshUntil = Date.now() + this.freshForMs;
    } catch (error) {
      if (!this.keys) {
        logger.error("JWKS fetch failed and no keys are cached", { error: error as Error });
        return;
      }
      logger.warn("JWKS refresh failed; serving the last good keys", { error: error as Error });
      this.freshUntil = Date.now() + this.retryAfterFailureMs;
    }
  }
}

const caches = new Map<string, JwksCache>();

/** The process's cache for one JWKS URL (a warm Lambda keeps it across invocations). */
export function jwksCache(url: string): JwksCache {
  let cache = caches.get(url);
  if (!cache) {
    cache = new JwksCache(url);
    caches.set(url, cache);
  }
  return cache;
}
