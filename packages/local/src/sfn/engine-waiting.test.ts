import { workflowPolicy } from "@sigap/core/config/durations";
import type { JsonValue } from "@sigap/core/workflow/asl";
import { describe, expect, it } from "vitest";
import { localFunctionArn, stateMachineName } from "../environment";
import { heapAfterCollection } from "../heap";
import { registerWorkflows } from "../workflows";
import { LocalStepFunctions } from "./engine";

describe("executions waiting for a task token", () => {
  it("park: 1,000 recruitments waiting for the village head stay small, and resume where they waited", async () => {
    const tokens: string[] = [];
    const engine = new LocalStepFunctions({
      region: "ap-southeast-3",
      accountId: "000000000000",
      resolveLambda: (arn) =>
        arn === localFunctionArn("recruitment")
          ? async (event: JsonValue) => {
              const payload = event as { task: string; level?: string; taskToken?: string };
              if (payload.task === "resolveApprovalLevel") return { level: payload.level };
              // The village head's ask, then (once decided) the basic training's wait.
              if (payload.taskToken) tokens.push(payload.taskToken);
              return { outcome: "approved" };
            }
          : undefined,
    });
    registerWorkflows(engine);
    const stateMachineArn = `arn:aws:states:ap-southeast-3:000000000000:stateMachine:${stateMachineName("recruitment")}`;
    const policy = workflowPolicy(1);
    const count = 1000;
    const before = heapAfterCollection();
    for (let n = 1; n <= count; n++) {
      const registrationId = `01J${String(n).padStart(23, "0")}`;
      engine.startExecution({
        stateMachineArn,
        name: `reg-${registrationId}-1`,
        input: JSON.stringify({ registrationId, startAt: "village-recommendation", resume: false, policy }),
      });
      while (tokens.length < n) await new Promise((resolve) => setImmediate(resolve));
    }
    const grown = heapAfterCollection() - before;
    // Each kept its interpreter run (~25 KB) before parking, then its history and texts (~16 KB);
    // parked now, its history and input are in the spill file: ~1.6–2.3 KB each, warm-up included.
    expect(grown, "heap growth in bytes per 1,000 waiting executions").toBeLessThan(3.5 * 1024 * 1024);

    // A parked execution resumes in the state it waited in, its history continuing where it stood.
    const executionArn = `arn:aws:states:ap-southeast-3:000000000000:execution:${stateMachineName("recruitment")}:reg-01J${"1".padStart(23, "0")}-1`;
    const waitingHistory = engine.getExecutionHistory({ executionArn, maxResults: 1000 }).events;
    expect(waitingHistory.at(-1)?.type).toBe("TaskStarted");
    // Its input answers from the spill file as it was given.
    expect(JSON.parse(engine.describeExecution({ executionArn }).input)).toMatchObject({ policy });
    engine.sendTaskSuccess({
      taskToken: tokens[0] as string,
      output: JSON.stringify({ outcome: "approved" }),
    });
    for (let i = 0; i < 1000 && tokens.length === count; i++) await new Promise((r) => setImmediate(r));
    const resumed = engine.getExecutionHistory({ executionArn, maxResults: 1000 }).events;
    expect(resumed.slice(0, waitingHistory.length)).toEqual(waitingHistory);
    expect(resumed[waitingHistory.length]?.type).toBe("TaskSucceeded");
    expect(resumed.map((e) => e.id)).toEqual(resumed.map((_, i) => i + 1));
    // It went on to the next ask (training), which waits for its own token.
    expect(tokens.length).toBe(count + 1);
    expect(engine.describeExecution({ executionArn }).status).toBe("RUNNING");
  });
});
