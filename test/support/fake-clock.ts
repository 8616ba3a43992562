/**
 * Workflow tests run days of Step Functions time on a fake clock while DynamoDB Local and the SDK do
 * real I/O: these helpers fake the clock per test and await real work while nudging it.
 */
import { afterEach, beforeEach, vi } from "vitest";

/** Fakes timers and `Date` in every test of the file, from a fixed morning. */
export function useFakeWorkflowClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
      now: new Date("2026-11-23T01:00:00Z"),
    });
  });
  afterEach(() => vi.useRealTimers());
}

/** How long real work may take before a test gives up (a loaded 2-core machine is slow). */
const PATIENCE_MS = 20_000;

/**
 * Awaits real I/O while nudging the fake clock: DynamoDB Local answers with the real time, so after
 * a jump of days the SDK corrects its clock skew and retries once after a (fake) backoff.
 */
export async function pump<T>(work: T | Promise<T>): Promise<T> {
  let settled = false;
  const tracked = Promise.resolve(work).finally(() => {
    settled = true;
  });
  // Handled by whoever awaits what pump returns; marked handled now, so a rejection while the clock
  // is still being nudged is not reported as unhandled.
  tracked.catch(() => {});
  const deadline = performance.now() + PATIENCE_MS;
  while (!settled) {
    if (performance.now() > deadline) throw new Error("Timed out waiting for a promise");
    await vi.advanceTimersByTimeAsync(50);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return tracked;
}

/** Probes (pumping the clock) until the probe gives a value. */
export async function until<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
): Promise<T> {
  const deadline = performance.now() + PATIENCE_MS;
  for (;;) {
    const value = await pump(Promise.resolve(probe()));
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
  }
}

/** The action link of a workflow email, and the path part of a link. */
export const actionLink = (mail: { links: string[] }) =>
  mail.links.find((l) => l.includes("/v1/actions/")) as string;
export const path = (url: string) => new URL(url).pathname;
