/**
 * Memory of the local Step Functions engine per 1,000 finished executions, with eviction (the
 * default: the newest 100 kept whole) and without it (every execution kept whole, as before).
 * Each execution waits for a task token, runs three Lambda tasks and a Choice, carrying ids only
 * (like the workflows). Prints numbers; run with:
 *   node --import tsx scripts/bench-engine-memory.ts [executions=3000]
 */
import type { JsonValue } from "@sigap/core/workflow/asl";
import { garbageCollector, heapAfterCollection } from "../packages/local/src/heap";
import { LocalStepFunctions } from "../packages/local/src/sfn/engine";

const total = Number(process.argv[2] ?? 3000);
const fn = (name: string) => `arn:aws:lambda:ap-southeast-3:000000000000:function:${name}`;
const definition = JSON.stringify({
  StartAt: "Notify",
  States: {
    Notify: { Type: "Task", Resource: fn("step"), ResultPath: "$.notified", Next: "Ask" },
    Ask: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Parameters: { FunctionName: fn("ask"), Payload: { "token.$": "$$.Task.Token", "id.$": "$.id" } },
      ResultPath: "$.decision",
      Next: "Decided",
    },
    Decided: {
      Type: "Choice",
      Choices: [{ Variable: "$.decision.approved", BooleanEquals: true, Next: "Approve" }],
      Default: "Reject",
    },
    Approve: { Type: "Task", Resource: fn("step"), ResultPath: "$.approved", Next: "Tell" },
    Reject: { Type: "Task", Resource: fn("step"), ResultPath: "$.rejected", Next: "Tell" },
    Tell: { Type: "Task", Resource: fn("step"), ResultPath: "$.told", End: true },
  },
});

/** The heap after full collections (twice: what the first frees can free more), in MB. */
function gcHeapMb(): number {
  garbageCollector()();
  return heapAfterCollection() / 1024 / 1024;
}

async function measure(keepFinished: number): Promise<number[]> {
  let answer: (token: string) => void = () => {};
  const engine = new LocalStepFunctions({
    region: "ap-southeast-3",
    accountId: "000000000000",
    keepFinished,
    resolveLambda: (arn) =>
      arn === fn("ask")
        ? async (event: JsonValue) => {
            answer((event as { token: string }).token);
            return {};
          }
        : async () => ({ at: new Date().toISOString(), ok: true }),
  });
  const { stateMachineArn } = engine.createStateMachine({ name: "bench", definition });
  const heap = [gcHeapMb()];
  for (let n = 1; n <= total; n++) {
    const token = new Promise<string>((resolve) => {
      answer = resolve;
    });
    const { executionArn } = engine.startExecution({
      stateMachineArn,
      name: `registration-${n}`,
      input: JSON.stringify({ id: `01J${String(n).padStart(23, "0")}`, kind: "registration" }),
    });
    engine.sendTaskSuccess({ taskToken: await token, output: JSON.stringify({ approved: n % 2 === 0 }) });
    while (engine.describeExecution({ executionArn }).status === "RUNNING") {
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (n % 1000 === 0) heap.push(gcHeapMb());
  }
  return heap;
}

const evicting = await measure(100);
const keepingAll = await measure(Number.POSITIVE_INFINITY);
const perThousand = (heap: number[]) => heap.slice(1).map((mb, i) => (mb - (heap[i] as number)).toFixed(2));
console.log(`Local engine heap growth per 1,000 finished executions (MB), ${total} executions:`);
console.log(`  keep everything (before): ${perThousand(keepingAll).join("  ")}`);
console.log(`  evict past 100 (now):     ${perThousand(evicting).join("  ")}`);
const grown = (heap: number[]) => ((heap.at(-1) ?? 0) - (heap[0] ?? 0)).toFixed(1);
console.log(`  total after ${total}: ${grown(keepingAll)} MB before, ${grown(evicting)} MB now`);
