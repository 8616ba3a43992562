import { randomBytes } from "node:crypto";
import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { describeSubject } from "../action/known-subjects";
import { type Reassignment, reassignActions } from "../action/reassign";
import { type Action, markMailed } from "../action/repository";
import { nowIso } from "../clock";
import { conditionFailed, db, queryByPrefix } from "../db/client";
import { AppError } from "../error";
import { logger } from "../log";
import { sendMail } from "../mail/send";
import type { Actor } from "../registration/model";
import { tableName } from "../resources";
import { type Approver, type Duty, levelOf, peopleItem, resolveDuty } from "./directory";
import { bumpDirectoryGeneration, forgetCachedDirectory } from "./directory-cache";
import { directoryKeys as keys } from "./keys";
import { removedApproverEmail } from "./messages";

/** One entry of the directory's audit trail (`DIRECTORY#<code>` / `CHANGE#…`). */
export interface DirectoryChange {
  regionCode: string;
  /** Whose list changed (entries written before duties have none: they are approver changes). */
  duty: Duty;
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
 * Replaces the people holding `duty` for a region and answers for it: the change goes into the
 * directory's audit trail with the directory itself (one transaction, refused if someone changed it
 * meanwhile). Then every waiting request there, under that duty, still addressed to someone no
 * longer listed moves to the listed people, and everyone concerned is mailed. The move is computed
 * from what is pending, not from this change's diff, and runs on every change: if it failed after
 * the directory was written, the same request sent again (which removes nobody) finishes it.
 */
export async function changePeople(
  regionCode: string,
  duty: Duty,
  approvers: Approver[],
  actor: Actor,
): Promise<DirectoryChange> {
  const { Item: previous } = await db().send(
    new GetCommand({ TableName: tableName(), Key: keys.people(regionCode, duty), ConsistentRead: true }),
  );
  const before = (previous?.approvers as Approver[] | undefined) ?? [];
  const afterEmails = new Set(approvers.map((a) => a.email));
  const beforeEmails = new Set(before.map((a) => a.email));
  const removed = before.filter((a) => !afterEmails.has(a.email));
  const at = nowIso();
  const change: DirectoryChange = {
    regionCode,
    duty,
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
              Item: peopleItem(regionCode, duty, approvers, actor.email ?? actor.id ?? actor.kind, at),
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
          // Every container's next ask sees the change (directory-cache.ts).
          bumpDirectoryGeneration(),
        ],
      }),
    );
  } catch (error) {
    if (conditionFailed(error)) {
      throw new AppError(
        "conflict",
        "Direktori baru saja diubah",
        "Daftar ini baru saja diubah oleh petugas lain. Muat ulang lalu simpan kembali.",
      );
    }
    throw error;
  }
  // This process resolves the new people from now on (other containers at their next ask).
  forgetCachedDirectory();
  logger.info("Directory changed", {
    regionCode,
    duty,
    removed: change.removed.length,
    added: change.added.length,
  });
  // Only the requests addressed under this duty move (a request that fell back to the approver is
  // the approver's).
  // Emptied (a duty other than approver): its fallback holds the work now, so that is where it moves.
  const level = levelOf(regionCode);
  const holders =
    approvers.length === 0 && duty !== "approver" && level
      ? ((await resolveDuty(regionCode, level, duty))?.people ?? [])
      : approvers;
  const moved = await reassignActions(regionCode, holders, duty);
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
  await notify(regionCode, duty, removed, moved);
  return change;
}

/**
 * New holders get the request as the workflow would have sent it; removed people are told.
 * The change already stands: a failed send is logged, and the next reminder reaches the holders.
 */
async function notify(
  regionCode: string,
  duty: Duty,
  removed: Approver[],
  moved: Reassignment[],
): Promise<void> {
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
      sendMail({ to: [person.email], ...removedApproverEmail(person, regionCode, theirs, duty) }),
    );
  }
}

/** The request as its subject's describer words it (any subject type), marked as moved to them. */
async function mailRequest(action: Action): Promise<void> {
  const subject = await describeSubject(action);
  if (!subject) return;
  await sendMail({
    to: [action.addressee.email],
    ...subject.requestEmail(action, {
      reminders: 0,
      escalated: false,
      approverMissing: false,
      mail: true,
      reassigned: true,
    }),
  });
  // A resumed step mails only links not yet sent: this one was.
  await markMailed(action.id);
}

/** The directory's audit trail for one region (one duty, or all), oldest first. */
export async function listDirectoryChanges(regionCode: string, duty?: Duty): Promise<DirectoryChange[]> {
  const changes = (await queryByPrefix<DirectoryChange>(keys.changePrefix(regionCode))).map((c) => ({
    ...c,
    duty: c.duty ?? "approver",
  }));
  return duty ? changes.filter((c) => c.duty === duty) : changes;
}
