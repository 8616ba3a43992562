import { settings } from "@sigap/core/config/settings";
import { logger } from "@sigap/core/log";
import { renderEmail } from "@sigap/core/mail/render";
import { sendMail } from "@sigap/core/mail/send";
import { formatLocalTime } from "@sigap/core/time";
import type { TaskEvent } from "@sigap/core/workflow/tasks";
import * as v from "valibot";

const SystemCheckEmail = v.object({
  task: v.literal("systemCheckEmail"),
  input: v.object({ to: v.optional(v.pipe(v.string(), v.trim(), v.email())) }),
  executionId: v.string(),
  startedAt: v.string(),
});

/** Raised for a payload the workflow should never send; not retried. */
export class InvalidTaskInput extends Error {
  override readonly name = "InvalidTaskInput";
}

/** Task Lambda for the `notifications` group: sends workflow mail. */
export async function handler(event: TaskEvent): Promise<{ messageId: string; to: string }> {
  const parsed = v.safeParse(SystemCheckEmail, event);
  if (!parsed.success) {
    throw new InvalidTaskInput(`Unsupported notifications task: ${String(event.task)}`);
  }
  const { input, executionId, startedAt } = parsed.output;
  const to = input.to ?? settings().operatorEmail;
  const email = renderEmail({
    subject: "SIGAP: uji sistem berhasil",
    paragraphs: [
      "Email ini membuktikan bahwa alur kerja, fungsi tugas, dan pengiriman email SIGAP berjalan.",
      "Tidak ada tindakan yang diperlukan.",
    ],
    facts: [
      { label: "Dimulai", value: formatLocalTime(startedAt, "32") },
      { label: "Eksekusi", value: executionId.split(":").pop() ?? executionId },
    ],
  });
  const { messageId } = await sendMail({ to: [to], ...email });
  logger.info("System check email sent", { executionId, messageId });
  return { messageId, to };
}
