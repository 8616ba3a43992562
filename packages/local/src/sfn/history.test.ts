import { describe, expect, it } from "vitest";
import { heapAfterCollection } from "../heap";
import { HistoryRecorder } from "./history";

describe("an execution's history", () => {
  it("keeps a text that recurs in its events once (a waiting execution stays small)", () => {
    // A workflow input of about 50 KB passing unchanged through 200 task states: entered, task
    // succeeded and exited each carry it (600 copies, 30 MB, if each were kept).
    const input = { id: "01J0000000000000000000000", policy: { text: "x".repeat(50_000) } };
    const resource = "arn:aws:lambda:ap-southeast-3:000000000000:function:step";
    const states = Array.from({ length: 200 }, (_, i) => `Step${i}`);
    const recorder = new HistoryRecorder(new Map(states.map((name) => [name, { Resource: resource }])));
    const before = heapAfterCollection();
    for (const name of states) {
      const state = { name, type: "Task", input, output: input };
      recorder.record({ type: "StateEntered", timestamp: Date.now(), state }, { input: "{}" });
      recorder.record({ type: "StateExited", timestamp: Date.now(), state }, { input: "{}" });
    }
    const grown = heapAfterCollection() - before;
    const events = recorder.events();
    expect(events).toHaveLength(200 * 5);
    expect(events.at(-1)?.stateExitedEventDetails).toEqual({
      name: "Step199",
      output: JSON.stringify(input),
    });
    expect(grown, "heap growth in bytes").toBeLessThan(2 * 1024 * 1024);
  });
});
