import { recordSesFeedback } from "@sigap/core/mail/ses-feedback";

/** SES bounce and complaint events (EventBridge rule in infra/email.ts): dead addresses are suppressed. */
export async function handler(event: unknown): Promise<{ suppressed: number }> {
  return { suppressed: await recordSesFeedback(event) };
}
