import * as v from "valibot";
import { now } from "../clock";
import { attemptOf } from "../workflow/executions";
import { loadEnrolment } from "./workflow";

/** The `bimtek-offer` workflow's tasks (offer.workflow.ts). Each is safe to repeat. */

export const OfferTaskSubject = {
  enrolmentId: v.string(),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
};

/**
 * The claim window left: `offered` false when the enrolment is no longer offered (or a newer
 * attempt carries it); `seconds` 0 when the window closed while nobody waited on it.
 */
export async function offerWindow(task: {
  enrolmentId: string;
  attempt: number;
}): Promise<{ offered: boolean; seconds: number }> {
  const enrolment = await loadEnrolment(task.enrolmentId);
  if (enrolment?.status !== "offered" || attemptOf(enrolment) !== task.attempt || !enrolment.offerExpiresAt) {
    return { offered: false, seconds: 0 };
  }
  const left = Math.ceil((Date.parse(enrolment.offerExpiresAt) - now().getTime()) / 1000);
  return { offered: true, seconds: Math.max(0, left) };
}
