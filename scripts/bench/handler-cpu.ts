// `npm run bench`, handler CPU: the API's own cost per request, in-process, against a bare Hono +
// valibot handler making the same SDK calls. Both run in this process with every AWS SDK client
// stubbed by one client middleware (no network): it stands where the signed request would be
// sent, and answers each call with a canned HTTP response, so both sides still pay the SDK's
// marshalling, serialising and parsing. The bare handler's calls are recorded from the API's own
// path (a calibration request per scenario): same commands, same inputs, so same items' sizes —
// whatever the API's path becomes, the comparison stays like for like.
//
// Logging as on Lambda: the API at its production level (INFO: infra sets none) and the bare handler
// writing one equivalent JSON line per request; stdout goes to /dev/null (a child process per level,
// since Powertools reads the level once). Both INFO and SILENT figures are printed.
//
// Runnable alone: `node --import tsx scripts/bench/handler-cpu.ts [--requests 400] [--blocks 5]`
// (both levels); one level in this process: `… --level INFO --rows-to rows.json` (what each child runs).
// Profile the API side: `node --cpu-prof --import tsx scripts/bench/handler-cpu.ts --level SILENT --only api`.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SFNClient } from "@aws-sdk/client-sfn";
import type { Hono } from "hono";
import type * as Valibot from "valibot";
import { validRegistration } from "../../packages/core/src/registration/fixtures";

export interface HandlerCpuOptions {
  /** Requests per measured block (each block runs every variant once, interleaved). */
  requests?: number;
  /** Measured blocks; the figure is the median block. */
  blocks?: number;
  /** Unmeasured requests per variant first (JIT, caches). */
  warmup?: number;
  /** Measure the API side only (for a profile). */
  apiOnly?: boolean;
}

/** Both sides log one line per request (INFO, as deployed) or nothing (SILENT). */
export type BenchLogLevel = "INFO" | "SILENT";

export interface HandlerCpuRow {
  scenario: string;
  logLevel: BenchLogLevel;
  /** SDK calls per request (the same on both sides), e.g. "TransactWriteItems, StartExecution, UpdateItem". */
  calls: string[];
  /** CPU (user + system) per request, microseconds. */
  apiMicros: number;
  bareMicros: number;
  /** apiMicros / bareMicros. */
  ratio: number;
}

/** One SDK call as the API made it: which client, which command, and its input before marshalling. */
interface RecordedCall {
  service: "dynamodb" | "sfn";
  command: string;
  /** Through the document client (plain values), or the low-level one (AttributeValues). */
  document: boolean;
  input: Record<string, unknown>;
}

const STUB = "benchCannedAnswer";
const RECORDER = "benchRecordInput";

/** Canned answers: success with nothing found, which every measured path takes as its normal case. */
function cannedBody(command: string): Record<string, unknown> {
  switch (command) {
    case "StartExecutionCommand":
      return {
        executionArn: `arn:aws:states:ap-southeast-3:000000000000:execution:bench:${randomBytes(6).toString("hex")}`,
        startDate: Date.now() / 1000,
      };
    case "QueryCommand":
    case "ScanCommand":
      return { Items: [], Count: 0, ScannedCount: 0 };
    case "BatchGetItemCommand":
      return { Responses: {}, UnprocessedKeys: {} };
    default:
      return {};
  }
}

type AnyClient = DynamoDBClient | SFNClient;

/** The two clients' middleware stacks, as far as the stub uses them (their own types are a union per client). */
interface MiddlewareContext {
  commandName?: string;
  benchInput?: Record<string, unknown>;
  __aws_sdk_context?: { features?: Record<string, string> };
}
type Next = (args: { input: Record<string, unknown> }) => Promise<unknown>;
type Middleware = (
  next: Next,
  context: MiddlewareContext,
) => (args: { input: Record<string, unknown> }) => Promise<unknown>;
interface StubbableStack {
  add(middleware: Middleware, options: { step: "initialize"; priority: "high"; name: string }): void;
  addRelativeTo(
    middleware: Middleware,
    options: { relation: "after"; toMiddleware: string; name: string },
  ): void;
  remove(name: string): boolean;
}

/**
 * Puts the canned answer (and the recorder) on a client; returns what removes them, so a bench run
 * that shares the process's clients with measurements against DynamoDB Local leaves them as found.
 */
async function stubClient(
  client: AnyClient,
  service: RecordedCall["service"],
  record: (call: RecordedCall) => void,
): Promise<() => void> {
  // Before marshalling: the input as the caller wrote it (the document client's plain values).
  const stack = client.middlewareStack as unknown as StubbableStack;
  stack.add(
    (next, context) => async (args) => {
      context.benchInput = args.input;
      return next(args);
    },
    { step: "initialize", priority: "high", name: RECORDER },
  );
  // Innermost, where the HTTP handler would send the signed request: the SDK's parser reads the answer.
  stack.addRelativeTo(
    (_next, context) => async () => {
      const command = String(context.commandName);
      const features = context.__aws_sdk_context?.features;
      record({
        service,
        command,
        document: features?.DDB_MAPPER !== undefined,
        input: context.benchInput ?? {},
      });
      const body = Buffer.from(JSON.stringify(cannedBody(command)));
      return {
        // What the SDK's HttpResponse holds (that package is no direct dependency of ours).
        response: {
          statusCode: 200,
          headers: { "content-type": "application/x-amz-json-1.0", "content-length": String(body.length) },
          body,
        },
        output: undefined,
      };
    },
    { relation: "after", toMiddleware: "deserializerMiddleware", name: STUB },
  );
  return () => {
    stack.remove(RECORDER);
    stack.remove(STUB);
  };
}

/** The environment the API reads (what `npm start` gives it), unless the caller set its own. */
async function ensureEnvironment(logLevel: BenchLogLevel): Promise<void> {
  const { localEnvironment } = await import("../../packages/local/src/environment");
  const defaults = localEnvironment({ api: 3000, dynamodb: 8000, stepFunctions: 8083 });
  for (const [name, value] of Object.entries(defaults)) process.env[name] ??= value;
  // Read once, when the logger is built: set before the API is imported.
  process.env.POWERTOOLS_LOG_LEVEL = logLevel;
  process.env.MAIL_OUTBOX_FILE ??= "";
}

interface Scenario {
  name: string;
  path: string;
  keyed: boolean;
  body: () => Record<string, unknown>;
  /** The bare handler's own validation of the same body. */
  schema: (v: typeof Valibot) => Valibot.GenericSchema;
}

const registrationBody = (nik: string) => ({ ...validRegistration, nik });

const caseBody = () => ({
  ppksType: "lanjut-usia-terlantar",
  urgency: "high",
  villageCode: "3205222001",
  location: "Jl. Cikajang No. 5, dekat masjid",
  description: "Seorang lansia tinggal sendiri tanpa keluarga dan kekurangan makanan.",
  subject: { name: "Ahmad Sutisna", gender: "L", ageYears: 78 },
  reporter: { kind: "resident", name: "Dewi Lestari", phone: "0812-1111-2222", email: "dewi@example.com" },
});

/** What a hand-written handler would check of a registration: each field's type, length and shape. */
const registrationSchema = (v: typeof Valibot) =>
  v.object({
    nik: v.pipe(v.string(), v.regex(/^\d{16}$/)),
    fullName: v.pipe(v.string(), v.trim(), v.minLength(3), v.maxLength(100)),
    birthPlace: v.pipe(v.string(), v.trim(), v.minLength(2), v.maxLength(60)),
    birthDate: v.pipe(v.string(), v.isoDate()),
    gender: v.picklist(["L", "P"]),
    phone: v.pipe(v.string(), v.regex(/^[0-9+\-\s]{8,20}$/)),
    email: v.optional(v.pipe(v.string(), v.email())),
    address: v.pipe(v.string(), v.trim(), v.minLength(5), v.maxLength(300)),
    villageCode: v.pipe(v.string(), v.regex(/^\d{10}$/)),
    education: v.pipe(v.string(), v.minLength(2), v.maxLength(60)),
    occupation: v.pipe(v.string(), v.minLength(2), v.maxLength(60)),
    motivation: v.pipe(v.string(), v.minLength(10), v.maxLength(1000)),
    consent: v.literal(true),
  });

const caseSchema = (v: typeof Valibot) =>
  v.object({
    ppksType: v.pipe(v.string(), v.minLength(1), v.maxLength(60)),
    urgency: v.picklist(["normal", "high", "emergency"]),
    villageCode: v.pipe(v.string(), v.regex(/^\d{10}$/)),
    location: v.pipe(v.string(), v.trim(), v.minLength(5), v.maxLength(300)),
    description: v.pipe(v.string(), v.trim(), v.minLength(10), v.maxLength(2000)),
    subject: v.object({
      name: v.optional(v.pipe(v.string(), v.maxLength(100))),
      gender: v.optional(v.picklist(["L", "P"])),
      ageYears: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(130))),
    }),
    reporter: v.object({
      kind: v.picklist(["resident", "psm", "anonymous"]),
      name: v.optional(v.pipe(v.string(), v.maxLength(100))),
      phone: v.optional(v.pipe(v.string(), v.regex(/^[0-9+\-\s]{8,20}$/))),
      email: v.optional(v.pipe(v.string(), v.email())),
    }),
  });

/** NIKs valid for the fixture's birth date and gender (women add 40 to the day), unique per request. */
let serial = 0;
const nextNik = () => `320501550795${String((serial++ % 9999) + 1).padStart(4, "0")}`;

const scenarios: Scenario[] = [
  {
    name: "POST /v1/registrations",
    path: "/v1/registrations",
    keyed: false,
    body: () => registrationBody(nextNik()),
    schema: registrationSchema,
  },
  {
    name: "POST /v1/registrations + Idempotency-Key",
    path: "/v1/registrations",
    keyed: true,
    body: () => registrationBody(nextNik()),
    schema: registrationSchema,
  },
  { name: "POST /v1/cases", path: "/v1/cases", keyed: false, body: caseBody, schema: caseSchema },
  {
    name: "POST /v1/cases + Idempotency-Key",
    path: "/v1/cases",
    keyed: true,
    body: caseBody,
    schema: caseSchema,
  },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** As API Gateway hands it to the Lambda: with its Content-Length (which hono's body limit reads). */
function requestInit(scenario: Scenario): RequestInit {
  const body = JSON.stringify(scenario.body());
  return {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(body)),
      ...(scenario.keyed ? { "Idempotency-Key": randomBytes(12).toString("base64url") } : {}),
    },
    body,
  };
}

/** CPU per request (µs) of `count` sequential requests. */
async function cpuPerRequest(app: Hono, scenario: Scenario, count: number): Promise<number> {
  const inits = Array.from({ length: count }, () => requestInit(scenario));
  const before = process.cpuUsage();
  for (const init of inits) {
    const response = await app.request(scenario.path, init);
    if (response.status !== 202) {
      throw new Error(`${scenario.name}: ${response.status} ${await response.text()}`);
    }
    await response.arrayBuffer();
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

/**
 * The bare handler: Hono, valibot, the SDK's own clients (lib-dynamodb and client-sfn, stubbed
 * alike) and the recorded calls, sent in order with the recorded inputs; a 202 with a JSON answer.
 */
async function bareApp(
  scenario: Scenario,
  calls: RecordedCall[],
  stubs: Array<() => void>,
  logLevel: BenchLogLevel,
): Promise<Hono> {
  const v = await import("valibot");
  const { Hono } = await import("hono");
  const ddb = await import("@aws-sdk/client-dynamodb");
  const doc = await import("@aws-sdk/lib-dynamodb");
  const sfnModule = await import("@aws-sdk/client-sfn");
  const base = new ddb.DynamoDBClient({});
  const documentClient = doc.DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const sfn = new sfnModule.SFNClient({});
  const ignore = () => {};
  stubs.push(await stubClient(base, "dynamodb", ignore), await stubClient(sfn, "sfn", ignore));

  type Sendable = { send(command: unknown): Promise<unknown> };
  type CommandClass = new (input: never) => unknown;
  const exported = (module: unknown, name: string): CommandClass => {
    const found = (module as Record<string, CommandClass | undefined>)[name];
    if (!found) throw new Error(`No command ${name} to repeat`);
    return found;
  };
  const commandClass = (call: RecordedCall): CommandClass => {
    if (call.service === "sfn") return exported(sfnModule, call.command);
    if (!call.document) return exported(ddb, call.command);
    // The document client's names: TransactWriteItemsCommand → TransactWriteCommand, PutItemCommand → PutCommand.
    return exported(doc, call.command.replace(/Items?Command$/, "Command"));
  };
  const plan = calls.map((call) => ({
    Command: commandClass(call),
    client: (call.service === "sfn" ? sfn : call.document ? documentClient : base) as Sendable,
    input: call.input,
  }));
  const schema = scenario.schema(v);
  return new Hono().post(scenario.path, async (c) => {
    const input = v.parse(schema, await c.req.json());
    for (const { Command, client, input: callInput } of plan) {
      await client.send(new Command(callInput as never));
    }
    const id = randomBytes(9).toString("base64url");
    const villageCode = (input as { villageCode: string }).villageCode;
    // What Powertools writes for the API's one INFO line per submission.
    if (logLevel === "INFO") {
      const line = {
        level: "INFO",
        message: "Submission accepted",
        timestamp: new Date().toISOString(),
        service: "bare",
        sampling_rate: 0,
        id,
        villageCode,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    return c.json({ id, status: "submitted", village: villageCode }, 202);
  });
}

/**
 * Measures every scenario in this process at one log level (its stdout is where the lines go: a
 * null sink when run by measureHandlerCpuAtBothLevels); restores the process's SDK clients when done.
 */
export async function measureHandlerCpu(
  options: HandlerCpuOptions = {},
  logLevel: BenchLogLevel = "SILENT",
): Promise<HandlerCpuRow[]> {
  const requests = options.requests ?? 400;
  const blocks = options.blocks ?? 5;
  const warmup = options.warmup ?? 300;
  await ensureEnvironment(logLevel);
  const { dynamodb } = await import("../../packages/core/src/db/client");
  const { sfn } = await import("../../packages/core/src/workflow/client");
  const { serviceApp } = await import("../../packages/functions/src/api/lambda");

  let recording: RecordedCall[] | undefined;
  const record = (call: RecordedCall) => recording?.push(call);
  const stubs = [await stubClient(dynamodb(), "dynamodb", record), await stubClient(sfn(), "sfn", record)];
  try {
    const rows: HandlerCpuRow[] = [];
    for (const scenario of scenarios) {
      // JIT and per-container caches first; then one request whose calls the bare side repeats.
      await cpuPerRequest(serviceApp, scenario, warmup);
      recording = [];
      await cpuPerRequest(serviceApp, scenario, 1);
      const calls = recording;
      recording = undefined;
      const bare = await bareApp(scenario, calls, stubs, logLevel);
      if (!options.apiOnly) await cpuPerRequest(bare, scenario, warmup);
      const api: number[] = [];
      const bareFigures: number[] = [];
      for (let block = 0; block < blocks; block++) {
        api.push(await cpuPerRequest(serviceApp, scenario, requests));
        if (!options.apiOnly) bareFigures.push(await cpuPerRequest(bare, scenario, requests));
      }
      const apiMicros = median(api);
      const bareMicros = options.apiOnly ? Number.NaN : median(bareFigures);
      rows.push({
        scenario: scenario.name,
        logLevel,
        calls: calls.map((call) => call.command.replace(/Command$/, "")),
        apiMicros,
        bareMicros,
        ratio: apiMicros / bareMicros,
      });
    }
    return rows;
  } finally {
    for (const remove of stubs) remove();
  }
}

/**
 * Both levels, each in a child process of its own (Powertools reads the level once) whose stdout is
 * /dev/null: INFO is what Lambda runs; SILENT shows the handlers' cost without logging.
 */
export function measureHandlerCpuAtBothLevels(options: HandlerCpuOptions = {}): HandlerCpuRow[] {
  const folder = mkdtempSync(join(tmpdir(), "sigap-handler-cpu-"));
  try {
    const rows: HandlerCpuRow[] = [];
    for (const level of ["INFO", "SILENT"] as const) {
      const file = join(folder, `${level}.json`);
      const args = ["--level", level, "--rows-to", file];
      if (options.requests) args.push("--requests", String(options.requests));
      if (options.blocks) args.push("--blocks", String(options.blocks));
      if (options.warmup) args.push("--warmup", String(options.warmup));
      const child = spawnSync(
        process.execPath,
        ["--import", "tsx", fileURLToPath(import.meta.url), ...args],
        {
          stdio: ["ignore", "ignore", "inherit"],
        },
      );
      if (child.status !== 0) throw new Error(`handler CPU at ${level} failed (exit ${child.status})`);
      rows.push(...(JSON.parse(readFileSync(file, "utf8")) as HandlerCpuRow[]));
    }
    return rows;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The rows as a printable table. */
export function formatHandlerCpu(rows: HandlerCpuRow[]): string {
  const lines = [
    "Handler CPU per request, in-process, SDK stubbed (user + system, median block); logs: INFO = one JSON line per request on both sides, to /dev/null (as deployed), SILENT = none:",
    `${"scenario".padEnd(44)}${"logs".padEnd(8)}${"API µs".padStart(9)}${"bare µs".padStart(9)}${"ratio".padStart(8)}  SDK calls (both sides)`,
  ];
  for (const row of rows) {
    lines.push(
      `${row.scenario.padEnd(44)}${row.logLevel.padEnd(8)}${row.apiMicros.toFixed(0).padStart(9)}${row.bareMicros.toFixed(0).padStart(9)}${`${row.ratio.toFixed(2)}×`.padStart(8)}  ${row.calls.join(", ")}`,
    );
  }
  return lines.join("\n");
}

function option(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function textOption(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options: HandlerCpuOptions = {
    ...(option("requests") ? { requests: option("requests") } : {}),
    ...(option("blocks") ? { blocks: option("blocks") } : {}),
    ...(option("warmup") ? { warmup: option("warmup") } : {}),
    apiOnly: process.argv.includes("--only") && process.argv.includes("api"),
  };
  const level = textOption("level");
  if (level === undefined) {
    console.log(formatHandlerCpu(measureHandlerCpuAtBothLevels(options)));
  } else {
    if (level !== "INFO" && level !== "SILENT") throw new Error(`--level INFO or SILENT, not ${level}`);
    const rows = await measureHandlerCpu(options, level);
    const rowsTo = textOption("rows-to");
    // The rows go to a file: stdout carries the log lines being measured.
    if (rowsTo) writeFileSync(rowsTo, JSON.stringify(rows));
    else console.error(formatHandlerCpu(rows));
  }
}
