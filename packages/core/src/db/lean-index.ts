import { getMany } from "./client";

type TableKey = { pk: string; sk: string };

/**
 * The whole items behind lean index entries (keys and a few attributes: db/schema.ts), in the
 * index's order: one strongly consistent BatchGetItem per 100 entries, so they are also fresher
 * than the index (which lags a write of a moment ago). An entry whose item is gone is left out.
 */
export async function itemsOf<T>(entries: ReadonlyArray<Partial<TableKey>>): Promise<T[]> {
  const keys = entries.map(({ pk, sk }) => ({ pk: String(pk), sk: String(sk) }));
  const found = new Map(
    (await getMany<TableKey & Record<string, unknown>>(keys)).map((item) => [`${item.pk}\n${item.sk}`, item]),
  );
  return keys.flatMap(({ pk, sk }) => {
    const item = found.get(`${pk}\n${sk}`);
    return item ? [item as T] : [];
  });
}
