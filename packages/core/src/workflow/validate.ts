import { createRequire } from "node:module";
import { WAIT_FOR_TASK_TOKEN } from "./asl";

type AslValidator = (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

// asl-validator is CommonJS without types; it is a dev tool (tests, export), never bundled in a Lambda.
const aslValidator = createRequire(import.meta.url)("asl-validator") as AslValidator;

/** Fields that belong to JSONata or variables, which the local engine ignores and we do not use. */
const FORBIDDEN_FIELDS = ["QueryLanguage", "Assign", "Arguments", "Output"];

function* walkStates(states: Record<string, unknown>): Generator<[string, Record<string, unknown>]> {
  for (const [name, state] of Object.entries(states)) {
    const s = state as Record<string, unknown>;
    yield [name, s];
    for (const branch of (s.Branches as Array<{ States: Record<string, unknown> }> | undefined) ?? []) {
      yield* walkStates(branch.States);
    }
    const processor = (s.ItemProcessor ?? s.Iterator) as { States: Record<string, unknown> } | undefined;
    if (processor) yield* walkStates(processor.States);
  }
}

/**
 * Problems with a definition: what asl-validator finds (on a copy — it mutates its input), plus
 * our rules: JSONPath only, and a timeout on every task that waits for a person.
 */
export function validateDefinition(definition: unknown): string[] {
  const problems: string[] = [];
  const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  if (!result.isValid) problems.push(result.errorsText("\n"));
  const root = definition as { States?: Record<string, unknown>; QueryLanguage?: unknown };
  if (root.QueryLanguage !== undefined) problems.push("QueryLanguage is set: definitions are JSONPath only");
  for (const [name, state] of walkStates(root.States ?? {})) {
    for (const field of FORBIDDEN_FIELDS) {
      if (field in state) problems.push(`${name}: ${field} is not allowed (JSONPath only, no variables)`);
    }
    const resource = state.Resource;
    if (
      typeof resource === "string" &&
      resource.endsWith(WAIT_FOR_TASK_TOKEN) &&
      state.TimeoutSeconds === undefined &&
      state.TimeoutSecondsPath === undefined
    ) {
      problems.push(`${name}: a .waitForTaskToken task needs TimeoutSeconds or TimeoutSecondsPath`);
    }
  }
  return problems;
}
