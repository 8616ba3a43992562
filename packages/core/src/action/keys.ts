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
    gsi1pk: `ACTION#REGION#${regionCode}`,
    gsi1sk: `${createdAt}#${id}`,
  }),
};
