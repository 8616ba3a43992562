/** The one source of "now" for domain code. Tests drive it with fake timers (which fake Date). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let current: Clock = systemClock;

export function now(): Date {
  return current.now();
}

/** ISO 8601 UTC timestamp for storage. */
export function nowIso(): string {
  return now().toISOString();
}

/** Replace the clock (tests and tools); returns a function that restores the previous one. */
export function useClock(clock: Clock): () => void {
  const previous = current;
  current = clock;
  return () => {
    current = previous;
  };
}
