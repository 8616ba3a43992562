/**
 * Dead addresses: SES bounce and complaint events (EventBridge or SNS) suppress an address; the
 * local outbox simulates them; the address itself is never stored.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { db } from "@sigap/core/db/client";
import { clearSuppression, getSuppression, isSuppressed } from "@sigap/core/mail/suppression";
import { tableName } from "@sigap/core/resources";
import { handler } from "@sigap/functions/mail/ses-feedback";
import { describe, expect, it } from "vitest";

/** An SES event record as SES event publishing writes it (docs: "Contents of event data"). */
const bounceRecord = (bounceType: string, ...addresses: string[]) => ({
  eventType: "Bounce",
  bounce: {
    bounceType,
    bounceSubType: bounceType === "Permanent" ? "General" : "MailboxFull",
    bouncedRecipients: addresses.map((emailAddress) => ({
      emailAddress,
      action: "failed",
      status: "5.1.1",
      diagnosticCode: "smtp; 550 5.1.1 user unknown",
    })),
    timestamp: "2026-11-22T03:00:00.000Z",
    feedbackId: "0100017c-test",
  },
  mail: { timestamp: "2026-11-22T02:59:59.000Z", messageId: "0100017c-mail", destination: addresses },
});

/** As EventBridge delivers it from the default bus. */
const eventBridge = (detailType: string, detail: unknown) => ({
  version: "0",
  id: "b1c2d3",
  "detail-type": detailType,
  source: "aws.ses",
  account: "123456789012",
  time: "2026-11-22T03:00:01Z",
  region: "ap-southeast-3",
  resources: [],
  detail,
});

describe("SES bounce and complaint events", () => {
  it("suppresses every recipient of a permanent bounce delivered by EventBridge", async () => {
    const result = await handler(
      eventBridge(
        "Email Bounced",
        bounceRecord("Permanent", "Hilang@Garutkab.example.go.id", "juga.hilang@garutkab.example.go.id"),
      ),
    );
    expect(result).toEqual({ suppressed: 2 });
    expect(await isSuppressed("hilang@garutkab.example.go.id")).toBe(true);
    expect(await getSuppression("juga.hilang@garutkab.example.go.id")).toMatchObject({
      kind: "bounce",
      maskedEmail: "j***@garutkab.example.go.id",
    });
  });

  it("keeps an address whose bounce was only transient (a full mailbox may empty tomorrow)", async () => {
    expect(
      await handler(eventBridge("Email Bounced", bounceRecord("Transient", "penuh@garutkab.example.go.id"))),
    ).toEqual({
      suppressed: 0,
    });
    expect(await isSuppressed("penuh@garutkab.example.go.id")).toBe(false);
  });

  it("suppresses a complaint, and reads SNS deliveries (and old notificationType records) too", async () => {
    const complaint = {
      eventType: "Complaint",
      complaint: {
        complainedRecipients: [{ emailAddress: "kesal@bandungkab.example.go.id" }],
        complaintFeedbackType: "abuse",
        timestamp: "2026-11-22T03:00:00.000Z",
        feedbackId: "0100017c-complaint",
      },
      mail: { messageId: "0100017c-mail" },
    };
    expect(await handler(eventBridge("Email Complaint Received", complaint))).toEqual({ suppressed: 1 });
    expect(await getSuppression("kesal@bandungkab.example.go.id")).toMatchObject({ kind: "complaint" });

    const { eventType: _, ...legacy } = bounceRecord("Permanent", "lama@bandungkab.example.go.id");
    const sns = {
      Records: [
        {
          EventSource: "aws:sns",
          Sns: { Message: JSON.stringify({ notificationType: "Bounce", ...legacy }) },
        },
        { EventSource: "aws:sns", Sns: { Message: "not json" } },
      ],
    };
    expect(await handler(sns)).toEqual({ suppressed: 1 });
    expect(await isSuppressed("lama@bandungkab.example.go.id")).toBe(true);
  });

  it("ignores what is not an SES report", async () => {
    expect(
      await handler({ source: "aws.states", detail: bounceRecord("Permanent", "x@example.go.id") }),
    ).toEqual({
      suppressed: 0,
    });
    expect(await handler(eventBridge("Email Bounced", { eventType: "Bounce" }))).toEqual({ suppressed: 0 });
    expect(await handler(undefined)).toEqual({ suppressed: 0 });
    expect(await isSuppressed("x@example.go.id")).toBe(false);
  });

  it("stores a keyed hash and a masked form, never the address; a fixed mailbox can be lifted", async () => {
    const { Items } = await db().send(new ScanCommand({ TableName: tableName() }));
    const stored = JSON.stringify(Items);
    expect(Items?.some((item) => item.entity === "mail-suppression")).toBe(true);
    for (const address of [
      "hilang@garutkab.example.go.id",
      "kesal@bandungkab.example.go.id",
      "lama@bandungkab",
    ]) {
      expect(stored).not.toContain(address);
    }
    await clearSuppression("hilang@garutkab.example.go.id");
    expect(await isSuppressed("hilang@garutkab.example.go.id")).toBe(false);
  });
});
