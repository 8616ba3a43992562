/** Every DynamoDB key of the mail domain, built here and nowhere else. */
export const mailKeys = {
  /** One per address that bounced or complained, by the address's keyed hash (never the address). */
  suppression: (emailHash: string) => ({ pk: `SUPPRESSED#${emailHash}`, sk: "SUPPRESSION" }),
};
