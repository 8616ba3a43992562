import { BatchGetCommand, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { nowIso } from "../clock";
import { db } from "../db/client";
import { hashEmail } from "../identity/protect";
import { logger } from "../log";
import { tableName } from "../resources";
import { bumpDirectoryGeneration, forgetCachedDirectory } from "../staff/directory-cache";
import { mailKeys } from "./keys";

/**
 * Addresses mail must not count on: a permanent bounce (the mailbox does not exist) or a complaint
 * (the person marked us as spam). The directory treats such a person as nobody listed, so a request
 * goes to whoever can still be reached instead of into a dead mailbox. SES reports them (see
 * functions/src/mail/ses-events.ts); the local outbox simulates one.
 */
export type SuppressionKind = "bounce" | "complaint";

export interface Suppression {
  kind: SuppressionKind;
  at: string;
  /** `d***@garutkab.example.go.id`: enough for an operator to recognise, not the address itself. */
  maskedEmail: string;
}

/** `kades.cikajang@garutkab.example.go.id` → `k***@garutkab.example.go.id` */
export function maskEmail(address: string): string {
  const [local = "", domain = ""] = address.trim().toLowerCase().split("@");
  return `${local.slice(0, 1)}***@${domain}`;
}

/** Records that `email` bounced or complained; the latest report stands. */
export async function recordBounce(email: string, kind: SuppressionKind): Promise<void> {
  const suppression: Suppression = { kind, at: nowIso(), maskedEmail: maskEmail(email) };
  const item = { ...mailKeys.suppression(hashEmail(email)), entity: "mail-suppression", ...suppression };
  // With the directory's generation: no container's next ask mails the address (directory-cache.ts).
  await db().send(
    new TransactWriteCommand({
      TransactItems: [{ Put: { TableName: tableName(), Item: item } }, bumpDirectoryGeneration()],
    }),
  );
  forgetCachedDirectory();
  logger.warn("Mail address suppressed", { kind, address: suppression.maskedEmail });
}

/** Lifts a suppression (the mailbox was fixed); the address counts again. */
export async function clearSuppression(email: string): Promise<void> {
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName(), Key: mailKeys.suppression(hashEmail(email)) } },
        bumpDirectoryGeneration(),
      ],
    }),
  );
  forgetCachedDirectory();
}

export async function getSuppression(email: string): Promise<Suppression | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: mailKeys.suppression(hashEmail(email)) }),
  );
  return Item ? { kind: Item.kind, at: Item.at, maskedEmail: Item.maskedEmail } : undefined;
}

export async function isSuppressed(email: string): Promise<boolean> {
  return (await getSuppression(email)) !== undefined;
}

/** Which of `emails` are suppressed (one batched read; the directory lists at most a few people). */
export async function suppressedAmong(emails: string[]): Promise<Set<string>> {
  // Suppression items live one per partition: the partition names the address.
  const byPartition = new Map<string, { email: string; key: Record<string, unknown> }>();
  for (const email of emails) {
    const key = mailKeys.suppression(hashEmail(email));
    byPartition.set(key.pk, { email, key });
  }
  const found = new Set<string>();
  const wanted = [...byPartition.values()].map((w) => w.key);
  // BatchGetItem takes at most 100 keys per call.
  for (let start = 0; start < wanted.length; start += 100) {
    let keys = wanted.slice(start, start + 100);
    for (let round = 0; keys.length > 0; round++) {
      const result = await db().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ProjectionExpression: "pk" } } }),
      );
      for (const item of result.Responses?.[tableName()] ?? []) {
        const email = byPartition.get(String(item.pk))?.email;
        if (email) found.add(email);
      }
      keys = (result.UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (keys.length > 0) {
        if (round >= 5) throw new Error("Suppression lookup kept being throttled");
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
      }
    }
  }
  return found;
}
