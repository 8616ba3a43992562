import { awsClientOptions } from "../config/aws-clients";
import { settings } from "../config/settings";
import { emailSender } from "../resources";
import { headerText, isDeliverableAddress, type OutgoingMail } from "./message";
import { outbox } from "./outbox";
import { recordBounce } from "./suppression";

/** Raised when mail could not be handed over; workflows retry on this name. */
export class MailDeliveryError extends Error {
  override readonly name = "MailDeliveryFailed";
}

/**
 * Header values cannot be broken here, whatever the caller passes. A subject is text for people, so
 * control characters fold into spaces and the message still goes. An address is where the message
 * goes: one with a line break, a separator or a display name is refused, never cleaned, because a
 * cleaned address could be someone else's mailbox. Addresses are validated where people enter
 * them, so a refusal here means a bug upstream; it fails loudly (retried, then the failed-execution
 * alert) rather than delivering anywhere.
 */
export function sealHeaders(mail: OutgoingMail): OutgoingMail {
  if (mail.to.length === 0) throw new MailDeliveryError("A message needs at least one recipient");
  const refused = mail.to.filter((address) => !isDeliverableAddress(address));
  if (refused.length > 0) {
    // The address itself stays out of the error: it may be personal data, and it may be hostile.
    throw new MailDeliveryError(
      `Refused ${refused.length} recipient address(es) that are not one plain address`,
    );
  }
  return { ...mail, subject: headerText(mail.subject) };
}

/**
 * The one way mail leaves the system: SES in production, the outbox locally. Both go through here,
 * so the local stack exercises the same rendering and addressing as production.
 */
export async function sendMail(message: OutgoingMail): Promise<{ messageId: string }> {
  const mail = sealHeaders(message);
  if (settings().mailTransport === "outbox") {
    let sent: { id: string };
    try {
      sent = await outbox().add(mail);
    } catch (error) {
      throw new MailDeliveryError(error instanceof Error ? error.message : String(error));
    }
    // SES accepts mail to a dead mailbox and reports the bounce later (mail/ses-feedback.ts): the
    // outbox reports it at once, through the same record.
    for (const address of mail.to) {
      const kind = outbox().feedbackFor(address);
      if (kind) await recordBounce(address, kind);
    }
    return { messageId: sent.id };
  }
  // Loaded on first use so functions that never send mail do not pay for the SES client at cold start.
  const { SendEmailCommand } = await import("@aws-sdk/client-sesv2");
  try {
    const result = await (await ses()).send(
      new SendEmailCommand({
        FromEmailAddress: emailSender(),
        Destination: { ToAddresses: mail.to },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: "UTF-8" },
            Body: {
              Text: { Data: mail.text, Charset: "UTF-8" },
              Html: { Data: mail.html, Charset: "UTF-8" },
            },
          },
        },
      }),
    );
    return { messageId: result.MessageId ?? "" };
  } catch (error) {
    throw new MailDeliveryError(error instanceof Error ? error.message : String(error));
  }
}

let sesClient: import("@aws-sdk/client-sesv2").SESv2Client | undefined;

/** The one SES client (also probed by /health), with the shared timeouts. */
export async function ses(): Promise<import("@aws-sdk/client-sesv2").SESv2Client> {
  const { SESv2Client } = await import("@aws-sdk/client-sesv2");
  sesClient ??= new SESv2Client(awsClientOptions());
  return sesClient;
}
