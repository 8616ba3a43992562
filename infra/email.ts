import { lambdaDefaults, lambdaEnvironment } from "./defaults";
import { piiSecret } from "./secrets";
import { table } from "./table";

/** SES publishes its events to the account's default bus (the only bus SES can publish to). */
const defaultBus = $interpolate`arn:aws:events:${aws.getRegionOutput().name}:${aws.getCallerIdentityOutput().accountId}:event-bus/default`;

/**
 * The SES identity mail is sent from. SIGAP_MAIL_SENDER is a verified domain (recommended, e.g.
 * `dinsos.example.go.id`) or an address; SES starts in its sandbox until AWS lifts it. Its
 * configuration set (the identity's default) publishes bounces and complaints to EventBridge.
 */
export const email = new sst.aws.Email("Email", {
  sender: process.env.SIGAP_MAIL_SENDER ?? "sigap@example.go.id",
  events: [{ name: "Feedback", types: ["bounce", "complaint"], bus: defaultBus }],
});

/**
 * A dead address counts as nobody listed in the directory: each bounce or complaint is recorded
 * (packages/core/src/mail/suppression.ts) by this subscriber.
 */
sst.aws.Bus.subscribe(
  "EmailFeedback",
  defaultBus,
  {
    handler: "packages/functions/src/mail/ses-feedback.handler",
    ...lambdaDefaults,
    timeout: "30 seconds",
    link: [table, piiSecret],
    environment: lambdaEnvironment(),
  },
  { pattern: { source: ["aws.ses"], detailType: ["Email Bounced", "Email Complaint Received"] } },
);
