/** A DynamoDB item's primary key. Each domain's keys module builds them; these modules only use them. */
export interface ItemKey {
  pk: string;
  sk: string;
}

/**
 * Where one record keeps its audit trail and its access trail, as its domain's keys module lays them
 * out (`registrationKeys.trail(id)`). `entity` names the trail's items: `<entity>-event`, `<entity>-access`.
 */
export interface RecordTrail {
  entity: string;
  /** Sorted by time; the random suffix keeps two events of one millisecond apart. */
  event(at: string, suffix: string): ItemKey;
  access(at: string, suffix: string): ItemKey;
  events: { pk: string; skPrefix: string };
}
