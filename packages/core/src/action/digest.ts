import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { now } from "../clock";
import { conditionFailed, db, getMany, queryPages } from "../db/client";
import { tableSchema } from "../db/schema";
import { logger } from "../log";
import { sendMail } from "../mail/send";
import { isSuppressed, maskEmail } from "../mail/suppression";
import { tableName } from "../resources";
import { type ClockTime, localDateIn, nextLocalTime, type TimeZoneLabel } from "../time";
import { type DigestItem, dailyDigestEmail } from "./digest-messages";
import { actionKeys as keys } from "./keys";
import type { ActionUrgency } from "./repository";

/**
 * The daily digest: once a day, at 07:00 in a zone, every addressee of pending actions there gets
 * one email listing them instead of one email per item. It reads only the sparse pending index of
 * that zone (O(pending)), one addressee after another, and marks each addressee done after their
 * email, so a second run the same day sends nothing and a run cut short sends only what it had not.
 */

/** The local time from which a zone's digest for the day goes out. */
export const DIGEST_TIME: ClockTime = "07:00";

/** How long a "sent" marker is kept: past its local day and any late re-run. */
const KEEP_MARKER_SECONDS = 7 * 24 * 3600;

export interface DigestRun {
  zone: TimeZoneLabel;
  localDate: string;
  /** Index entries read (each then read in full): the zone's pending actions, not the table. */
  itemsRead: number;
  /** Addressees with at least one live pending link. */
  addressees: number;
  sent: number;
  /** Already sent earlier the same local day (a second run). */
  alreadySent: number;
  /** Skipped because their address bounced or complained. */
  suppressed: number;
  failed: number;
  /** Set when nothing was done: the zone's 07:00 has not come yet. */
  notYet?: true;
}

const urgencyRank: Record<ActionUrgency, number> = { emergency: 0, high: 1, normal: 2 };

/** Most urgent first, then the longest overdue (earliest due), then the oldest. */
export function byUrgencyThenAge(a: DigestItem, b: DigestItem): number {
  return (
    urgencyRank[a.urgency ?? "normal"] - urgencyRank[b.urgency ?? "normal"] ||
    (a.dueAt ?? a.validUntil).localeCompare(b.dueAt ?? b.validUntil) ||
    a.createdAt.localeCompare(b.createdAt)
  );
}

export async function sendDailyDigest(zone: TimeZoneLabel, at: Date = now()): Promise<DigestRun> {
  const date = localDateIn(at, zone);
  const atIso = at.toISOString();
  const run: DigestRun = {
    zone,
    localDate: date,
    itemsRead: 0,
    addressees: 0,
    sent: 0,
    alreadySent: 0,
    suppressed: 0,
    failed: 0,
  };
  // A scheduler firing early (or a manual run) never sends the day's digest before its time.
  if (localDateIn(nextLocalTime(at, zone, DIGEST_TIME), zone) === date) return { ...run, notYet: true };

  // The index holds keys only, sorted by addressee: each addressee's entries arrive together
  // (across pages), and only theirs are read in full, just before their email.
  let group: PendingEntry[] = [];
  const flush = async () => {
    const entries = group;
    group = [];
    if (entries.length === 0) return;
    const items = (
      await getMany<DigestItem & { status: string }>(entries.map(({ pk, sk }) => ({ pk, sk })))
    ).filter(
      // The index lags a decision by a moment; a link past its deadline no longer works.
      (item) => item.status === "pending" && item.validUntil > atIso,
    );
    if (items.length > 0) await sendOne(items, run, at);
  };
  for await (const page of queryPages<PendingEntry>({
    TableName: tableName(),
    IndexName: "gsi3",
    KeyConditionExpression: "gsi3pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.pendingZonePartition(zone) },
  })) {
    run.itemsRead += page.length;
    for (const entry of page) {
      if (group[0] && addresseeOf(group[0]) === addresseeOf(entry)) group.push(entry);
      else {
        await flush();
        group = [entry];
      }
    }
  }
  await flush();
  logger.info("Daily digest run", { ...run });
  if (run.failed > 0) throw new Error(`Daily digest ${zone} ${date}: ${run.failed} email(s) not sent`);
  return run;
}

/** One entry of the keys-only pending index. */
interface PendingEntry {
  pk: string;
  sk: string;
  gsi3sk: string;
}

const addresseeOf = (entry: PendingEntry) => keys.addresseeOfPending(entry.gsi3sk);

async function sendOne(items: DigestItem[], run: DigestRun, at: Date): Promise<void> {
  const addressee = (items[0] as DigestItem).addressee;
  run.addressees += 1;
  const marker = keys.digestSent(run.zone, run.localDate, addressee.email);
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: marker, ConsistentRead: true }),
  );
  if (Item) {
    run.alreadySent += 1;
    return;
  }
  if (await isSuppressed(addressee.email)) {
    run.suppressed += 1;
    return;
  }
  const sorted = [...items].sort(byUrgencyThenAge);
  try {
    await sendMail({
      to: [addressee.email],
      ...dailyDigestEmail(addressee, sorted, { localDate: run.localDate, at }),
    });
  } catch (error) {
    run.failed += 1;
    logger.warn("Daily digest not sent", { to: maskEmail(addressee.email), error: error as Error });
    return;
  }
  // Written after the send: a crash in between sends this one again, never skips it.
  await db()
    .send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...marker,
          entity: "digest-sent",
          sentAt: at.toISOString(),
          items: items.length,
          [tableSchema.ttl]: Math.floor(at.getTime() / 1000) + KEEP_MARKER_SECONDS,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    )
    .catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
    });
  run.sent += 1;
}
