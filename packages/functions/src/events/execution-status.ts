import { logger } from "@sigap/core/log";
import type { ExecutionStatusChange } from "@sigap/core/workflow/executions";
import { handleWorkflowEvent } from "@sigap/core/workflow/reconcilers";

/**
 * Step Functions "Execution Status Change" events (infra/workflow-events.ts routes the ended ones
 * here; the local engine calls this in-process): an execution that ended while its item is still
 * open marks the item for restart, which the next reconciliation does. A failure throws, so
 * EventBridge retries the delivery.
 */
export async function handler(event: ExecutionStatusChange): Promise<void> {
  const marked = await handleWorkflowEvent(event);
  logger.info("Execution status change", {
    execution: event.detail.name,
    status: event.detail.status,
    markedForRestart: marked,
  });
}
