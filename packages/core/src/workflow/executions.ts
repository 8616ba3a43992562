import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { now, nowIso } from "../clock";
import { forEachConcurrently } from "../concurrency";
import { conditionFailed, db, queryPages } from "../db/client";
import { logger } from "../log";
import type { ItemKey } from "../record/keys";
import { addOnce } from "../record/once";
import { stateMachineArn, tableName, workflowArns } from "../resources";
import { sfn } from "./client";
import { executionKeys } from "./keys";

/**
 * The shared executions module: one execution per item and attempt (`<prefix>-<id>-<attempt>`,
 * so a retried start is a no-op), "start pending" marked in the transaction that saves the item
 * and cleared once its execution runs, and a reconciler per workflow that reads only the marked
 * items (a sparse index: O(exceptions), never O(open items)). Executions that end while their item
 * is still open (failed, timed out, aborted, or parked before Step Functions' one-year limit) are
 * learnt of from Step Functions' status-change events, which mark the item again with the next
 * attempt. An item records its attempt in `workflowAttempt` (absent: 1).
 *
 * Restarts are capped: an item whose executions failed (failed, timed out or aborted)
 * `MAX_FAILED_ATTEMPTS` times in a row — a parked execution ends the row — is not restarted again:
 * the failure is logged as an error naming the workflow and the item id, and the item gets the
 * `workflow-gave-up` flag for staff. Parking is no failure, so a long case is never given up on.
 */

/** What an item of a reconciled workflow carries. */
export interface WorkflowItem {
  id: string;
  workflowAttempt?: number;
  /** Executions of this item that failed in a row (since the last parked one); absent: 0. */
  workflowFailures?: number;
}

export const attemptOf = (item: WorkflowItem) => item.workflowAttempt ?? 1;

/** Failed executions in a row after which an item is no longer restarted (every 15 minutes, forever). */
export const MAX_FAILED_ATTEMPTS = 10;
/** The flag an item gets when its workflow gave up on it: staff must look at it. */
export const GAVE_UP_FLAG = "workflow-gave-up";

/**
 * The failures in a row once an execution ended with `status`: a failure adds one, a success (its
 * `Parked` state, the item still open) starts the row again; an execution gone without a status
 * (a local engine restarted) changes nothing.
 */
function failuresAfter(item: WorkflowItem, status: string | undefined): number {
  const before = item.workflowFailures ?? 0;
  if (status === "SUCCEEDED") return 0;
  return status === "FAILED" || status === "TIMED_OUT" || status === "ABORTED" ? before + 1 : before;
}

/**
 * The `parkAfter` of an execution starting now: past it, the execution ends in `Parked` at its next
 * boundary and the reconciler starts the next attempt, so none nears Step Functions' one-year limit.
 */
export function lifetimeEnd(lifetimeSeconds: number): string {
  return new Date(now().getTime() + lifetimeSeconds * 1000).toISOString();
}

export function executionName(prefix: string, id: string, attempt: number): string {
  return `${prefix}-${id}-${attempt}`;
}

function executionArn(workflow: string, name: string): string {
  return stateMachineArn(workflow).replace(":stateMachine:", ":execution:").concat(`:${name}`);
}

/** The marker's attributes, for the Put that saves a new item (same transaction, same item). */
export function startPending(workflow: string, itemId: string): { gsi3pk: string; gsi3sk: string } {
  return executionKeys.startPending(workflow, itemId, nowIso());
}

/**
 * Marks any item (the workflow's own, or one beside it, e.g. an approval request whose decision
 * Step Functions could not take) so the workflow's next reconciliation looks at `itemId`.
 */
export async function markForReconciliation(key: ItemKey, workflow: string, itemId: string): Promise<void> {
  const marker = startPending(workflow, itemId);
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: "SET gsi3pk = :pk, gsi3sk = :sk",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":pk": marker.gsi3pk, ":sk": marker.gsi3sk },
    }),
  );
}

/** Removes a mark set beside a workflow's item once what it guarded is done (a decision delivered). */
export async function clearReconciliationMark(key: ItemKey): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: `REMOVE ${executionKeys.attributes.join(", ")}`,
    }),
  );
}

/**
 * The execution's first task: clears the start marker the API left (see
 * `Reconciler.startLeavingMarker`) and, when given, claims `claim` — an attribute set once, e.g.
 * `acknowledgedAt` — in one write, returning the item as it now stands. Only while the item is at
 * `attempt` (and the claim is not made yet): undefined when the item is gone, a later attempt took
 * over, or the claim was made before (a retried or re-run task: nothing is written then). A marker
 * left in those cases is the reconciler's to clear.
 */
export async function clearStartMarker<T>(
  key: ItemKey,
  attempt: number,
  claim?: string,
): Promise<T | undefined> {
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: `${claim ? "SET #claim = :at " : ""}REMOVE ${executionKeys.attributes.join(", ")}`,
        ConditionExpression: `attribute_exists(pk) AND ${claim ? "attribute_not_exists(#claim) AND " : ""}${attemptCondition(attempt)}`,
        ...(claim ? { ExpressionAttributeNames: { "#claim": claim } } : {}),
        ExpressionAttributeValues: { ":attempt": attempt, ...(claim ? { ":at": nowIso() } : {}) },
        ReturnValues: "ALL_NEW",
      }),
    );
    return Attributes as T | undefined;
  } catch (error) {
    if (conditionFailed(error)) return undefined;
    throw error;
  }
}

/** The condition that the item is still at `attempt` (an item never restarted carries no attempt). */
function attemptCondition(attempt: number): string {
  return attempt === 1
    ? "(attribute_not_exists(workflowAttempt) OR workflowAttempt = :attempt)"
    : "workflowAttempt = :attempt";
}

export type Reconciled = "running" | "started" | "restarted" | "closed";
export type ReconcileCounts = Record<Reconciled | "failed", number>;

export interface ReconcilerDefinition<T extends WorkflowItem> {
  /** The workflow's name (its state machine, `Resource.Workflows[workflow]`). */
  workflow: string;
  /** Execution names are `<executionPrefix>-<id>-<attempt>`. */
  executionPrefix: string;
  /** The item's key, from its domain's keys module. */
  key(id: string): ItemKey;
  load(id: string): Promise<T | undefined>;
  /** Still in the workflow: an execution should be carrying it. */
  isOpen(item: T): boolean;
  /** The execution input that starts or resumes the item where it stands (a restart: attempt > 1). */
  input(item: T, attempt: number): Promise<Record<string, unknown>>;
  /** Its execution is running after all: hand over what it may have missed (a stored decision). */
  whileRunning?(item: T): Promise<void>;
  /** Every open item, page by page: only after the local engine lost all its executions. */
  openItems?(): AsyncGenerator<T[]>;
}

export interface Reconciler<T extends WorkflowItem> {
  readonly workflow: string;
  executionName(item: T): string;
  /** Starts the item's current attempt with `input` and clears its marker. */
  start(item: T, input: Record<string, unknown>): Promise<string>;
  /**
   * Starts the item's current attempt and leaves its marker for the execution's first task to clear
   * with its own read (`clearStartMarker`): one write less on the submission's path. Use only when
   * that first task always runs on this start; should it never run, the execution's end (or its
   * absence) brings the reconciler, which finds it running or restarts it, as for any marked item.
   */
  startLeavingMarker(item: T, input: Record<string, unknown>): Promise<string>;
  /**
   * The item was changed in a way its running execution cannot follow (a Wait cannot be moved):
   * the caller already bumped `workflowAttempt` and marked it (one conditional update); this stops
   * the previous attempt's execution and starts the current one. The stopped execution is of an
   * older attempt, so its ABORTED event is no failure of the item (`executionEnded` ignores it).
   */
  supersede(item: T, input: Record<string, unknown>): Promise<string>;
  /** Stops the item's current execution, if it runs: the item was closed from outside the workflow. */
  stop(item: T, cause: string): Promise<void>;
  /** Makes sure one item has a running execution (or learns it needs none). */
  /** `marked`: the item was found by its own start-pending marker (default: the loaded item shows one). */
  reconcileItem(item: T, options?: { marked?: boolean }): Promise<Reconciled>;
  /** Scheduled job: every marked item of the workflow gets its execution. Reads only the markers. */
  reconcile(options?: { signal?: AbortSignal }): Promise<ReconcileCounts>;
  /** Every open item gets its execution back: local start-up, whose engine kept none. */
  recoverAll(options?: { signal?: AbortSignal }): Promise<ReconcileCounts>;
  /** A Step Functions status-change event of this workflow; returns whether the item was marked. */
  executionEnded(detail: ExecutionStatusChange["detail"]): Promise<boolean>;
}

/** How many items are reconciled at once: enough to hide latency, few enough to share. */
const RECONCILE_CONCURRENCY = 12;

const reconcilers = new Map<string, Reconciler<WorkflowItem>>();

/** The reconciler of a workflow, registered by `defineReconciler` when its module loads. */
export function reconcilerOf(workflow: string): Reconciler<WorkflowItem> | undefined {
  return reconcilers.get(workflow);
}

/** Defines (and registers) the reconciler of one workflow. */
export function defineReconciler<T extends WorkflowItem>(definition: ReconcilerDefinition<T>): Reconciler<T> {
  const { workflow, executionPrefix } = definition;
  const nameOf = (item: T, attempt = attemptOf(item)) => executionName(executionPrefix, item.id, attempt);

  async function startExecution(item: T, input: Record<string, unknown>): Promise<string> {
    const name = nameOf(item);
    const { executionArn: arn } = await sfn().send(
      new StartExecutionCommand({
        stateMachineArn: stateMachineArn(workflow),
        name,
        input: JSON.stringify(input),
      }),
    );
    return arn ?? name;
  }

  /** Stops an execution that may have ended already (or never started: a crash before its start). */
  async function stopExecution(name: string, cause: string): Promise<void> {
    try {
      await sfn().send(
        new StopExecutionCommand({ executionArn: executionArn(workflow, name), error: "Superseded", cause }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
    }
  }

  /** Clears the item's own marker, unless a later attempt marked it again meanwhile. */
  async function clearOwnMarker(item: T): Promise<void> {
    const attempt = attemptOf(item);
    await db()
      .send(
        new UpdateCommand({
          TableName: tableName(),
          Key: definition.key(item.id),
          UpdateExpression: `REMOVE ${executionKeys.attributes.join(", ")}`,
          ConditionExpression: `attribute_exists(gsi3pk) AND ${attemptCondition(attempt)}`,
          ExpressionAttributeValues: { ":attempt": attempt },
        }),
      )
      .catch((error: unknown) => {
        if (!conditionFailed(error)) throw error;
      });
  }

  /**
   * The next attempt, marked for the reconciler, counting the failures in a row (`failures`, a
   * parked end resets it); false when another attempt already took over (the condition on the
   * attempt also makes the count exact when an event and a reconciliation race).
   */
  async function markNextAttempt(item: T, attempt: number, failures: number): Promise<boolean> {
    const marker = startPending(workflow, item.id);
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: definition.key(item.id),
          UpdateExpression:
            "SET workflowAttempt = :next, workflowFailures = :failures, gsi3pk = :pk, gsi3sk = :sk",
          ConditionExpression: `attribute_exists(pk) AND ${attemptCondition(attempt)}`,
          ExpressionAttributeValues: {
            ":next": attempt + 1,
            ":attempt": attempt,
            ":failures": failures,
            ":pk": marker.gsi3pk,
            ":sk": marker.gsi3sk,
          },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  /**
   * An execution of the item's current attempt ended with the item open: the next attempt is
   * marked, or — the failures in a row reached the cap — the item is given up on: an error log
   * (workflow and id only, never personal data) and the `workflow-gave-up` flag, once. Returns
   * "marked", "taken" (another attempt took over first) or "gave-up".
   */
  async function restartOrGiveUp(
    item: T,
    attempt: number,
    status: string | undefined,
  ): Promise<"marked" | "taken" | "gave-up"> {
    const failures = failuresAfter(item, status);
    if (failures < MAX_FAILED_ATTEMPTS) {
      return (await markNextAttempt(item, attempt, failures)) ? "marked" : "taken";
    }
    if (await addOnce(definition.key(item.id), "flags", GAVE_UP_FLAG)) {
      logger.error("Workflow gave up on an item: its executions keep failing", {
        workflow,
        itemId: item.id,
        attempt,
        failures,
        status,
      });
    }
    return "gave-up";
  }

  async function reconcileItem(item: T, options: { marked?: boolean } = {}): Promise<Reconciled> {
    if (!definition.isOpen(item)) {
      await clearOwnMarker(item);
      return "closed";
    }
    const attempt = attemptOf(item);
    // Found by its own marker, or (as loaded) showing one; an unmarked item (recovering every open
    // item) needs no clearing. A domain's loader may drop the index attributes, so the marker found
    // in the index counts too.
    const marked = options.marked || (item as { gsi3pk?: string }).gsi3pk !== undefined;
    try {
      await startExecution(item, await definition.input(item, attempt));
      if (marked) await clearOwnMarker(item);
      return attempt > 1 ? "restarted" : "started";
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
    // This attempt was started before (a crash before its marker was cleared, or marked from
    // beside it): one look at that execution decides.
    let status: string | undefined;
    try {
      status = (
        await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(workflow, nameOf(item)) }))
      ).status;
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist)) throw error;
    }
    if (status === "RUNNING") {
      await definition.whileRunning?.(item);
      if (marked) await clearOwnMarker(item);
      return "running";
    }
    // It ended while the item is still open (its event not yet handled): a new attempt, now —
    // unless its failures reached the cap: then no execution carries it any more.
    const ended = await restartOrGiveUp(item, attempt, status);
    if (ended === "taken") return "running";
    if (ended === "gave-up") {
      if (marked) await clearOwnMarker(item);
      return "closed";
    }
    const next = { ...item, workflowAttempt: attempt + 1 };
    await startExecution(next, await definition.input(next, attempt + 1));
    await clearOwnMarker(next);
    return "restarted";
  }

  async function reconcilePages(
    pages: AsyncGenerator<ReconcileEntry<T>[]>,
    options: { signal?: AbortSignal },
    what: string,
  ): Promise<ReconcileCounts> {
    const counts: ReconcileCounts = { running: 0, started: 0, restarted: 0, closed: 0, failed: 0 };
    // An item marked twice (its own mark, and one beside it on a stored decision) is reconciled once.
    const seen = new Set<string>();
    for await (const page of pages) {
      if (options.signal?.aborted) break;
      await forEachConcurrently(page, RECONCILE_CONCURRENCY, async ({ item, marker }) => {
        if (options.signal?.aborted) return;
        const again = item !== undefined && seen.has(item.id);
        if (item) seen.add(item.id);
        try {
          const ownMarker =
            marker !== undefined && item !== undefined && sameKey(marker, definition.key(item.id));
          if (!again) counts[item ? await reconcileItem(item, { marked: ownMarker }) : "closed"] += 1;
          // The item's own marker is cleared with its start; one beside it (or of an item gone) here.
          if (marker && (!item || !sameKey(marker, definition.key(item.id)))) await clearMarker(marker);
        } catch (error) {
          // Another reconciler (start-up and the scheduler can overlap) started or bumped it first.
          if (error instanceof ExecutionAlreadyExists || conditionFailed(error)) {
            counts.running += 1;
            return;
          }
          counts.failed += 1;
          logger.error("Reconciliation failed", { workflow, itemId: item?.id, error: error as Error });
        }
      });
    }
    if (counts.started + counts.restarted + counts.failed > 0) logger.info(what, { workflow, ...counts });
    return counts;
  }

  async function* openPages(open: AsyncGenerator<T[]>): AsyncGenerator<ReconcileEntry<T>[]> {
    for await (const items of open) yield items.map((item) => ({ item }));
  }

  async function* markedPages(): AsyncGenerator<ReconcileEntry<T>[]> {
    const pages = queryPages<Marker>({
      TableName: tableName(),
      IndexName: "gsi3",
      KeyConditionExpression: "gsi3pk = :pk",
      ExpressionAttributeValues: { ":pk": executionKeys.startPendingPartition(workflow) },
      Limit: 100,
    });
    for await (const markers of pages) {
      yield await Promise.all(
        markers.map(async (marker) => ({
          item: await definition.load(executionKeys.itemIdOf(marker.gsi3sk)),
          marker,
        })),
      );
    }
  }

  const reconciler: Reconciler<T> = {
    workflow,
    executionName: (item) => nameOf(item),
    async start(item, input) {
      const arn = await startExecution(item, input);
      await clearOwnMarker(item);
      return arn;
    },
    startLeavingMarker: startExecution,
    async supersede(item, input) {
      const attempt = attemptOf(item);
      if (attempt > 1) await stopExecution(nameOf(item, attempt - 1), "Superseded by the next attempt");
      const arn = await startExecution(item, input);
      await clearOwnMarker(item);
      return arn;
    },
    stop: (item, cause) => stopExecution(nameOf(item), cause),
    reconcileItem,
    reconcile: (options = {}) => reconcilePages(markedPages(), options, "Workflow items reconciled"),
    async recoverAll(options = {}) {
      if (!definition.openItems) return { running: 0, started: 0, restarted: 0, closed: 0, failed: 0 };
      return reconcilePages(openPages(definition.openItems()), options, "Workflow items recovered");
    },
    async executionEnded(detail) {
      if (detail.status === "RUNNING") return false;
      const parsed = parseExecutionName(executionPrefix, detail.name);
      if (!parsed) return false;
      const item = await definition.load(parsed.id);
      // Done (the workflow's last step closed it), or an older attempt than the item's.
      if (!item || !definition.isOpen(item) || attemptOf(item) !== parsed.attempt) return false;
      const marked = (await restartOrGiveUp(item, parsed.attempt, detail.status)) === "marked";
      if (marked) {
        logger.warn("Workflow execution ended with its item open; marked for restart", {
          workflow,
          execution: detail.name,
          status: detail.status,
          ...(detail.error ? { executionError: detail.error } : {}),
        });
      }
      return marked;
    },
  };
  reconcilers.set(workflow, reconciler);
  return reconciler;
}

/** A marker as the keys-only index returns it. */
type Marker = ItemKey & { gsi3sk: string };
/** One item to reconcile, and the marker that named it (none when recovering every open item). */
interface ReconcileEntry<T> {
  item: T | undefined;
  marker?: Marker;
}

const sameKey = (a: ItemKey, b: ItemKey) => a.pk === b.pk && a.sk === b.sk;

/** Removes a marker that was looked at, unless it was set again since. */
async function clearMarker(marker: Marker): Promise<void> {
  await db()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: marker.pk, sk: marker.sk },
        UpdateExpression: `REMOVE ${executionKeys.attributes.join(", ")}`,
        ConditionExpression: "gsi3sk = :sk",
        ExpressionAttributeValues: { ":sk": marker.gsi3sk },
      }),
    )
    .catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
    });
}

function parseExecutionName(prefix: string, name: string): { id: string; attempt: number } | undefined {
  if (!name.startsWith(`${prefix}-`)) return undefined;
  const rest = name.slice(prefix.length + 1);
  const dash = rest.lastIndexOf("-");
  const attempt = Number(rest.slice(dash + 1));
  if (dash <= 0 || !Number.isInteger(attempt) || attempt < 1) return undefined;
  return { id: rest.slice(0, dash), attempt };
}

/**
 * The EventBridge event Step Functions sends when an execution changes status (source
 * `aws.states`). The local engine emits the same shape to the same handler.
 */
export interface ExecutionStatusChange {
  version: string;
  id: string;
  "detail-type": "Step Functions Execution Status Change";
  source: "aws.states";
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";
    /** Epoch milliseconds. */
    startDate: number;
    stopDate: number | null;
    input: string | null;
    output: string | null;
    error?: string | null;
    cause?: string | null;
  };
}

/** The statuses the infra rule forwards: an execution that ended. */
export const ENDED_STATUSES = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"] as const;

/**
 * Handles one status-change event: an execution of a reconciled workflow that ended while its item
 * is still open (failed, timed out, aborted, or succeeded in its `Parked` state) marks the item for
 * restart with the next attempt. Events of other workflows, of older attempts, and repeats (EventBridge
 * delivers at least once) change nothing.
 */
export async function handleExecutionStatusChange(event: ExecutionStatusChange): Promise<boolean> {
  const workflow = Object.entries(workflowArns()).find(
    ([, arn]) => arn === event.detail.stateMachineArn,
  )?.[0];
  const reconciler = workflow ? reconcilerOf(workflow) : undefined;
  if (!reconciler) return false;
  return reconciler.executionEnded(event.detail);
}
