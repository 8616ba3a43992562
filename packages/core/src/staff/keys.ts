/** Every DynamoDB key of the approver directory, built here and nowhere else. */
export const directoryKeys = {
  /** Who approves for one region code. */
  approvers: (regionCode: string) => ({ pk: `DIRECTORY#${regionCode}`, sk: "APPROVERS" }),
  /** The directory's audit trail: one item per change, sorted by time; the suffix keeps two apart. */
  change: (regionCode: string, at: string, suffix: string) => ({
    pk: `DIRECTORY#${regionCode}`,
    sk: `CHANGE#${at}#${suffix}`,
  }),
  changePrefix: (regionCode: string) => ({ pk: `DIRECTORY#${regionCode}`, skPrefix: "CHANGE#" }),
};
