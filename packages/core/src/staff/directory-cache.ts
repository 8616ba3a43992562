import { now } from "../clock";

/**
 * Who is reachable for a duty on a code, remembered per process (per Lambda container) for a short
 * time: every ask, reminder and escalation resolves the directory, and it changes rarely. A change
 * made in this process (the directory API, a recorded bounce) forgets everything at once; another
 * container may keep answering with the old people for up to `DIRECTORY_CACHE_SECONDS`.
 */
export const DIRECTORY_CACHE_SECONDS = 60;

interface Cached<T> {
  value: T;
  until: number;
}

const cache = new Map<string, Cached<unknown>>();

/** The cached answer for `key`, or `load()`'s (remembered for `DIRECTORY_CACHE_SECONDS`). */
export async function cachedDirectoryLookup<T>(key: string, load: () => Promise<T>): Promise<T> {
  const at = now().getTime();
  const hit = cache.get(key);
  if (hit && hit.until > at) return hit.value as T;
  const value = await load();
  cache.set(key, { value, until: at + DIRECTORY_CACHE_SECONDS * 1000 });
  return value;
}

/** The directory or a suppression changed in this process: the next lookups read again. */
export function forgetCachedDirectory(): void {
  cache.clear();
}
