import { invokeTask } from "../workflow/approval";
import { LAMBDA_INVOKE, lambdaServiceRetry, mailDeliveryRetry, WAIT_FOR_TASK_TOKEN } from "../workflow/asl";
import { defineWorkflow } from "../workflow/workflow";
import { OFFER_WORKFLOW } from "./model";

/**
 * A freed seat offered to the first on a session's waiting list (see offer.ts): `OfferWindow`
 * returns the seconds left to the enrolment's `offerExpiresAt` (the claim window, set when the seat
 * was offered, so a restarted execution waits only what is left); `OfferSeat` records the wait as a
 * request the participant answers from their enrolment page and emails the offer once; the answer
 * goes to `ApplyOffer` (accept: confirmed; decline: the seat goes to the next). Silence until the
 * window closes: `OfferLapsed` (an accept stored meanwhile still wins; else the seat goes on).
 *
 * Input: `{ enrolmentId, attempt }` — ids only.
 */
export const offerWorkflow = defineWorkflow({
  name: OFFER_WORKFLOW,
  description: "Bimtek waiting list: a freed seat offered with a claim window, then to the next.",
  taskGroups: ["bimtek"],
  definition: ({ bimtek: fn }) => {
    const subject = { "enrolmentId.$": "$.enrolmentId", "attempt.$": "$.attempt" };
    return {
      Comment: "Bimtek seat offer: accept, decline or let the claim window pass.",
      StartAt: "OfferWindow",
      States: {
        OfferWindow: invokeTask(fn, { task: "offerWindow", ...subject }, "Route", "$.window"),
        Route: {
          Type: "Choice",
          Choices: [
            // No longer offered (accepted on a page whose task was gone, cancelled, session cancelled).
            { Variable: "$.window.value.offered", BooleanEquals: false, Next: "Done" },
            // The window closed while no execution carried it: what silence does.
            { Variable: "$.window.value.seconds", NumericLessThanEquals: 0, Next: "OfferLapsed" },
          ],
          Default: "OfferSeat",
        },
        OfferSeat: {
          Type: "Task",
          Resource: `${LAMBDA_INVOKE}${WAIT_FOR_TASK_TOKEN}`,
          Parameters: {
            FunctionName: fn,
            Payload: {
              task: "offerSeat",
              ...subject,
              "validForSeconds.$": "$.window.value.seconds",
              "taskToken.$": "$$.Task.Token",
            },
          },
          TimeoutSecondsPath: "$.window.value.seconds",
          ResultPath: "$.decision",
          Retry: [lambdaServiceRetry, mailDeliveryRetry],
          Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "OfferLapsed" }],
          Next: "ApplyOffer",
        },
        ApplyOffer: invokeTask(fn, { task: "applyOffer", ...subject, "decision.$": "$.decision" }, "Done"),
        OfferLapsed: invokeTask(fn, { task: "offerLapsed", ...subject }, "Done"),
        Done: { Type: "Succeed" },
      },
    };
  },
});
