/** Every DynamoDB key of email actions. */
export const actionKeys = {
  action: (id: string) => ({ pk: `ACTION#${id}`, sk: "ACTION" }),
  /** Which action is current for one step of one item (so a reminder can supersede it). */
  current: (subjectType: string, subjectId: string, step: string) => ({
    pk: `SUBJECT#${subjectType}#${subjectId}`,
    sk: `CURRENT-ACTION#${step}`,
  }),
};
