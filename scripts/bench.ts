// `npm run bench [-- --count 320 --repeats 3 --concurrency 32]`: one command, one table. Starts
// `npm start` (DynamoDB Local with its data on disk, the Step Functions endpoint, the API on a port)
// on free ports and a fresh data folder, seeds what each comparison needs straight into its table,
// then runs every comparison's variants in interleaved blocks at a fixed concurrency and prints, with
// the date and machine, throughput, p50/p99 and the CPU of the API process, DynamoDB Local and this
// client per operation — each as a ratio to the comparison's baseline. Figures, not assertions.
//
// A comparison is a list of variants (scripts/bench/harness.ts); add one in scripts/bench/*.ts and
// list it below to add rows.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort } from "../packages/local/src/dynamodb-local";
import { localEnvironment } from "../packages/local/src/environment";
import { npmStart } from "../test/support/npm-start";
import { compare, formatTable, machineLine, type Row, type WatchedProcess } from "./bench/harness";

const { values: args } = parseArgs({
  options: {
    count: { type: "string", default: process.env.BENCH_COUNT ?? "320" },
    repeats: { type: "string", default: process.env.BENCH_REPEATS ?? "3" },
    concurrency: { type: "string", default: process.env.BENCH_CONCURRENCY ?? "32" },
  },
});
const options = {
  count: Number(args.count),
  repeats: Number(args.repeats),
  concurrency: Number(args.concurrency),
};

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
  const { enrolmentComparison } = await import("./bench/enrolment");
  const comparisons = [await enrolmentComparison({ apiUrl, ...options })];

  const rows: Row[] = [];
  for (const comparison of comparisons) rows.push(...(await compare(comparison, { ...options, processes })));
  console.log(
    `\nnpm run bench — ${options.concurrency} concurrent, ${options.repeats} interleaved rounds of ${options.count} per variant; ratios to the raw TransactWriteItems of the same items`,
  );
  console.log(`${machineLine()}\n`);
  console.log(
    formatTable(
      rows,
      new Map(comparisons.map((c) => [c.title, c.baseline])),
      ["API", "DynamoDB Local", "client"],
      ["DynamoDB Local"],
    ),
  );
} finally {
  await stack.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
}
