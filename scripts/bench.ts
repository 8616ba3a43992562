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
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../packages/local/src/dynamodb-local";
import { localEnvironment } from "../packages/local/src/environment";
import { npmStart } from "../test/support/npm-start";
import {
  apiPid,
  type Comparison,
  compare,
  formatTable,
  machineLine,
  type Row,
  readPid,
  type WatchedProcess,
} from "./bench/harness";

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
    throw new Error(`in-process sections failed (exit ${child.status})\n${child.stdout}`);
  return child.stdout.trim();
}

const report: string[] = [];
if (STACK_SECTIONS.some(wanted)) report.push(await stackSections());
const inProcess = IN_PROCESS_SECTIONS.filter(wanted);
if (inProcess.length > 0) report.push(inProcessSections(inProcess));
if (wanted("cpu")) {
  const { formatHandlerCpu, measureHandlerCpuAtBothLevels } = await import("./bench/handler-cpu");
  const cpuOptions = {
    ...(args["cpu-requests"]
      ? { requests: Number(args["cpu-requests"]), warmup: Number(args["cpu-requests"]) }
      : {}),
    ...(args["cpu-blocks"] ? { blocks: Number(args["cpu-blocks"]) } : {}),
  };
  report.push(
    `### Handler CPU against a bare Hono + valibot handler (SDK stubbed)\n\n${formatHandlerCpu(
      await measureHandlerCpuAtBothLevels(cpuOptions),
    )}`,
  );
}
if (wanted("lambdas")) {
  const { formatLambdaTable, measureLambdas } = await import("./bench/lambdas");
  report.push(
    `### Lambda bundles against the bare bundle\n\n${formatLambdaTable(
      await measureLambdas(args["lambda-runs"] ? { runs: Number(args["lambda-runs"]) } : {}),
    )}`,
  );
}
if (wanted("memory")) {
  const { measureStackMemory } = await import("./bench-stack-memory");
  report.push(
    `### Local stack memory\n\n${(await measureStackMemory({ count: Number(args["memory-count"]) })).table}`,
  );
}
console.log(`\n## npm run bench\n\n${machineLine()}\n\n${report.join("\n\n")}`);
