import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { now } from "../clock";
import { conditionFailed, db } from "../db/client";
import { tableName } from "../resources";
import type { ItemKey } from "./keys";

/**
 * Adds `value` to a list attribute of a record once (a set kept as a list): flags for an officer,
 * outcomes already told. A repeat (a retried task) changes nothing. Returns whether it was added.
 */
export async function addOnce(key: ItemKey, attribute: string, value: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: "SET #list = list_append(if_not_exists(#list, :none), :item)",
        ConditionExpression: "NOT contains(#list, :value)",
        ExpressionAttributeNames: { "#list": attribute },
        ExpressionAttributeValues: { ":none": [], ":item": [value], ":value": value },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/**
 * Does `work` once per `value` (e.g. an email per person and event): the value is claimed in the
 * list before the work and given back if the work fails, so a retried task neither repeats what was
 * done nor loses what failed. Returns whether it did the work now.
 */
export async function doOnce(
  key: ItemKey,
  attribute: string,
  value: string,
  work: () => Promise<unknown>,
): Promise<boolean> {
  if (!(await addOnce(key, attribute, value))) return false;
  try {
    await work();
    return true;
  } catch (error) {
    await giveBack(key, attribute, value);
    throw error;
  }
}

/** Removes a claimed value again (only if it is still where it was found). */
async function giveBack(key: ItemKey, attribute: string, value: string): Promise<void> {
  const { Item } = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: key,
      ProjectionExpression: "#list",
      ExpressionAttributeNames: { "#list": attribute },
      // Read right after the claim: an eventually consistent read could miss it and leave it held.
      ConsistentRead: true,
    }),
  );
  const index = ((Item?.[attribute] as string[] | undefined) ?? []).indexOf(value);
  if (index < 0) return;
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: `REMOVE #list[${index}]`,
        ConditionExpression: `#list[${index}] = :value`,
        ExpressionAttributeNames: { "#list": attribute },
        ExpressionAttributeValues: { ":value": value },
      }),
    )
    .catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
    });
}

/**
 * How long a claimed send may be in progress before another run takes it over: longer than any
 * task runs (the task Lambda's timeout is 60 s), so a claim this old belongs to a process that died.
 */
export const SEND_CLAIM_GRACE_MS = 2 * 60_000;

/** `sent` now; `done` before; `busy`: another run claimed it less than the grace ago — ask again later. */
export type SendOutcome = "sent" | "done" | "busy";

/**
 * Sends a message at least once per `value`, never twice at the same time — for mail that must not
 * be lost (a certificate's verification code reaches the person only there). `doOnce` claims and
 * sends: a process dying in between loses the message for good. Here the claim is a timestamp in
 * the map `<attribute>Claims` (`value` → when), the message is sent, and only then is `value` added
 * to `attribute` (done) and the claim removed. A claim older than `SEND_CLAIM_GRACE_MS` was left by
 * a dead process: the next run takes it over and sends (a death after the send but before the mark
 * sends twice — at least once, never lost). A younger claim answers `busy`: the caller must not
 * count the work done (it throws, so its task is retried until the claim is done or stale).
 */
export async function sendAtLeastOnce(
  key: ItemKey,
  attribute: string,
  value: string,
  send: () => Promise<unknown>,
): Promise<SendOutcome> {
  const claims = `${attribute}Claims`;
  const names = { "#list": attribute, "#claims": claims, "#value": value };
  for (let tries = 0; tries < 3; tries++) {
    const { Item } = await db().send(
      new GetCommand({
        TableName: tableName(),
        Key: key,
        ProjectionExpression: "pk, #list, #claims",
        ExpressionAttributeNames: { "#list": attribute, "#claims": claims },
        ConsistentRead: true,
      }),
    );
    if (!Item || ((Item[attribute] as string[] | undefined) ?? []).includes(value)) return "done";
    const held = Item[claims] as Record<string, string> | undefined;
    const seen = held?.[value];
    const at = now();
    if (seen && at.getTime() - Date.parse(seen) < SEND_CLAIM_GRACE_MS) return "busy";
    const claimedAt = at.toISOString();
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key,
          // The first claim on the item creates the map; later ones set their entry in it.
          UpdateExpression: held ? "SET #claims.#value = :at" : "SET #claims = :claim",
          ConditionExpression: `attribute_exists(pk) AND NOT contains(#list, :value) AND ${
            held
              ? seen
                ? "#claims.#value = :seen"
                : "attribute_not_exists(#claims.#value)"
              : "attribute_not_exists(#claims)"
          }`,
          ExpressionAttributeNames: held ? names : { "#list": attribute, "#claims": claims },
          ExpressionAttributeValues: {
            ":value": value,
            ...(held ? { ":at": claimedAt } : { ":claim": { [value]: claimedAt } }),
            ...(held && seen ? { ":seen": seen } : {}),
          },
        }),
      );
    } catch (error) {
      if (conditionFailed(error)) continue; // another run moved first: look again
      throw error;
    }
    try {
      await send();
    } catch (error) {
      await releaseClaim(key, claims, value, claimedAt);
      throw error;
    }
    await markSent(key, attribute, claims, value);
    return "sent";
  }
  return "busy";
}

/** Sent: `value` joins the done list and its claim goes (a repeat only removes the claim). */
async function markSent(key: ItemKey, attribute: string, claims: string, value: string): Promise<void> {
  const names = { "#list": attribute, "#claims": claims, "#value": value };
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: "SET #list = list_append(if_not_exists(#list, :none), :item) REMOVE #claims.#value",
        ConditionExpression: "NOT contains(#list, :value)",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ":none": [], ":item": [value], ":value": value },
      }),
    );
  } catch (error) {
    if (!conditionFailed(error)) throw error;
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: "REMOVE #claims.#value",
        ExpressionAttributeNames: { "#claims": claims, "#value": value },
      }),
    );
  }
}

/** The send failed: its claim goes (only if still this run's), so a retry sends at once. */
async function releaseClaim(key: ItemKey, claims: string, value: string, claimedAt: string): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: "REMOVE #claims.#value",
        ConditionExpression: "#claims.#value = :at",
        ExpressionAttributeNames: { "#claims": claims, "#value": value },
        ExpressionAttributeValues: { ":at": claimedAt },
      }),
    )
    .catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
    });
}
