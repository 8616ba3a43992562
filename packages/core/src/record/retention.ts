import { nowIso } from "../clock";
import { queryPages } from "../db/client";
import { logger } from "../log";
import { tableName } from "../resources";
import { erasableTypes } from "./erasable-types";
import { RETENTION_REASON } from "./erasure";
import { retentionKeys } from "./retention-keys";

/**
 * Retention (UU PDP 27/2022): each record type keeps personal data for a policy period after its end
 * state (config/durations.ts `defaultRetention`: a rejected registration, a closed case), then this
 * job erases it — keeping ids, status, dates, region and counts for statistics — and the erasure is
 * recorded in the record's audit trail. The same erasure runs at once on an officer's request
 * (privacy.ts).
 */

/** At most this many erasures per run (a few DynamoDB calls each), well inside a Lambda's time; the rest wait for the next run. */
const MAX_ERASURES_PER_RUN = 500;

/**
 * The retention job: reads only the due entries of the sparse erase-due index (O(due), never a
 * scan) and erases each record through its type's Erasable. The index is eventually consistent,
 * so an entry may name a record erased a moment ago: erasing is idempotent.
 */
export async function eraseDuePersonalData(
  limit = MAX_ERASURES_PER_RUN,
): Promise<{ erased: number; skipped: number; unknownType: number }> {
  const result = { erased: 0, skipped: 0, unknownType: 0 };
  let seen = 0;
  // The sort key starts with the due time: everything before "now" is due.
  const pages = queryPages<{ gsi4sk: string }>({
    TableName: tableName(),
    IndexName: "gsi4",
    KeyConditionExpression: "gsi4pk = :pk AND gsi4sk < :now",
    ExpressionAttributeValues: { ":pk": retentionKeys.eraseDuePartition, ":now": nowIso() },
    Limit: Math.min(limit, 100),
  });
  for await (const page of pages) {
    for (const entry of page) {
      if (seen++ >= limit) break;
      const due = retentionKeys.parseEraseDue(entry.gsi4sk);
      const erasable = due && erasableTypes.find((type) => type.recordType === due.recordType);
      if (!due || !erasable) {
        // A type whose module is not registered: left in place for the release that knows it.
        result.unknownType++;
        continue;
      }
      const erased = await erasable.erase(due.id, {
        basis: "retention",
        actor: { kind: "system" },
        reason: RETENTION_REASON,
      });
      if (erased) result.erased++;
      else result.skipped++;
    }
    if (seen >= limit) break;
  }
  if (result.erased + result.skipped + result.unknownType > 0) logger.info("retention erasures", result);
  return result;
}
