import { invokeTask, PARKED } from "../workflow/approval";
import { defineWorkflow } from "../workflow/workflow";
import { SESSION_WORKFLOW } from "./model";

/**
 * One Bimtek session's timeline (see timeline.ts): `NextEvent` reads the session record and returns
 * the next event and when it is due; the execution waits until then (`TimestampPath`: a Wait cannot
 * be moved, so a reschedule stops this execution and starts the next attempt) and `RunEvent` does
 * it once; then the next. A task of an older attempt answers `superseded` and the execution ends.
 *
 * Input: `{ sessionId, attempt, parkAfter, policy }` — ids and policy only, never personal data
 * or link codes. An event due after `parkAfter` (the start plus the policy's
 * `executionLifetimeSeconds`) is not waited for here: the execution waits until `parkAfter`, ends
 * in `Parked`, and the reconciler starts the next attempt, so none nears Step Functions' one-year limit.
 */
export const sessionWorkflow = defineWorkflow({
  name: SESSION_WORKFLOW,
  description:
    "Bimtek session: reminders, enrolment close, attendance, certificates, reschedule and cancellation notices.",
  taskGroups: ["bimtek"],
  definition: ({ bimtek: fn }) => {
    const subject = { "sessionId.$": "$.sessionId", "attempt.$": "$.attempt" };
    return {
      Comment: "Bimtek session timeline: wait for each event of the session record, run it once.",
      StartAt: "NextEvent",
      States: {
        NextEvent: invokeTask(
          fn,
          { task: "nextEvent", ...subject, "policy.$": "$.policy.bimtek" },
          "Route",
          "$.next",
        ),
        Route: {
          Type: "Choice",
          Choices: [
            { Variable: "$.next.value.event", StringEquals: "done", Next: "Done" },
            { Variable: "$.next.value.event", StringEquals: "superseded", Next: "Superseded" },
            { Variable: "$.next.value.at", TimestampGreaterThanPath: "$.parkAfter", Next: "WaitToPark" },
          ],
          Default: "WaitForEvent",
        },
        WaitForEvent: { Type: "Wait", TimestampPath: "$.next.value.at", Next: "RunEvent" },
        RunEvent: invokeTask(
          fn,
          {
            task: "runEvent",
            ...subject,
            "event.$": "$.next.value.event",
            "version.$": "$.next.value.version",
          },
          "NextEvent",
        ),
        WaitToPark: { Type: "Wait", TimestampPath: "$.parkAfter", Next: "ParkForLifetime" },
        ParkForLifetime: {
          Type: "Pass",
          Parameters: { reason: "lifetime", "event.$": "$.next.value.event" },
          ResultPath: "$.parked",
          Next: PARKED,
        },
        [PARKED]: {
          Type: "Succeed",
          Comment:
            "The next event is further away than one execution may live; the reconciler starts the next attempt.",
        },
        Superseded: {
          Type: "Succeed",
          Comment: "A newer attempt carries the session (rescheduled or cancelled).",
        },
        Done: { Type: "Succeed" },
      },
    };
  },
});
