import { describe, expect, it } from "vitest";
import { defaultPolicy, workflowPolicy } from "./durations";
import { readSettings } from "./settings";

describe("workflow policy", () => {
  it("is the default policy at scale 1", () => {
    expect(workflowPolicy(1)).toEqual(defaultPolicy);
  });

  it("scales durations but not counts", () => {
    const policy = workflowPolicy(0.00002);
    // 3 days × 0.00002 = 5.184 s → 5 s, as the README promises for demos.
    expect(policy.recruitment.villageResponseSeconds).toBe(5);
    expect(policy.recruitment.basicTrainingSeconds).toBe(311);
    expect(policy.recruitment.villageReminders).toBe(defaultPolicy.recruitment.villageReminders);
  });

  it("never scales a duration below one second (Step Functions' minimum timeout)", () => {
    expect(workflowPolicy(0.000001).recruitment.villageResponseSeconds).toBe(1);
  });
});

describe("settings", () => {
  it("reads SLA_SCALE as a number and defaults to 1", () => {
    expect(readSettings({}).slaScale).toBe(1);
    expect(readSettings({ SLA_SCALE: "0.5" }).slaScale).toBe(0.5);
  });

  it("refuses a SLA_SCALE that is not a positive number", () => {
    expect(() => readSettings({ SLA_SCALE: "abc" })).toThrow();
    expect(() => readSettings({ SLA_SCALE: "0" })).toThrow();
    expect(() => readSettings({ SLA_SCALE: "-1" })).toThrow();
  });

  it("drops a trailing slash from PUBLIC_BASE_URL so links join cleanly", () => {
    expect(readSettings({ PUBLIC_BASE_URL: "https://sigap.example.go.id/" }).publicBaseUrl).toBe(
      "https://sigap.example.go.id",
    );
  });
});
