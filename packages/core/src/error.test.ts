import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { conditionFailed } from "./db/client";
import { AppError, dependencyUnavailable } from "./error";

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe("a cancelled transaction", () => {
  it("is a lost race when a condition failed, and nothing else", () => {
    expect(conditionFailed(cancelled("ConditionalCheckFailed", "None"))).toBe(true);
    expect(conditionFailed(cancelled("None", "ConditionalCheckFailed"), 0)).toBe(false);
    expect(conditionFailed(cancelled("ThrottlingError", "None"))).toBe(false);
    expect(conditionFailed(new ConditionalCheckFailedException({ message: "x", $metadata: {} }))).toBe(true);
    expect(dependencyUnavailable(cancelled("ConditionalCheckFailed", "None"))).toBeUndefined();
  });

  it("is a dependency failure (503) when throttled or in conflict, even when wrapped", () => {
    for (const codes of [
      ["ThrottlingError", "None"],
      ["None", "TransactionConflict"],
    ]) {
      const problem = dependencyUnavailable(new Error("wrapped", { cause: cancelled(...codes) }));
      expect(problem).toBeInstanceOf(AppError);
      expect(problem?.status).toBe(503);
      expect(problem?.retryAfterSeconds).toBeGreaterThan(0);
    }
  });

  it("is not a dependency failure when the request itself was invalid", () => {
    expect(dependencyUnavailable(cancelled("ValidationError", "None"))).toBeUndefined();
  });
});
