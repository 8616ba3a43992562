/**
 * Memory of the local Step Functions engine per 1,000 executions left waiting for a task token, as
 * every registration's recruitment waits for the village head: the real recruitment definition and
 * input (ids and the SLA policy), in-process, with the recruitment tasks answered by stubs (the ask
 * hands out its token and nobody answers it). Prints numbers; run with:
 *   node --import tsx scripts/bench-engine-waiting.ts [executions=3000]
 */
import { workflowPolicy } from "@sigap/core/config/durations";
import type { JsonValue } from "@sigap/core/workflow/asl";
import { localFunctionArn, stateMachineName } from "../packages/local/src/environment";
import { garbageCollector, heapAfterCollection } from "../packages/local/src/heap";
import { LocalStepFunctions } from "../packages/local/src/sfn/engine";
import { registerWorkflows } from "../packages/local/src/workflows";

const total = Number(process.argv[2] ?? 3000);

/** The heap after full collections (twice: what the first frees can free more), in MB. */
function gcHeapMb(): number {
  garbageCollector()();
  return heapAfterCollection() / 1024 / 1024;
}

/** What the recruitment tasks answer, enough to reach the village head's ask. */
async function recruitmentTask(event: JsonValue): Promise<unknown> {
  const payload = event as { task: string; level?: string; taskToken?: string };
  if (payload.task === "resolveApprovalLevel") return { level: payload.level };
  if (payload.task === "requestDecision") waiting.add(payload.taskToken as string);
  return { ok: true };
}
const waiting = new Set<string>();

const engine = new LocalStepFunctions({
  region: "ap-southeast-3",
  accountId: "000000000000",
  resolveLambda: (arn) => (arn === localFunctionArn("recruitment") ? recruitmentTask : undefined),
});
registerWorkflows(engine);
const stateMachineArn = `arn:aws:states:ap-southeast-3:000000000000:stateMachine:${stateMachineName("recruitment")}`;
const policy = workflowPolicy(1);

const heap = [gcHeapMb()];
for (let n = 1; n <= total; n++) {
  const registrationId = `01J${String(n).padStart(23, "0")}`;
  engine.startExecution({
    stateMachineArn,
    name: `reg-${registrationId}-1`,
    input: JSON.stringify({ registrationId, startAt: "village-recommendation", resume: false, policy }),
  });
  // Until this execution has handed out its ask's token: it now waits, as a registration does.
  while (waiting.size < n) await new Promise((resolve) => setImmediate(resolve));
  if (n % 1000 === 0) heap.push(gcHeapMb());
}
const perThousand = heap.slice(1).map((mb, i) => (mb - (heap[i] as number)).toFixed(2));
console.log(`Local engine heap growth per 1,000 waiting executions (MB), ${total} executions:`);
console.log(`  ${perThousand.join("  ")}`);
const grown = (heap.at(-1) ?? 0) - (heap[0] ?? 0);
console.log(
  `  total after ${total}: ${grown.toFixed(1)} MB (${((grown * 1024) / total).toFixed(1)} KB each)`,
);
// The waiting executions hold timers (their deadlines): end here.
process.exit(0);
