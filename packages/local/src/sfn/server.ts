import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { LocalStepFunctions } from "./engine";
import { SfnApiError } from "./errors";

type Operation = (engine: LocalStepFunctions, request: never) => unknown;

/** The operations served, by `X-Amz-Target: AWSStepFunctions.<Name>`. */
const operations: Record<string, Operation> = {
  CreateStateMachine: (e, r) => e.createStateMachine(r),
  DescribeStateMachine: (e, r) => e.describeStateMachine(r),
  ListStateMachines: (e) => e.listStateMachines(),
  StartExecution: (e, r) => e.startExecution(r),
  DescribeExecution: (e, r) => e.describeExecution(r),
  ListExecutions: (e, r) => e.listExecutions(r),
  GetExecutionHistory: (e, r) => e.getExecutionHistory(r),
  StopExecution: (e, r) => e.stopExecution(r),
  SendTaskSuccess: (e, r) => e.sendTaskSuccess(r),
  SendTaskFailure: (e, r) => e.sendTaskFailure(r),
  SendTaskHeartbeat: (e, r) => e.sendTaskHeartbeat(r),
};

/** The AWS JSON protocol writes timestamps as epoch seconds. */
function toWire(value: unknown): string {
  return JSON.stringify(value, function (key, v) {
    const original = (this as Record<string, unknown>)[key];
    return original instanceof Date ? original.getTime() / 1000 : v;
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function reply(res: ServerResponse, status: number, body: unknown) {
  const payload = toWire(body);
  res.writeHead(status, {
    "Content-Type": "application/x-amz-json-1.0",
    "Content-Length": Buffer.byteLength(payload),
    "x-amzn-RequestId": crypto.randomUUID(),
    // The engine's clock, not Node's cached one: the SDK corrects its clock skew from this header,
    // so both sides must agree on "now" even when tests move time with fake timers.
    Date: new Date().toUTCString(),
  });
  res.end(payload);
}

function replyError(res: ServerResponse, status: number, code: string, message: string) {
  res.setHeader("x-amzn-ErrorType", code);
  reply(res, status, { __type: code, message });
}

export async function handleRequest(engine: LocalStepFunctions, req: IncomingMessage, res: ServerResponse) {
  const target = String(req.headers["x-amz-target"] ?? "");
  const name = target.startsWith("AWSStepFunctions.") ? target.slice("AWSStepFunctions.".length) : "";
  const operation = operations[name];
  if (req.method !== "POST" || !operation) {
    return replyError(
      res,
      400,
      "UnknownOperationException",
      `Unsupported operation: ${target || req.method}`,
    );
  }
  let request: unknown;
  try {
    const body = await readBody(req);
    request = body ? JSON.parse(body) : {};
  } catch {
    return replyError(res, 400, "SerializationException", "Request body is not valid JSON");
  }
  try {
    reply(res, 200, operation(engine, request as never));
  } catch (error) {
    if (error instanceof SfnApiError) return replyError(res, 400, error.name, error.message);
    console.error(`Local Step Functions: ${name} failed`, error);
    replyError(res, 500, "InternalFailure", error instanceof Error ? error.message : String(error));
  }
}

/** Serves the engine on `port` (0 picks a free one) on the loopback interface. */
export async function serveStepFunctions(
  engine: LocalStepFunctions,
  port: number,
  host = "127.0.0.1",
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => void handleRequest(engine, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}
