import { setTimeout as sleep } from "node:timers/promises";
import type { Hono } from "hono";
import { garbageCollector } from "./heap";

export const DEV_MEMORY_PATH = "/_dev/memory";

/**
 * `DEV_MEMORY=1` mounts `/_dev/memory`; `npm run bench:memory` sets it for the stack it starts.
 * Off by default: a plain `npm start` (maybe on HOST=0.0.0.0 for a demo) has no such route.
 */
export function devMemoryEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DEV_MEMORY === "1";
}

/** A full collection stalls the whole process (API, engine, tasks): at most one this often. */
const COLLECTION_INTERVAL_MS = 1_000;

/**
 * Samples the process's memory, after a full collection when asked. Collections are serialised and
 * spaced: whoever asks while one is due waits for it (without blocking the event loop) and shares
 * its figures, so many callers still cost at most one collection a second.
 */
export class MemorySampler {
  private collect: (() => void) | undefined;
  private lastCollection = Number.NEGATIVE_INFINITY;
  private due: Promise<NodeJS.MemoryUsage> | undefined;

  constructor(private readonly options: { collect?: () => void; intervalMs?: number } = {}) {}

  sample(): NodeJS.MemoryUsage {
    return process.memoryUsage();
  }

  /** The figures right after the next full collection. */
  afterCollection(): Promise<NodeJS.MemoryUsage> {
    // Cleared once settled (not inside, which may finish before the assignment when no wait is due).
    this.due ??= this.collectWhenAllowed().finally(() => {
      this.due = undefined;
    });
    return this.due;
  }

  private async collectWhenAllowed(): Promise<NodeJS.MemoryUsage> {
    const interval = this.options.intervalMs ?? COLLECTION_INTERVAL_MS;
    const wait = this.lastCollection + interval - performance.now();
    if (wait > 0) await sleep(wait);
    try {
      this.collect ??= this.options.collect ?? garbageCollector();
      this.collect();
      return process.memoryUsage();
    } finally {
      this.lastCollection = performance.now();
    }
  }
}

/**
 * Mounts `GET /_dev/memory` (HEAD too) on the local app when DEV_MEMORY=1: the API process's
 * memory in bytes, what `npm run bench:memory` samples (only this process can read its own heap).
 * `?gc=1` collects garbage first. Inside the app, so the answer gets its security headers and
 * `no-store`. Local stack only, next to `/_dev/mail`: never on Lambda.
 */
export function mountDevMemory(
  app: Hono,
  options: { env?: NodeJS.ProcessEnv; sampler?: MemorySampler } = {},
): void {
  if (!devMemoryEnabled(options.env)) return;
  const sampler = options.sampler ?? new MemorySampler();
  app.get(DEV_MEMORY_PATH, async (c) =>
    c.json(c.req.query("gc") === "1" ? await sampler.afterCollection() : sampler.sample()),
  );
}
