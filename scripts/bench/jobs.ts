// `npm run bench`, items read per scheduled job run: each reconciler (core/workflow/reconcilers.ts)
// and the daily digest (action/digest.ts), counted by B's DynamoDB call counter, against how many
// exceptions (items marked for reconciliation) or pending actions there were. A job should read
// what it has to act on, not the table: the rows run with none, then with `seeded` of them.
import { sendDailyDigest } from "../../packages/core/src/action/digest";
import { createRegistration } from "../../packages/core/src/registration/repository";
import { validateRegistration } from "../../packages/core/src/registration/schema";
import { reconcilers } from "../../packages/core/src/workflow/reconcilers";
import { callCounter, todo } from "./optional";
import { applicant } from "./registration";

/** 07:00 WIB on a working day: the digest's hour. */
const DIGEST_AT = new Date("2026-11-24T00:00:00Z");

export async function jobReadsTable(options: { seeded?: number } = {}): Promise<string> {
  const seeded = options.seeded ?? 20;
  const title = "### Items read per job run";
  const counterModule = await callCounter();
  if (!counterModule) return `${title}\n\n${todo("needs packages/local/src/dynamodb-calls.ts (B, calls11)")}`;
  const rows: string[] = [];
  const measure = async (job: string, exceptions: string, run: () => Promise<unknown>) => {
    const counter = counterModule.countDynamoDbCalls();
    try {
      await run();
      rows.push(`| ${job} | ${exceptions} | ${counter.calls.length} | ${counter.itemsRead()} |`);
    } finally {
      counter.stop();
    }
  };
  const runAll = async (label: (workflow: string) => string) => {
    for (const reconciler of reconcilers) {
      await measure(`reconcile ${reconciler.workflow}`, label(reconciler.workflow), () =>
        reconciler.reconcile(),
      );
    }
    await measure("daily digest (WIB)", "pending actions so far", () => sendDailyDigest("WIB", DIGEST_AT));
  };
  await runAll(() => "0 marked");
  // Registrations written straight to the table carry the start marker and no execution: exceptions.
  for (let i = 0; i < seeded; i++) {
    await createRegistration(validateRegistration(applicant(200_000 + i), new Date()));
  }
  await runAll((workflow) => (workflow === "recruitment" ? `${seeded} marked` : "0 marked"));
  return [
    title,
    "",
    "| job | exceptions / pending | calls | items read |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}
