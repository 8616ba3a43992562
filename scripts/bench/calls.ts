// `npm run bench`, DynamoDB calls per submission: in-process (scripts/bench/in-process.ts), with one
// approver listed for the village and warm caches, the calls one keyed `POST /v1/registrations`
// makes until the village head's email is added to the outbox (issue 10: ≤ 5) — counted by the same
// helper as test/dynamodb-calls.test.ts, so the printed figure is the asserted one.
import type { AppStack } from "../../test/support/app-stack";
import { callsToVillageHeadEmail } from "../../test/support/submission-calls";

export async function submissionCallsTable(stack: AppStack): Promise<string> {
  const { calls, lines } = await callsToVillageHeadEmail(stack);
  const byCommand = new Map<string, number>();
  for (const call of calls) byCommand.set(call.command, (byCommand.get(call.command) ?? 0) + 1);
  const itemsRead = calls.reduce((sum, call) => sum + (call.itemsReturned ?? 0), 0);
  return [
    "### DynamoDB calls per submission (keyed POST → village head's email; target ≤ 5)",
    "",
    "| calls | by command | items read |",
    "|---|---|---|",
    `| ${calls.length} | ${[...byCommand].map(([command, n]) => `${command} ×${n}`).join(", ")} | ${itemsRead} |`,
    "",
    "```",
    ...lines,
    "```",
  ].join("\n");
}
