import { type JsonSchema, toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";

/** A JSON Schema object as OpenAPI 3.1 embeds it (draft 2020-12). */
export type Schema = Record<string, unknown>;

const NUMBER_KEYWORDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const LENGTH_KEYWORDS: Record<string, { string: string; array: string }> = {
  minLength: { string: "minLength", array: "minItems" },
  maxLength: { string: "maxLength", array: "maxItems" },
};

/**
 * Our schemas accept what a plain HTML form sends too: `union([number, string→number])` then
 * `integer`/`minValue`, or `union([string→[string], array])` then `maxLength`. The converter puts
 * those later rules beside the `anyOf`, where they would also bind the other branch (a 4-character
 * limit on a condition code). They belong to the branch they were written for: numeric rules to the
 * number branch, a length after a list-making transform to the list.
 */
function distributeOverBranches(node: Schema): void {
  const branches = node.anyOf as Schema[] | undefined;
  if (!branches) return;
  const integer = node.type === "integer";
  if (node.type !== undefined && branches.some((b) => b.type !== node.type && b.const === undefined)) {
    delete node.type;
  }
  for (const branch of branches) {
    if (branch.type === "number") {
      if (integer) branch.type = "integer";
      for (const keyword of NUMBER_KEYWORDS) if (keyword in node) branch[keyword] = node[keyword];
    }
  }
  for (const keyword of NUMBER_KEYWORDS) delete node[keyword];
  const hasArray = branches.some((b) => b.type === "array");
  for (const [keyword, target] of Object.entries(LENGTH_KEYWORDS)) {
    if (!(keyword in node)) continue;
    for (const branch of branches) {
      if (hasArray ? branch.type === "array" : branch.type === "string") {
        branch[hasArray ? target.array : target.string] = node[keyword];
      }
    }
    delete node[keyword];
  }
}

function tidy(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) tidy(item);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const schema = node as Schema;
  delete schema.$schema;
  // `required: []` says nothing.
  if (Array.isArray(schema.required) && schema.required.length === 0) delete schema.required;
  distributeOverBranches(schema);
  for (const value of Object.values(schema)) tidy(value);
}

/**
 * The JSON Schema of what a valibot schema accepts. Transformations (trimming, normalising a
 * region code, a checkbox's "on") are left out and the rules around them kept; checks that only
 * code can make (a NIK's plausibility, a village in the Kemendagri list) are the route's description.
 */
export function jsonSchemaOf(schema: v.GenericSchema): Schema {
  const converted = toJsonSchema(schema, {
    target: "draft-2020-12",
    typeMode: "ignore",
    errorMode: "ignore",
  }) as JsonSchema as Schema;
  tidy(converted);
  return converted;
}
