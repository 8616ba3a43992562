import { describe, expect, it } from "vitest";
import { headerText, isDeliverableAddress } from "./message";
import { outbox } from "./outbox";
import { renderEmail } from "./render";
import { MailDeliveryError, sendMail } from "./send";

const body = { text: "Isi", html: "<p>Isi</p>" };

describe("mail headers cannot be broken", () => {
  it("folds every line break and control character of a subject into one space", () => {
    expect(headerText("Pendaftaran PSM: Siti\r\nBcc: korban@example.com")).toBe(
      "Pendaftaran PSM: Siti Bcc: korban@example.com",
    );
    expect(headerText("A\rB\nC\u0000D\tE\u0085F\u2028G\u2029H\u202EI\uD800J")).toBe("A B C D E F G H I J");
    expect(headerText("  Nama\r\n\r\n  ")).toBe("Nama");
    // What people write stays as it is: accents, other scripts, emoji, the joiners some scripts need.
    expect(headerText("Pendaftaran PSM: André Nguyễn ꦱꦶꦠꦶ می\u200Cخواهم 👩‍👩‍👧")).toBe(
      "Pendaftaran PSM: André Nguyễn ꦱꦶꦠꦶ می\u200Cخواهم 👩‍👩‍👧",
    );
  });

  it("renders and sends a subject on one line, whatever the caller passes", async () => {
    const rendered = renderEmail({ subject: "Halo\r\nBcc: x@example.com", paragraphs: ["Isi"] });
    expect(rendered.subject).toBe("Halo Bcc: x@example.com");
    // Even a caller that skips the renderer cannot put a line break in the header.
    const { messageId } = await sendMail({
      to: ["a@example.com"],
      subject: "Halo\nBcc: x@example.com",
      ...body,
    });
    const sent = outbox()
      .list()
      .find((m) => m.id === messageId);
    expect(sent?.subject).toBe("Halo Bcc: x@example.com");
    expect(sent?.to).toEqual(["a@example.com"]);
  });

  it("accepts one plain address and nothing else", () => {
    expect(isDeliverableAddress("kades.cikajang@garutkab.example.go.id")).toBe(true);
    expect(isDeliverableAddress("siti+psm@example.com")).toBe(true);
    for (const bad of [
      "a@example.com\r\nBcc: b@example.com",
      "a@example.com\nb@example.com",
      "a@example.com, b@example.com",
      "a@example.com;b@example.com",
      "Siti <a@example.com>",
      "a @example.com",
      "a@example.com\u0000",
      "a@exa\u202Emple.com",
      "no-at-sign",
      "a@b@c",
      `${"a".repeat(250)}@b.co`,
    ]) {
      expect(isDeliverableAddress(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it("refuses to send to an address that is not one plain address, naming no address", async () => {
    const before = outbox().list().length;
    const attempt = sendMail({ to: ["a@example.com\r\nBcc: b@example.com"], subject: "Halo", ...body });
    await expect(attempt).rejects.toBeInstanceOf(MailDeliveryError);
    await expect(attempt).rejects.toMatchObject({ name: "MailDeliveryFailed" });
    await expect(attempt).rejects.not.toThrow(/example\.com/);
    await expect(sendMail({ to: [], subject: "Halo", ...body })).rejects.toBeInstanceOf(MailDeliveryError);
    expect(outbox().list()).toHaveLength(before);
  });
});
