// `npm run bench [-- --count 320 --repeats 3 --concurrency 32] [--only a,b] [--memory]
// [--cpu-requests N --cpu-blocks N --lambda-runs N --memory-count N]`: one
// command, one report, with the date and machine. Sections (all by default, `--only` for a subset):
//   registration, enrolment — against `npm start` on free ports and a fresh data folder: each
//     comparison's variants in interleaved blocks at a fixed concurrency; throughput, p50/p99 and
//     the CPU of the API process, DynamoDB Local and this client per operation, as ratios to the
//     raw TransactWriteItems of the same items (scripts/bench/harness.ts);
//   calls, workflows, jobs — in-process (scripts/bench/in-process.ts, a child process with its own
//     DynamoDB Local): DynamoDB calls per submission, state transitions and cost per path of each
//     workflow, items read per reconciler and digest run;
//   cpu, lambdas — handler CPU against a bare handler (scripts/bench/handler-cpu.ts) and every
//     Lambda's bundle size and import time against the bare bundle (scripts/bench/lambdas.ts);
//   memory — only with `--memory` (slow): the local stack's memory across many submissions.
// Figures, not assertions.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../packages/local/src/dynamodb-local";
import { localEnvironment } from "../packages/local/src/environment";
import { npmStart } from "../test/support/npm-start";
import {
  type Comparison,
  compare,
  formatTable,
  machineLine,
  type Row,
  type WatchedProcess,
} from "./bench/harness";
import { optionalModule, todo } from "./bench/optional";

const SECTIONS = ["registration", "enrolment", "calls", "workflows", "jobs", "cpu", "lambdas", "memory"];
const STACK_SECTIONS = ["registration", "enrolment"];
const IN_PROCESS_SECTIONS = ["calls", "workflows", "jobs"];

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: process.env.BENCH_COUNT ?? "320" },
    repeats: { type: "string", default: process.env.BENCH_REPEATS ?? "3" },
    concurrency: { type: "string", default: process.env.BENCH_CONCURRENCY ?? "32" },
    only: { type: "string" },
    memory: { type: "boolean", default: false },
    "memory-count": { type: "string", default: "10000" },
    // Smaller runs of the other engineers' measurements (their own defaults otherwise).
    "cpu-requests": { type: "string" },
    "cpu-blocks": { type: "string" },
    "lambda-runs": { type: "string" },
  },
});
const only = args.only?.split(",").map((s) => s.trim());
const unknown = only?.filter((s) => !SECTIONS.includes(s)) ?? [];
if (unknown.length > 0)
  throw new Error(`unknown section(s) ${unknown.join(", ")}; known: ${SECTIONS.join(", ")}`);
const wanted = (section: string) => (only ? only.includes(section) : section !== "memory" || args.memory);
const options = {
  count: Number(args.count),
  repeats: Number(args.repeats),
  concurrency: Number(args.concurrency),
};

async function stackSections(): Promise<string> {
  const ports = { api: await freePort(), dynamodb: await freePort(), stepFunctions: await freePort() };
  const dataDirectory = mkdtempSync(join(tmpdir(), "sigap-bench-"));
  const apiUrl = `http://127.0.0.1:${ports.api}`;

  /** The API's node process: `npm start` runs it as its child (npm → node). */
  function apiPid(npmPid: number | undefined): number | undefined {
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

  const readPid = (file: string) => {
    try {
      return Number(readFileSync(file, "utf8").trim()) || undefined;
    } catch {
      return undefined;
    }
  };

  const stack = npmStart({ ports, dataDirectory, env: { POWERTOOLS_LOG_LEVEL: "WARN" } });
  try {
    process.stderr.write(`starting npm start (data: ${dataDirectory}) … `);
    await stack.healthy(120_000);
    process.stderr.write("healthy\n");
    // This process writes the seeds into the same table: the same environment, its own (memory) outbox.
    Object.assign(process.env, localEnvironment(ports), { POWERTOOLS_LOG_LEVEL: "SILENT" });
    const processes: WatchedProcess[] = [
      { label: "API", pid: apiPid(stack.child.pid) },
      // `npm start` keeps DynamoDB Local's data in <DATA_DIR>/dynamodb and its pid beside it.
      { label: "DynamoDB Local", pid: readPid(join(dataDirectory, "dynamodb", "dynamodb-local.pid")) },
    ];
    const comparisons: Comparison[] = [];
    if (wanted("registration")) {
      const { registrationComparison } = await import("./bench/registration");
      comparisons.push(await registrationComparison({ apiUrl, ...options }));
    }
    if (wanted("enrolment")) {
      const { enrolmentComparison } = await import("./bench/enrolment");
      comparisons.push(await enrolmentComparison({ apiUrl, ...options }));
    }

    const rows: Row[] = [];
    for (const comparison of comparisons)
      rows.push(...(await compare(comparison, { ...options, processes })));
    return [
      `### Submissions against raw DynamoDB Local writes — ${options.concurrency} concurrent, ${options.repeats} interleaved rounds of ${options.count} per variant; ratios to the raw TransactWriteItems of the same items`,
      "",
      formatTable(
        rows,
        new Map(comparisons.map((c) => [c.title, c.baseline])),
        ["API", "DynamoDB Local", "client"],
        ["DynamoDB Local"],
      ),
    ].join("\n");
  } finally {
    await stack.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

/** calls, workflows, jobs: in a child process of their own (its own table, engine and SLA_SCALE). */
function inProcessSections(sections: string[]): string {
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "bench", "in-process.ts"), "--only", sections.join(",")],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 },
  );
  if (child.status !== 0)
    return `${todo(`in-process sections failed (exit ${child.status})`)}\n${child.stdout}`;
  return child.stdout.trim();
}

/** The real modules' types: a renamed export fails `tsc`, not the bench run. */
type HandlerCpuModule = typeof import("./bench/handler-cpu");
type LambdasModule = typeof import("./bench/lambdas");
type MemoryModule = typeof import("./bench-stack-memory");

const report: string[] = [];
if (STACK_SECTIONS.some(wanted)) report.push(await stackSections());
const inProcess = IN_PROCESS_SECTIONS.filter(wanted);
if (inProcess.length > 0) report.push(inProcessSections(inProcess));
if (wanted("cpu")) {
  const cpu = await optionalModule<HandlerCpuModule>("./handler-cpu");
  report.push(
    cpu
      ? `### Handler CPU against a bare Hono + valibot handler (SDK stubbed)\n\n${cpu.formatHandlerCpu(
          await cpu.measureHandlerCpu({
            ...(args["cpu-requests"] ? { requests: Number(args["cpu-requests"]) } : {}),
            ...(args["cpu-blocks"] ? { blocks: Number(args["cpu-blocks"]) } : {}),
            ...(args["cpu-requests"] ? { warmup: Number(args["cpu-requests"]) } : {}),
          }),
        )}`
      : `### Handler CPU\n\n${todo("needs scripts/bench/handler-cpu.ts (G, cpu11)")}`,
  );
}
if (wanted("lambdas")) {
  const lambdas = await optionalModule<LambdasModule>("./lambdas");
  report.push(
    lambdas
      ? `### Lambda bundles against the bare bundle\n\n${lambdas.formatLambdaTable(
          await lambdas.measureLambdas(args["lambda-runs"] ? { runs: Number(args["lambda-runs"]) } : {}),
        )}`
      : `### Lambda bundles\n\n${todo("needs scripts/bench/lambdas.ts (D, cold11); meanwhile `npm run bench:lambdas`")}`,
  );
}
if (wanted("memory")) {
  const memory = await optionalModule<MemoryModule>("../bench-stack-memory");
  report.push(
    memory
      ? `### Local stack memory\n\n${(await memory.measureStackMemory({ count: Number(args["memory-count"]) })).table}`
      : `### Local stack memory\n\n${todo("needs scripts/bench-stack-memory.ts (E, mem11)")}`,
  );
}
console.log(`\n## npm run bench\n\n${machineLine()}\n\n${report.join("\n\n")}`);
