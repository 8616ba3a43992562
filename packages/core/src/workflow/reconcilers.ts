import { offerReconciler, sessionReconciler } from "../bimtek/workflow";
import { caseReconciler } from "../case/workflow";
import { recruitmentReconciler } from "../registration/workflow";
import {
  type ExecutionStatusChange,
  handleExecutionStatusChange,
  type ReconcileCounts,
  type Reconciler,
  type WorkflowItem,
} from "./executions";

/**
 * Every workflow's reconciler (each defined with `defineReconciler` beside its workflow). A new
 * workflow adds its reconciler here, and the scheduled job, local start-up and status-change
 * events cover it.
 */
export const reconcilers: ReadonlyArray<Reconciler<WorkflowItem>> = [
  recruitmentReconciler,
  caseReconciler,
  sessionReconciler,
  offerReconciler,
];

async function eachWorkflow(
  run: (reconciler: Reconciler<WorkflowItem>) => Promise<ReconcileCounts>,
): Promise<Record<string, ReconcileCounts>> {
  const counts: Record<string, ReconcileCounts> = {};
  for (const reconciler of reconcilers) counts[reconciler.workflow] = await run(reconciler);
  return counts;
}

/** Scheduled job: every workflow's marked items (and only those) get their execution. */
export function reconcileWorkflows(options: { signal?: AbortSignal } = {}) {
  return eachWorkflow((reconciler) => reconciler.reconcile(options));
}

/** Local start-up: the engine kept no execution, so every open item of every workflow is resumed. */
export function recoverWorkflows(options: { signal?: AbortSignal } = {}) {
  return eachWorkflow((reconciler) =>
    options.signal?.aborted
      ? Promise.resolve({ running: 0, started: 0, restarted: 0, closed: 0, failed: 0 })
      : reconciler.recoverAll(options),
  );
}

/** A Step Functions status-change event (EventBridge on AWS, the local engine in-process). */
export function handleWorkflowEvent(event: ExecutionStatusChange): Promise<boolean> {
  return handleExecutionStatusChange(event);
}
