// `npm run openapi -- <out>`: writes the API's OpenAPI 3.1 document, the one `GET /openapi.json`
// serves. `<out>` is a folder (written as `<out>/openapi.json`) or a path ending in `.json`
// (written as is); without one, `docs/openapi.json`, the copy committed beside the README.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { openApiDocument } from "../packages/functions/src/api/openapi/document";

/** The document as committed: two-space JSON with a final newline, so diffs stay readable. */
export const serializedDocument = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

export const outputPath = (target: string | undefined) =>
  target === undefined
    ? join("docs", "openapi.json")
    : target.endsWith(".json")
      ? target
      : join(target, "openapi.json");

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = outputPath(process.argv[2]);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, serializedDocument());
  console.log(`OpenAPI document written to ${file}`);
}
