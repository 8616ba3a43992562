import type { JsonValue } from "@sigap/core/workflow/asl";

/**
 * Resolves an ASL reference path (`$.a.b[0]`, `$$.Execution.Input.x`) — the restricted JSONPath
 * that TimeoutSecondsPath and HeartbeatSecondsPath allow: no wildcards, filters or slices.
 */
export function resolveReferencePath(
  path: string,
  input: JsonValue,
  context: JsonValue,
): JsonValue | undefined {
  const fromContext = path.startsWith("$$");
  const rest = path.slice(fromContext ? 2 : 1);
  let current: JsonValue | undefined = fromContext ? context : input;
  const segments = rest.match(/\.[^.[\]]+|\[\d+\]|\['[^']+'\]/g) ?? [];
  if (segments.join("") !== rest) throw new Error(`Unsupported reference path: ${path}`);
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    const key = segment.startsWith(".")
      ? segment.slice(1)
      : segment.startsWith("['")
        ? segment.slice(2, -2)
        : Number(segment.slice(1, -1));
    current = Array.isArray(current)
      ? typeof key === "number"
        ? current[key]
        : undefined
      : (current as Record<string, JsonValue>)[String(key)];
  }
  return current;
}
