/**
 * Every DynamoDB key of workflow executions. The "start pending" marker is a pair of attributes
 * (gsi3, a sparse, keys-only index) set on an item whose workflow is to be started or restarted —
 * a record saved but not yet started, an execution that failed or parked — and removed once it
 * runs: the index holds only the exceptions, never the open items that are running fine.
 */
export const executionKeys = {
  startPending: (workflow: string, itemId: string, since: string) => ({
    gsi3pk: executionKeys.startPendingPartition(workflow),
    gsi3sk: `${since}#${itemId}`,
  }),
  startPendingPartition: (workflow: string) => `START#${workflow}`,
  /** The item id of a marker (its sort key ends with it). */
  itemIdOf: (gsi3sk: string) => gsi3sk.slice(gsi3sk.indexOf("#") + 1),
  /** The attributes a marker consists of (removed together once started). */
  attributes: ["gsi3pk", "gsi3sk"] as const,
};
