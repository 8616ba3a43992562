/**
 * The DynamoDB calls one keyed `POST /v1/registrations` makes until the village head's email, counted
 * one way for test/dynamodb-calls.test.ts (which asserts ≤ 5) and `npm run bench`'s calls section
 * (which prints it): a warm-up submission first (region data, directory cache, SDK connections),
 * then quiet (the warm-up's execution parked on its wait), then the counted submission, its count
 * taken the moment the email is added to the outbox — not polled, so nothing after it is counted.
 * Plain Node (no vitest): the outbox's `add` is wrapped and put back.
 */
import type { OutgoingMail } from "@sigap/core/mail/message";
import { outbox } from "@sigap/core/mail/outbox";
import { validRegistration } from "@sigap/core/registration/fixtures";
import { countDynamoDbCalls, type DynamoDbCall } from "../../packages/local/src/dynamodb-calls";
import type { AppStack } from "./app-stack";

/** Kepala Desa of the fixture's village in the sample directory (one approver listed). */
export const VILLAGE_HEAD = "kades.cikajang@garutkab.example.go.id";
const PATIENCE_MS = 30_000;
/**
 * Longer than any wait of the warm-up's execution: Step Functions' shortest is 1 s, and the bench
 * shrinks every SLA to it (SLA_SCALE), so there the warm-up's reminders and escalations must play out first.
 */
const QUIET_MS = 2_500;

export interface SubmissionCalls {
  /** The counted submission's calls, from its POST to the village head's email being added. */
  calls: DynamoDbCall[];
  /** One line per counted call. */
  lines: string[];
}

/** Counts the calls of the `serial`-th registration (after the warm-up `serial - 1`); serials 1–9998. */
export async function callsToVillageHeadEmail(stack: AppStack, serial = 2): Promise<SubmissionCalls> {
  const box = outbox();
  const add = box.add;
  const waiting = new Map<string, (mail: OutgoingMail) => void>();
  box.add = async (mail) => {
    for (const [name, arrived] of waiting) {
      if (mail.to.includes(VILLAGE_HEAD) && mail.subject.includes(name)) arrived(mail);
    }
    return add.call(box, mail);
  };
  const counter = countDynamoDbCalls();
  try {
    await register(stack, serial - 1, waiting);
    await quiet(counter.calls);
    counter.reset();
    let counted = -1;
    await register(stack, serial, waiting, () => {
      counted = counter.calls.length;
    });
    const calls = counter.calls.slice(0, counted);
    const lines = counter.describe().split("\n").slice(0, counted);
    return { calls, lines };
  } finally {
    counter.stop();
    box.add = add;
  }
}

/** Posts a keyed registration and resolves when the village head's email about it is added. */
async function register(
  stack: AppStack,
  serial: number,
  waiting: Map<string, (mail: OutgoingMail) => void>,
  onMail: () => void = () => {},
): Promise<void> {
  const name = `Pendaftar Hitung ${serial}`;
  const mailed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no email to the village head about ${name}`)),
      PATIENCE_MS,
    );
    waiting.set(name, () => {
      onMail();
      clearTimeout(timer);
      waiting.delete(name);
      resolve();
    });
  });
  const response = await stack.app.request("/v1/registrations", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": `submission-calls-${serial}` },
    body: JSON.stringify({
      ...validRegistration,
      nik: `320501550795${String(serial).padStart(4, "0")}`,
      fullName: name,
      email: `hitung${serial}@example.com`,
    }),
  });
  if (response.status !== 202) {
    waiting.delete(name);
    throw new Error(`registration answered ${response.status}: ${await response.text()}`);
  }
  await mailed;
}

/** Waits until no call has been made for QUIET_MS: the warm-up's execution is parked or finished. */
async function quiet(calls: readonly DynamoDbCall[]): Promise<void> {
  let seen = -1;
  while (seen !== calls.length) {
    seen = calls.length;
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  }
}
