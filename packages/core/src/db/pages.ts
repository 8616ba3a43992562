import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { AppError } from "../error";
import { decrypt, encrypt } from "../identity/protect";
import { db } from "./client";

/**
 * Cursor pagination for lists (staff work lists of cases and registrations). The cursor is opaque
 * and sealed (AES-GCM, identity/protect.ts): a client cannot read or forge the position it holds,
 * and a cursor only continues the list it came from (same filters), so a tampered or foreign one is
 * a 400, never a DynamoDB error.
 */
export interface PageRequest {
  /** Items per page (the caller bounds it). */
  limit: number;
  cursor?: string;
  /** What the list is (entity, region, filters): a cursor of another list is refused. */
  binding: string;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. A page may hold fewer than `limit` items and still have a next one. */
  nextCursor?: string;
}

interface Position {
  /** The list this cursor continues. */
  b: string;
  /** Which of the queries (e.g. which province for an admin) it is in. */
  q: number;
  /** Where in that query to go on; absent: at its start. */
  k?: Record<string, string>;
}

/**
 * How many reads one page may cost beyond one per query (an admin's list looks into every
 * province): a very selective filter answers a short page and a cursor rather than reading on.
 */
const EXTRA_READS_PER_PAGE = 10;
/** Read at least this many per call, so a selective filter does not cost one call per item. */
const MIN_READ = 25;

const badCursor = () =>
  new AppError("bad-request", "Kursor tidak valid", "Mulai lagi dari halaman pertama (tanpa cursor).");

function openCursor(cursor: string, binding: string): Position {
  let position: Position;
  try {
    position = JSON.parse(decrypt(cursor)) as Position;
  } catch {
    throw badCursor();
  }
  if (position.b !== binding || !Number.isInteger(position.q) || position.q < 0) throw badCursor();
  return position;
}

const sealCursor = (position: Position) => encrypt(JSON.stringify(position));

/**
 * One page of the items the `queries` return, in order (the first query's, then the next's).
 * `keyAttributes` name the table and index key attributes, from which a position inside a page is
 * rebuilt when more items matched than the page takes.
 */
export async function queryPage<T extends Record<string, unknown>>(
  queries: Array<Omit<QueryCommandInput, "ExclusiveStartKey" | "Limit">>,
  keyAttributes: readonly string[],
  request: PageRequest,
): Promise<Page<T>> {
  const start: Position = request.cursor
    ? openCursor(request.cursor, request.binding)
    : { b: request.binding, q: 0 };
  if (start.q > queries.length) throw badCursor();
  const items: T[] = [];
  let queryIndex = start.q;
  let startKey = start.k;
  for (let reads = 0; queryIndex < queries.length; reads++) {
    if (reads === queries.length + EXTRA_READS_PER_PAGE)
      return { items, nextCursor: sealCursor({ b: request.binding, q: queryIndex, k: startKey }) };
    const remaining = request.limit - items.length;
    const query = queries[queryIndex];
    if (!query) break;
    const page = await db().send(
      new QueryCommand({
        ...query,
        Limit: Math.max(remaining, MIN_READ),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    const found = (page.Items ?? []) as T[];
    if (found.length >= remaining) {
      const taken = found.slice(0, remaining);
      items.push(...taken);
      const last = taken[taken.length - 1];
      // Exactly filled by a page that ended there: go on from DynamoDB's own position.
      const more =
        found.length > remaining || page.LastEvaluatedKey !== undefined || queryIndex + 1 < queries.length;
      if (!more) return { items };
      const key =
        found.length > remaining || !page.LastEvaluatedKey
          ? last && Object.fromEntries(keyAttributes.map((name) => [name, String(last[name])]))
          : (page.LastEvaluatedKey as Record<string, string>);
      return { items, nextCursor: sealCursor({ b: request.binding, q: queryIndex, k: key }) };
    }
    items.push(...found);
    if (page.LastEvaluatedKey) {
      startKey = page.LastEvaluatedKey as Record<string, string>;
    } else {
      queryIndex += 1;
      startKey = undefined;
    }
  }
  return { items };
}
