/**
 * `npm run workflows:export -- <dir>` writes one `<name>.asl.json` per state machine, with each task
 * function ARN as a `${<Group>FunctionArn}` placeholder (the deployer substitutes the real one).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { workflows } from "./registry";
import { type TaskFunctionArns, taskGroups } from "./tasks";
import { validateDefinition } from "./validate";

export function placeholderArns(): TaskFunctionArns {
  return Object.fromEntries(
    taskGroups.map((group) => [group, `\${${group[0]?.toUpperCase()}${group.slice(1)}FunctionArn}`]),
  ) as TaskFunctionArns;
}

export function exportWorkflows(directory: string): string[] {
  mkdirSync(directory, { recursive: true });
  return workflows.map((workflow) => {
    const definition = workflow.definition(placeholderArns());
    const problems = validateDefinition(definition);
    if (problems.length > 0)
      throw new Error(`${workflow.name} is not a valid definition:\n${problems.join("\n")}`);
    const file = join(directory, `${workflow.name}.asl.json`);
    writeFileSync(file, `${JSON.stringify(definition, null, 2)}\n`);
    return file;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const directory = process.argv[2];
  if (!directory) {
    console.error("Usage: npm run workflows:export -- <directory>");
    process.exit(2);
  }
  for (const file of exportWorkflows(resolve(directory))) console.log(`wrote ${file}`);
}
