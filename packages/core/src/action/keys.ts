import type { TimeZoneLabel } from "../time";

/**
 * The shape of an action id, the secret in each email link: 24 random bytes in base64url (32
 * characters; a little slack either side). A value of another shape is never read from the table.
 */
export const ACTION_ID_PATTERN = /^[A-Za-z0-9_-]{20,64}$/;

/** Every DynamoDB key of email actions. */
export const actionKeys = {
  action: (id: string) => ({ pk: `ACTION#${id}`, sk: "ACTION" }),
  /** Which action is current for one step of one item (so a reminder can supersede it). */
  current: (subjectType: string, subjectId: string, step: string) => ({
    pk: `SUBJECT#${subjectType}#${subjectId}`,
    sk: `CURRENT-ACTION#${step}`,
  }),
  /**
   * gsi1: every action addressed at one approver region (a village, kabupaten or province code),
   * oldest first; read with a status filter, so a directory change finds the pending ones.
   */
  byApproverRegion: (regionCode: string, createdAt: string, id: string) => ({
    gsi1pk: actionKeys.regionPartition(regionCode),
    gsi1sk: `${createdAt}#${id}`,
  }),
  regionPartition: (regionCode: string) => `ACTION#REGION#${regionCode}`,
  /**
   * gsi3 (sparse): an action is listed here only while it is pending — every path that takes it
   * out of `pending` removes these keys — by the time zone of its approver region, then addressee,
   * oldest first, so one zone's daily digest reads only that zone's pending links, one addressee
   * after another.
   */
  pendingByZone: (zone: TimeZoneLabel, email: string, createdAt: string, id: string) => ({
    gsi3pk: actionKeys.pendingZonePartition(zone),
    gsi3sk: `${email.toLowerCase()}#${createdAt}#${id}`,
  }),
  pendingZonePartition: (zone: TimeZoneLabel) => `ACTION#PENDING#${zone}`,
  /** The addressee part of a `pendingByZone` sort key (the address may itself hold a `#`). */
  addresseeOfPending: (gsi3sk: string) => gsi3sk.split("#").slice(0, -2).join("#"),
  /** The daily digest went to this addressee for this zone's local date ("once" marker). */
  digestSent: (zone: TimeZoneLabel, localDate: string, email: string) => ({
    pk: `DIGEST#${zone}#${localDate}`,
    sk: `SENT#${email.toLowerCase()}`,
  }),
};

/** The update clause that takes an action out of the pending index (see `actionKeys.pendingByZone`). */
export const LEAVE_PENDING_INDEX = "REMOVE gsi3pk, gsi3sk";
