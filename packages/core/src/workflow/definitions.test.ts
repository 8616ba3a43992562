import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportWorkflows, placeholderArns } from "./export";
import { workflows } from "./registry";
import { registryNames } from "./registry.fixture";
import { validateDefinition } from "./validate";

describe("workflow definitions", () => {
  it("registers at least the workflows the product relies on, with unique names", () => {
    const names = workflows.map((w) => w.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of registryNames) expect(names).toContain(name);
  });

  it.each(workflows.map((w) => [w.name, w] as const))("%s is valid, portable ASL", (_name, workflow) => {
    expect(validateDefinition(workflow.definition(placeholderArns()))).toEqual([]);
  });

  it("exports one valid .asl.json per workflow", () => {
    const directory = mkdtempSync(join(tmpdir(), "sigap-asl-"));
    exportWorkflows(directory);
    const files = readdirSync(directory).sort();
    expect(files).toEqual(workflows.map((w) => `${w.name}.asl.json`).sort());
    for (const file of files) {
      expect(validateDefinition(JSON.parse(readFileSync(join(directory, file), "utf8")))).toEqual([]);
    }
  });
});

describe("validateDefinition", () => {
  const callback = (extra: Record<string, unknown>) => ({
    StartAt: "Ask",
    States: {
      Ask: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: { FunctionName: "f", Payload: { "token.$": "$$.Task.Token" } },
        End: true,
        ...extra,
      },
    },
  });

  it("accepts a callback task with a timeout", () => {
    expect(validateDefinition(callback({ TimeoutSecondsPath: "$.policy.responseSeconds" }))).toEqual([]);
  });

  it("rejects a callback task without a timeout", () => {
    expect(validateDefinition(callback({}))).toEqual([
      "Ask: a .waitForTaskToken task needs TimeoutSeconds or TimeoutSecondsPath",
    ]);
  });

  it("rejects JSONata and variables", () => {
    const problems = validateDefinition({
      ...callback({ TimeoutSeconds: 5, Assign: { x: 1 } }),
      QueryLanguage: "JSONata",
    });
    expect(problems).toContain("QueryLanguage is set: definitions are JSONPath only");
    expect(problems).toContain("Ask: Assign is not allowed (JSONPath only, no variables)");
  });

  it("reports what asl-validator finds, without changing the definition it was given", () => {
    const broken = { StartAt: "Missing", States: { Only: { Type: "Succeed" } } };
    const copy = structuredClone(broken);
    expect(validateDefinition(broken).length).toBeGreaterThan(0);
    expect(broken).toEqual(copy);
  });
});
