/**
 * Every DynamoDB key of retention and data requests, built here and nowhere else.
 * The erase-due index is sparse: a record carries `gsi4pk`/`gsi4sk` only while its personal
 * data waits for erasure, so the retention job reads the due records and nothing else.
 */
const ERASE_DUE_PARTITION = "ERASE-DUE";

export const retentionKeys = {
  /** Set on a record when it reaches its end state; removed when it is erased (or reopened). */
  eraseDue: (eraseAfter: string, recordType: string, id: string) => ({
    gsi4pk: ERASE_DUE_PARTITION,
    gsi4sk: `${eraseAfter}#${recordType}#${id}`,
  }),
  eraseDuePartition: ERASE_DUE_PARTITION,
  /** The record type and id an index entry names (ids and type names never contain `#`). */
  parseEraseDue: (gsi4sk: string): { eraseAfter: string; recordType: string; id: string } | undefined => {
    const [eraseAfter, recordType, id, ...rest] = gsi4sk.split("#");
    if (!eraseAfter || !recordType || !id || rest.length > 0) return undefined;
    return { eraseAfter, recordType, id };
  },
  /** One data request (export or erase): who asked, when, what kind, how many records; never the NIK. */
  dataRequest: (id: string) => ({ pk: `DATA-REQUEST#${id}`, sk: "DATA-REQUEST" }),
  /** gsi1: every data request, oldest first, for an audit of them all. */
  dataRequestsByTime: (at: string, id: string) => ({ gsi1pk: "DATA-REQUEST", gsi1sk: `${at}#${id}` }),
  /** gsi2: data requests by the province they were made in, by region code, for a regional audit. */
  dataRequestsByRegion: (regionCode: string, at: string, id: string) => ({
    gsi2pk: `DATA-REQUEST#PROVINCE#${regionCode.slice(0, 2)}`,
    gsi2sk: `${regionCode}#${at}#${id}`,
  }),
};
