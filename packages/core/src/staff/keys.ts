import type { Duty } from "./directory";

/** Every DynamoDB key of the staff directory, built here and nowhere else. */
export const directoryKeys = {
  /**
   * Who holds one duty for one region code. The approvers keep the item they always had
   * (`APPROVERS`), so entries written before duties existed still mean "approver".
   */
  people: (regionCode: string, duty: Duty) => ({
    pk: `DIRECTORY#${regionCode}`,
    sk: duty === "approver" ? "APPROVERS" : `DUTY#${duty}`,
  }),
  /** The directory's audit trail: one item per change, sorted by time; the suffix keeps two apart. */
  change: (regionCode: string, at: string, suffix: string) => ({
    pk: `DIRECTORY#${regionCode}`,
    sk: `CHANGE#${at}#${suffix}`,
  }),
  changePrefix: (regionCode: string) => ({ pk: `DIRECTORY#${regionCode}`, skPrefix: "CHANGE#" }),
  /** A counter bumped by every change of who is reachable (people, suppressions): see directory-cache.ts. */
  generation: () => ({ pk: "DIRECTORY#generation", sk: "GENERATION" }),
};
