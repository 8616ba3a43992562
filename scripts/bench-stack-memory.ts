// `npm run bench:memory [-- --count 10000 --every 1000 --concurrency 8]`: is the local stack's memory
// flat? Starts `npm start` on free ports and a fresh data folder (with DEV_MEMORY=1, which mounts
// `/_dev/memory`), posts `count` registrations (each starts its workflow, which acknowledges to the
// applicant, emails the village head and waits for the decision) and, every `every` submissions once
// both emails of each have been sent, prints the API process's RSS and heap after a full collection
// (`/_dev/memory?gc=1`) and DynamoDB Local's RSS, with the growth per 1,000 submissions
// since the previous sample and over the whole run. Figures, not assertions.
// `measureStackMemory()` is the same measurement for `npm run bench -- --memory`.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { validRegistration } from "../packages/core/src/registration/fixtures";
import { freePort } from "../packages/local/src/dynamodb-local";
import { npmStart } from "../test/support/npm-start";

export interface MemorySample {
  /** Registrations accepted (202) so far. */
  submitted: number;
  /** Messages in the outbox at that moment (two a registration: acknowledgement and village head). */
  mailed: number;
  /** The API process (API, Step Functions engine and task handlers: one node process), MB. */
  apiRssMb: number;
  /** Its V8 heap after a full collection, MB. */
  apiHeapMb: number;
  /** DynamoDB Local's JVM, MB; undefined where /proc cannot be read. */
  dynamoDbRssMb: number | undefined;
}

export interface StackMemory {
  count: number;
  samples: MemorySample[];
  /** Growth per 1,000 submissions from the first sample after warm-up to the last, MB. */
  slopePerThousand: { apiRssMb: number; apiHeapMb: number; dynamoDbRssMb: number | undefined };
  /** The printed table. */
  table: string;
}

const MB = 1024 * 1024;
/** What one bench registration sends before it waits: the acknowledgement and the village head's ask. */
const EMAILS_PER_REGISTRATION = 2;

/** Resident memory of a process from /proc, MB. */
function rssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("VmRSS:"));
    return line ? Number(line.replace(/\D+/g, "")) / 1024 : undefined;
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

/**
 * A distinct valid person per `n`: the NIK's serial (0001–9999) and, past 9,999, the birth day (in
 * the NIK, plus 40 for a woman, and in the birth date alike) tell them apart.
 */
export function benchRegistration(n: number) {
  const serial = (n % 9999) + 1;
  const day = 1 + (Math.floor(n / 9999) % 28);
  return {
    ...validRegistration,
    nik: `320501${day + 40}0795${String(serial).padStart(4, "0")}`,
    birthDate: `1995-07-${String(day).padStart(2, "0")}`,
    fullName: `Pendaftar Memori ${n}`,
    email: `memori${n}@example.com`,
  };
}

const fixed = (value: number | undefined, digits = 1) => (value === undefined ? "–" : value.toFixed(digits));

export async function measureStackMemory(
  options: { count?: number; every?: number; concurrency?: number; log?: (line: string) => void } = {},
): Promise<StackMemory> {
  const count = options.count ?? 10_000;
  const every = options.every ?? Math.min(1000, Math.max(1, Math.floor(count / 10)));
  const concurrency = options.concurrency ?? 8;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const ports = { api: await freePort(), dynamodb: await freePort(), stepFunctions: await freePort() };
  const dataDirectory = mkdtempSync(join(tmpdir(), "sigap-bench-memory-"));
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  // SLA_SCALE 1: no approval expires during the run, so every workflow waits at the village head.
  const stack = npmStart({
    ports,
    dataDirectory,
    env: { POWERTOOLS_LOG_LEVEL: "WARN", SLA_SCALE: "1", DEV_MEMORY: "1" },
  });
  try {
    await stack.healthy(120_000);
    const dynamoDbPid = readPid(join(dataDirectory, "dynamodb", "dynamodb-local.pid"));
    const mailed = async () => {
      // The newest message's page says nothing about the total; the HTML list does ("N pesan").
      const page = await (
        await fetch(`${apiUrl}/_dev/mail?limit=1`, { headers: { Accept: "text/html" } })
      ).text();
      return Number(/(\d+) pesan/.exec(page)?.[1] ?? Number.NaN);
    };
    const sample = async (submitted: number): Promise<MemorySample> => {
      // Every submission so far has had both its emails sent: the acknowledgement (benchRegistration
      // gives an address) and, last, the village head's. Half that is mid-flight work.
      for (let waited = 0; (await mailed()) < EMAILS_PER_REGISTRATION * submitted && waited < 600; waited++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const memory = (await (await fetch(`${apiUrl}/_dev/memory?gc=1`)).json()) as NodeJS.MemoryUsage;
      return {
        submitted,
        mailed: await mailed(),
        apiRssMb: memory.rss / MB,
        apiHeapMb: memory.heapUsed / MB,
        dynamoDbRssMb: rssMb(dynamoDbPid),
      };
    };

    // One submission first: modules loaded, caches warm, the JIT past its first tier.
    const samples: MemorySample[] = [];
    let next = 0;
    const submit = async (until: number) => {
      const worker = async () => {
        while (next < until) {
          const n = next++;
          const response = await fetch(`${apiUrl}/v1/registrations`, {
            method: "POST",
            headers: { "Content-Type": "application/json", "Idempotency-Key": `memori-${n}` },
            body: JSON.stringify(benchRegistration(n)),
          });
          if (response.status !== 202) {
            throw new Error(`POST /v1/registrations ${n}: ${response.status} ${await response.text()}`);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    };
    const header =
      "submitted  mailed   API RSS MB  API heap MB  DynamoDB Local RSS MB   per 1,000: RSS  heap  DDB";
    log(header);
    const rows = [header];
    const print = (s: MemorySample, previous: MemorySample | undefined) => {
      const per = (now: number | undefined, before: number | undefined) =>
        previous && now !== undefined && before !== undefined
          ? fixed(((now - before) * 1000) / (s.submitted - previous.submitted))
          : "";
      const row = [
        String(s.submitted).padStart(9),
        String(s.mailed).padStart(7),
        fixed(s.apiRssMb).padStart(12),
        fixed(s.apiHeapMb).padStart(12),
        fixed(s.dynamoDbRssMb).padStart(22),
        per(s.apiRssMb, previous?.apiRssMb).padStart(17),
        per(s.apiHeapMb, previous?.apiHeapMb).padStart(6),
        per(s.dynamoDbRssMb, previous?.dynamoDbRssMb).padStart(5),
      ].join(" ");
      rows.push(row);
      log(row);
    };
    await submit(1);
    samples.push(await sample(1));
    print(samples[0] as MemorySample, undefined);
    for (let target = every; target <= count; target += every) {
      await submit(target);
      const s = await sample(target);
      print(s, samples.at(-1));
      samples.push(s);
    }
    // From the first full block on: the first block also pays for warming up.
    const first = samples.length > 2 ? (samples[1] as MemorySample) : (samples[0] as MemorySample);
    const last = samples.at(-1) as MemorySample;
    const slope = (pick: (s: MemorySample) => number | undefined) => {
      const a = pick(first);
      const b = pick(last);
      return a === undefined || b === undefined || last.submitted === first.submitted
        ? undefined
        : ((b - a) * 1000) / (last.submitted - first.submitted);
    };
    const slopePerThousand = {
      apiRssMb: slope((s) => s.apiRssMb) ?? 0,
      apiHeapMb: slope((s) => s.apiHeapMb) ?? 0,
      dynamoDbRssMb: slope((s) => s.dynamoDbRssMb),
    };
    const summary = `growth per 1,000 submissions from ${first.submitted} to ${last.submitted}: API RSS ${fixed(slopePerThousand.apiRssMb, 2)} MB, API heap ${fixed(slopePerThousand.apiHeapMb, 2)} MB, DynamoDB Local RSS ${fixed(slopePerThousand.dynamoDbRssMb, 2)} MB`;
    rows.push(summary);
    log(summary);
    return { count, samples, slopePerThousand, table: rows.join("\n") };
  } finally {
    await stack.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      count: { type: "string", default: "10000" },
      every: { type: "string" },
      concurrency: { type: "string", default: "8" },
    },
  });
  const result = await measureStackMemory({
    count: Number(values.count),
    ...(values.every ? { every: Number(values.every) } : {}),
    concurrency: Number(values.concurrency),
    log: (line) => console.log(line),
  });
  if (result.samples.length < 2) console.log("(too few submissions for a slope)");
}
