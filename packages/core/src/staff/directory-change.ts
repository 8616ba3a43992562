import { randomBytes } from "node:crypto";
import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Reassignment, reassignActions } from "../action/reassign";
import { type Action, markMailed } from "../action/repository";
import { nowIso } from "../clock";
import { conditionFailed, db, queryByPrefix } from "../db/client";
import { AppError } from "../error";
import { logger } from "../log";
import { sendMail } from "../mail/send";
import { decisionRequestEmail } from "../registration/messages";
import type { Actor } from "../registration/model";
import { getRegistration } from "../registration/repository";
import { tableName } from "../resources";
import type { Approver } from "./directory";
import { directoryKeys as keys } from "./keys";
import { removedApproverEmail } from "./messages";

/** One entry of the directory's audit trail (`DIRECTORY#<code>` / `CHANGE#…`). */
export interface DirectoryChange {
  regionCode: string;
  at: string;
  actor: Actor;
  before: Approver[];
  after: Approver[];
  removed: string[];
  added: string[];
  /** The waiting requests moved to the new approvers (subject and step; never a link's id). */
  moved: Array<{ subjectType: string; subjectId: string; step: string; holders: string }>;
}

/**
 * Replaces a region's approvers and answers for it: the change goes into the directory's audit
 * trail with the directory itself (one transaction, refused if someone changed it meanwhile), then
 * every waiting request there still addressed to someone no longer listed moves to the listed
 * approvers, and everyone concerned is mailed. The move is computed from what is pending, not from
 * this change's diff, and runs on every change: if it failed after the directory was written, the
 * same request sent again (which removes nobody) finishes it.
 */
export async function changeApprovers(
  regionCode: string,
  approvers: Approver[],
  actor: Actor,
): Promise<DirectoryChange> {
  const { Item: previous } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.approvers(regionCode), ConsistentRead: true }),
  );
  const before = (previous?.approvers as Approver[] | undefined) ?? [];
  const afterEmails = new Set(approvers.map((a) => a.email));
  const beforeEmails = new Set(before.map((a) => a.email));
  const removed = before.filter((a) => !afterEmails.has(a.email));
  const at = nowIso();
  const change: DirectoryChange = {
    regionCode,
    at,
    actor,
    before,
    after: approvers,
    removed: removed.map((a) => a.email),
    added: approvers.filter((a) => !beforeEmails.has(a.email)).map((a) => a.email),
    moved: [],
  };
  const changeKey = keys.change(regionCode, at, randomBytes(3).toString("hex"));
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...keys.approvers(regionCode),
                entity: "directory",
                regionCode,
                approvers,
                updatedAt: at,
                updatedBy: actor.email ?? actor.id ?? actor.kind,
              },
              // Two officers editing at once: the second must not remove people it never saw.
              ...(previous
                ? {
                    ConditionExpression: "updatedAt = :seen",
                    ExpressionAttributeValues: { ":seen": previous.updatedAt },
                  }
                : { ConditionExpression: "attribute_not_exists(pk)" }),
            },
          },
          { Put: { TableName: tableName(), Item: { ...changeKey, entity: "directory-change", ...change } } },
        ],
      }),
    );
  } catch (error) {
    if (conditionFailed(error)) {
      throw new AppError(
        "conflict",
        "Direktori baru saja diubah",
        "Daftar penyetuju ini baru saja diubah oleh petugas lain. Muat ulang lalu simpan kembali.",
      );
    }
    throw error;
  }
  logger.info("Approver directory changed", {
    regionCode,
    removed: change.removed.length,
    added: change.added.length,
  });
  const moved = await reassignActions(regionCode, approvers);
  change.moved = moved.map(({ subjectType, subjectId, step, holders }) => ({
    subjectType,
    subjectId,
    step,
    holders,
  }));
  if (moved.length > 0) {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: changeKey,
        UpdateExpression: "SET moved = :moved",
        ExpressionAttributeValues: { ":moved": change.moved },
      }),
    );
  }
  await notify(regionCode, removed, moved);
  return change;
}

/**
 * New holders get the request as the workflow would have sent it; removed people are told.
 * The change already stands: a failed send is logged, and the next reminder reaches the holders.
 */
async function notify(regionCode: string, removed: Approver[], moved: Reassignment[]): Promise<void> {
  const attempt = async (what: string, send: () => Promise<unknown>) => {
    await send().catch((error: unknown) =>
      logger.error("Directory change mail not sent", { what, regionCode, error: error as Error }),
    );
  };
  for (const reassignment of moved) {
    for (const action of reassignment.created) {
      await attempt("reassigned-request", () => mailRequest(action));
    }
  }
  for (const person of removed) {
    const theirs = moved.filter((m) => m.closed.some((a) => a.addressee.email === person.email));
    await attempt("approver-removed", () =>
      sendMail({ to: [person.email], ...removedApproverEmail(person, regionCode, theirs) }),
    );
  }
}

async function mailRequest(action: Action): Promise<void> {
  if (action.subjectType !== "registration") {
    logger.warn("No request email for this subject type", { subjectType: action.subjectType });
    return;
  }
  const registration = await getRegistration(action.subjectId);
  if (!registration) return;
  await sendMail({
    to: [action.addressee.email],
    ...decisionRequestEmail(registration, action, {
      reminders: 0,
      escalated: false,
      approverMissing: false,
      reassigned: true,
    }),
  });
  // A resumed step mails only links not yet sent: this one was.
  await markMailed(action.id);
}

/** The directory's audit trail for one region, oldest first. */
export function listDirectoryChanges(regionCode: string): Promise<DirectoryChange[]> {
  return queryByPrefix<DirectoryChange>(keys.changePrefix(regionCode));
}
