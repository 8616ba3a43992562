import * as v from "valibot";
import { logger } from "../log";
import { recordBounce } from "./suppression";

/**
 * SES bounce and complaint reports, as SES event publishing sends them: to EventBridge (the default
 * bus; `detail-type` "Email Bounced" / "Email Complaint Received", `detail` the event record) or to
 * SNS (`Records[].Sns.Message`, the same record as JSON; older identity notifications name the
 * type `notificationType`). Only what we need is read; anything else in the record is ignored.
 */
const Recipients = v.array(v.object({ emailAddress: v.string() }));
const SesRecord = v.object({
  eventType: v.optional(v.string()),
  notificationType: v.optional(v.string()),
  bounce: v.optional(v.object({ bounceType: v.string(), bouncedRecipients: Recipients })),
  complaint: v.optional(v.object({ complainedRecipients: Recipients })),
});
type SesRecord = v.InferOutput<typeof SesRecord>;

const EventBridgeEvent = v.object({ source: v.literal("aws.ses"), detail: v.unknown() });
const SnsEvent = v.object({ Records: v.array(v.object({ Sns: v.object({ Message: v.string() }) })) });

/** The SES records in an EventBridge or SNS delivery (none when it is neither). */
function recordsOf(event: unknown): unknown[] {
  if (v.is(EventBridgeEvent, event)) return [event.detail];
  if (v.is(SnsEvent, event)) {
    return event.Records.map((r) => {
      try {
        return JSON.parse(r.Sns.Message) as unknown;
      } catch {
        return undefined;
      }
    });
  }
  return [];
}

/**
 * Records every address SES says is dead: a permanent bounce (no such mailbox) or a complaint.
 * A transient bounce (mailbox full, server down) is only logged: the address may work tomorrow.
 * Returns how many addresses were suppressed.
 */
export async function recordSesFeedback(event: unknown): Promise<number> {
  let suppressed = 0;
  for (const raw of recordsOf(event)) {
    const parsed = v.safeParse(SesRecord, raw);
    if (!parsed.success) {
      logger.warn("Unrecognised SES feedback record ignored");
      continue;
    }
    for (const [address, kind] of deadAddresses(parsed.output)) {
      await recordBounce(address, kind);
      suppressed += 1;
    }
  }
  return suppressed;
}

function deadAddresses(record: SesRecord): Array<[string, "bounce" | "complaint"]> {
  const type = record.eventType ?? record.notificationType;
  if (type === "Bounce" && record.bounce) {
    if (record.bounce.bounceType !== "Permanent") {
      logger.info("Transient SES bounce; address kept", { bounceType: record.bounce.bounceType });
      return [];
    }
    return record.bounce.bouncedRecipients.map((r) => [r.emailAddress, "bounce"]);
  }
  if (type === "Complaint" && record.complaint) {
    return record.complaint.complainedRecipients.map((r) => [r.emailAddress, "complaint"]);
  }
  return [];
}
