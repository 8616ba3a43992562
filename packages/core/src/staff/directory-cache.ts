import { now } from "../clock";
import { tableName } from "../resources";
import { directoryKeys } from "./keys";

/**
 * Who is reachable for a duty on a code, remembered per process (per Lambda container) for a short
 * time: every ask, reminder and escalation resolves the directory, and it changes rarely. Every
 * change of who is reachable (the directory, a bounce) bumps the directory's generation item in its
 * own write; the ask reads that item in the batched read it makes anyway and, seeing a generation
 * this process did not cache under, forgets everything first (`noteDirectoryGeneration`). So no
 * container asks a removed or bounced person. Lookups outside an ask (which level to ask, the
 * training overdue notice) may see the directory up to `DIRECTORY_CACHE_SECONDS` old.
 */
export const DIRECTORY_CACHE_SECONDS = 60;

interface Cached<T> {
  value: T;
  until: number;
}

const cache = new Map<string, Cached<unknown>>();
/** The generation the cached answers were read under (undefined: not known yet). */
let cachedGeneration: number | undefined;

/** Above this many entries a write first drops the expired ones (a read drops its own). */
const SWEEP_ABOVE = 500;

/** The cached answer for `key`, or `load()`'s (remembered for `DIRECTORY_CACHE_SECONDS`). */
export async function cachedDirectoryLookup<T>(key: string, load: () => Promise<T>): Promise<T> {
  const at = now().getTime();
  const hit = cache.get(key);
  if (hit && hit.until > at) return hit.value as T;
  if (hit) cache.delete(key);
  const generation = cachedGeneration;
  const value = await load();
  // A newer generation seen while loading: this answer may be older than it, so it is not kept.
  if (generation !== cachedGeneration) return value;
  if (cache.size >= SWEEP_ABOVE) {
    for (const [k, entry] of cache) if (entry.until <= at) cache.delete(k);
  }
  cache.set(key, { value, until: at + DIRECTORY_CACHE_SECONDS * 1000 });
  return value;
}

/** The directory or a suppression changed in this process: the next lookups read again. */
export function forgetCachedDirectory(): void {
  cache.clear();
  cachedGeneration = undefined;
}

/** The generation item's key, for the ask's batched read. */
export const directoryGenerationKey = directoryKeys.generation;

/**
 * The generation an ask just read (from `directoryGenerationKey`'s item; absent: 0). Another than
 * the one cached under: everything cached is forgotten and the lookups read again.
 */
export function noteDirectoryGeneration(item: Record<string, unknown> | undefined): void {
  const generation = typeof item?.generation === "number" ? item.generation : 0;
  if (generation === cachedGeneration) return;
  cache.clear();
  cachedGeneration = generation;
}

/** The transaction item that bumps the generation, written with the change it announces. */
export function bumpDirectoryGeneration() {
  return {
    Update: {
      TableName: tableName(),
      Key: directoryKeys.generation(),
      UpdateExpression: "SET entity = :entity ADD generation :one",
      ExpressionAttributeValues: { ":entity": "directory-generation", ":one": 1 },
    },
  };
}
