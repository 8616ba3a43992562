// The measuring half of `npm run bench`: run an operation N times at a fixed concurrency and record
// each call's latency, the wall time, this process's CPU and DynamoDB Local's CPU; interleave the
// variants of a comparison in blocks (A B C, A B C, …) so a noisy neighbour hits them alike; print
// one table with ratios against a baseline. Suites (scripts/bench/*.ts) only say what to run.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** One way of doing the thing compared (the app's path, a raw write of the same items, …). */
export interface Variant {
  name: string;
  /** Runs operation `i` of a block; throws on failure (counted, not measured). */
  run(i: number): Promise<void>;
  /** Before each block, untimed (a fresh session, the next slice of seeded people). */
  beforeBlock?(block: number): Promise<void>;
}

export interface Comparison {
  title: string;
  /** Ratios are against this variant's figures. */
  baseline: string;
  variants: Variant[];
  /** Extra per-variant figures printed after the timing columns (DynamoDB calls per operation, …). */
  notes?(variant: string): string;
}

/** A process whose CPU is read around each block (the API server, DynamoDB Local). */
export interface WatchedProcess {
  label: string;
  pid: number | undefined;
}

export interface BlockResult {
  latenciesMs: number[];
  wallMs: number;
  /** CPU (user + system, ms) of each watched process; undefined when it cannot be read (not Linux). */
  cpuMs: Record<string, number | undefined>;
  failures: number;
  firstFailure?: unknown;
}

export interface Row {
  comparison: string;
  variant: string;
  operations: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU ms per operation of each watched process (the bench client itself as `client`). */
  cpuMsPerOp: Record<string, number | undefined>;
  failures: number;
  notes: string;
}

const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU time (ms) the process has used so far, from /proc (DynamoDB Local runs as its own JVM). */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Runs `count` operations with `concurrency` workers taking the next index. */
export async function runBlock(
  variant: Variant,
  options: { count: number; concurrency: number; processes: WatchedProcess[] },
): Promise<BlockResult> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let firstFailure: unknown;
  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      const i = next++;
      const started = performance.now();
      try {
        await variant.run(i);
        latenciesMs.push(performance.now() - started);
      } catch (error) {
        failures++;
        firstFailure ??= error;
      }
    }
  };
  const before = options.processes.map((p) => processCpuMs(p.pid));
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const wallMs = performance.now() - started;
  const client = process.cpuUsage(clientBefore);
  const cpuMs: Record<string, number | undefined> = { client: (client.user + client.system) / 1000 };
  options.processes.forEach((p, i) => {
    const after = processCpuMs(p.pid);
    const start = before[i];
    cpuMs[p.label] = after !== undefined && start !== undefined ? after - start : undefined;
  });
  return { latenciesMs, wallMs, cpuMs, failures, firstFailure };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN);

/**
 * Runs every variant of a comparison in `repeats` interleaved rounds of one block each, and folds
 * the blocks of each variant into one row (throughput over the summed wall time; percentiles over
 * every latency).
 */
export async function compare(
  comparison: Comparison,
  options: { repeats: number; count: number; concurrency: number; processes: WatchedProcess[] },
): Promise<Row[]> {
  const blocks = new Map<string, BlockResult[]>(comparison.variants.map((v) => [v.name, []]));
  for (let round = 0; round < options.repeats; round++) {
    for (const variant of comparison.variants) {
      await variant.beforeBlock?.(round);
      const result = await runBlock(variant, options);
      if (result.failures > 0) {
        console.error(
          `${comparison.title} / ${variant.name}: ${result.failures} failed, first:`,
          result.firstFailure,
        );
      }
      blocks.get(variant.name)?.push(result);
      process.stderr.write(".");
    }
  }
  process.stderr.write("\n");
  return comparison.variants.map((variant) => {
    const results = blocks.get(variant.name) ?? [];
    const latencies = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
    const wall = results.reduce((sum, r) => sum + r.wallMs, 0);
    const operations = latencies.length;
    const cpuMsPerOp: Record<string, number | undefined> = {};
    for (const label of ["client", ...options.processes.map((p) => p.label)]) {
      const each = results.map((r) => r.cpuMs[label]);
      cpuMsPerOp[label] = each.every((ms) => ms !== undefined)
        ? each.reduce((sum: number, ms) => sum + (ms ?? 0), 0) / Math.max(1, operations)
        : undefined;
    }
    return {
      comparison: comparison.title,
      variant: variant.name,
      operations,
      perSecond: (operations / wall) * 1000,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuMsPerOp,
      failures: results.reduce((sum, r) => sum + r.failures, 0),
      notes: comparison.notes?.(variant.name) ?? "",
    };
  });
}

/** Where and when the figures were taken: they mean little without it. */
export function machineLine(): string {
  const cores = cpus();
  return `${new Date().toISOString()} · ${cores[0]?.model.trim() ?? "unknown CPU"} × ${cores.length} · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · Node ${process.version} · ${process.platform}`;
}

const fixed = (n: number | undefined, digits: number) =>
  n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits);
const ratio = (value: number | undefined, base: number | undefined) =>
  value === undefined || base === undefined || base === 0 ? "–" : `${(value / base).toFixed(2)}×`;

/**
 * One Markdown table (it pastes into the README as is): per variant the figures, and ratios to the
 * comparison's baseline for throughput, p99 and each CPU column named in `cpuRatios`.
 */
export function formatTable(
  rows: Row[],
  baselines: Map<string, string>,
  cpuColumns: string[],
  cpuRatios: string[] = [],
): string {
  const header = [
    "comparison",
    "variant",
    "ops",
    "ops/s",
    "× ops/s",
    "p50 ms",
    "p99 ms",
    "× p99",
    ...cpuColumns.flatMap((label) => [
      `${label} CPU ms/op`,
      ...(cpuRatios.includes(label) ? [`× ${label} CPU`] : []),
    ]),
    "failed",
    "notes",
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const row of rows) {
    const base = rows.find(
      (r) => r.comparison === row.comparison && r.variant === baselines.get(row.comparison),
    );
    lines.push(
      `| ${[
        row.comparison,
        row.variant,
        row.operations,
        fixed(row.perSecond, 0),
        ratio(row.perSecond, base?.perSecond),
        fixed(row.p50, 1),
        fixed(row.p99, 1),
        ratio(row.p99, base?.p99),
        ...cpuColumns.flatMap((label) => [
          fixed(row.cpuMsPerOp[label], 2),
          ...(cpuRatios.includes(label) ? [ratio(row.cpuMsPerOp[label], base?.cpuMsPerOp[label])] : []),
        ]),
        row.failures,
        row.notes,
      ].join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

/**
 * Replaces every occurrence of the old ids in an item (keys and attributes alike): raw-write
 * variants copy what the application wrote during the warm-up, with fresh ids.
 */
export function withIds(
  item: Record<string, unknown>,
  replacements: Array<[string, string]>,
): Record<string, unknown> {
  let text = JSON.stringify(item);
  for (const [from, to] of replacements) text = text.replaceAll(from, to);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The API's node process: `npm start` runs it as its only child (npm → node). */
export function apiPid(npmPid: number | undefined): number | undefined {
  if (npmPid === undefined) return undefined;
  try {
    const children = execFileSync("pgrep", ["-P", String(npmPid)], { encoding: "utf8" })
      .trim()
      .split("\n");
    return children.length === 1 && children[0] ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

/** A pid written in a file (DynamoDB Local's, beside its data), or undefined. */
export function readPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, "utf8").trim()) || undefined;
  } catch {
    return undefined;
  }
}
