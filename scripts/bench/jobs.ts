// `npm run bench`, items read per scheduled job run: each reconciler (core/workflow/reconcilers.ts)
// and the daily digest (action/digest.ts), counted by B's DynamoDB call counter, against how many
// exceptions (items marked for reconciliation) or pending actions there were. A job should read
// what it has to act on, not the table: the rows run with none, then with `seeded` of them.
// Each job is counted in its own async scope (`counter.within`): the executions a reconciler starts
// run on in the local engine, in this process, and their calls are not the job's.
import { sendDailyDigest } from "../../packages/core/src/action/digest";
import { createRegistration } from "../../packages/core/src/registration/repository";
import { validateRegistration } from "../../packages/core/src/registration/schema";
import { reconcilers } from "../../packages/core/src/workflow/reconcilers";
import { countDynamoDbCalls } from "../../packages/local/src/dynamodb-calls";
import { applicant } from "./registration";

/** 07:00 WIB on a working day: the digest's hour. */
const DIGEST_AT = new Date("2026-11-24T00:00:00Z");

export async function jobReadsTable(options: { seeded?: number } = {}): Promise<string> {
  const seeded = options.seeded ?? 20;
  const title = "### Items read per job run";
  const rows: string[] = [];
  const measure = async <T>(job: string, exceptions: (result: T) => string, run: () => Promise<T>) => {
    const counter = countDynamoDbCalls({ scoped: true });
    try {
      const result = await counter.within(run);
      rows.push(`| ${job} | ${exceptions(result)} | ${counter.calls.length} | ${counter.itemsRead()} |`);
    } finally {
      counter.stop();
    }
  };
  const runAll = async (seededFor: (workflow: string) => number) => {
    for (const reconciler of reconcilers) {
      // What the job found marked (earlier sections' executions may have left some), and what the bench seeded.
      await measure(
        `reconcile ${reconciler.workflow}`,
        (counts) =>
          `${Object.values(counts).reduce((sum, n) => sum + n, 0)} found marked (${seededFor(reconciler.workflow)} seeded)`,
        () => reconciler.reconcile(),
      );
    }
    // The digest's own count of the zone's pending actions (its sparse index's entries).
    await measure(
      "daily digest (WIB)",
      (run) => `${run.itemsRead} pending`,
      () => sendDailyDigest("WIB", DIGEST_AT),
    );
  };
  await runAll(() => 0);
  // Registrations written straight to the table carry the start marker and no execution: exceptions.
  for (let i = 0; i < seeded; i++) {
    await createRegistration(validateRegistration(applicant(200_000 + i), new Date()));
  }
  await runAll((workflow) => (workflow === "recruitment" ? seeded : 0));
  // The executions the recruitment reconciler started ask their village heads: once they have,
  // the digest runs again with those requests pending.
  await settled();
  await measure(
    "daily digest (WIB), again",
    (run) => `${run.itemsRead} pending`,
    () => sendDailyDigest("WIB", DIGEST_AT),
  );
  return [
    title,
    "",
    "| job | exceptions / pending | calls | items read |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** Waits until the process has made no DynamoDB call for half a second (at most 20 s): the engine idle. */
async function settled(): Promise<void> {
  const counter = countDynamoDbCalls();
  const giveUpAt = Date.now() + 20_000;
  try {
    let seen = -1;
    while (seen !== counter.calls.length && Date.now() < giveUpAt) {
      seen = counter.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    counter.stop();
  }
}
