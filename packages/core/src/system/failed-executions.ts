import { type ExecutionListItem, ExecutionStatus, ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { now } from "../clock";
import { settings } from "../config/settings";
import { logger } from "../log";
import { renderEmail } from "../mail/render";
import { sendMail } from "../mail/send";
import { workflowArns } from "../resources";
import { formatLocalTime } from "../time";
import { sfn } from "../workflow/client";

export interface FailedExecution {
  workflow: string;
  name: string;
  status: string;
  stoppedAt: Date;
}

/** Executions are listed newest first; a bounded number of pages keeps one run short. */
const MAX_PAGES = 10;

async function closedSince(stateMachineArn: string, status: ExecutionStatus, since: Date) {
  const found: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await sfn().send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: status, maxResults: 100, nextToken }),
    );
    found.push(...(result.executions ?? []).filter((e) => e.stopDate && e.stopDate >= since));
    nextToken = result.nextToken;
    if (!nextToken) break;
  }
  return found;
}

/** Workflow executions that failed or timed out since `since` (aborted ones were stopped on purpose). */
export async function findFailedExecutions(since: Date): Promise<FailedExecution[]> {
  const failed: FailedExecution[] = [];
  for (const [workflow, arn] of Object.entries(workflowArns())) {
    for (const status of [ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT]) {
      for (const e of await closedSince(arn, status, since)) {
        failed.push({ workflow, name: e.name ?? "", status, stoppedAt: e.stopDate as Date });
      }
    }
  }
  return failed.sort((a, b) => a.stoppedAt.getTime() - b.stoppedAt.getTime());
}

/**
 * Scheduled job: tells the operator which workflow executions failed in the last window, so the
 * engineer on call hears of it before a Dinsos officer does. Names are item ids, never personal data.
 */
export async function reportFailedExecutions(windowMinutes: number): Promise<FailedExecution[]> {
  const since = new Date(now().getTime() - windowMinutes * 60_000);
  const failed = await findFailedExecutions(since);
  if (failed.length === 0) return failed;
  logger.warn("Failed workflow executions", { count: failed.length, since: since.toISOString() });
  const email = renderEmail({
    subject: `SIGAP: ${failed.length} alur kerja gagal`,
    paragraphs: [
      `Sejak ${formatLocalTime(since, "32")}, ${failed.length} eksekusi alur kerja berhenti karena gagal atau melewati batas waktu.`,
      "Periksa riwayat eksekusinya di konsol Step Functions. Pekerjaan yang tercatat akan dilanjutkan oleh rekonsiliasi setelah penyebabnya diperbaiki.",
    ],
    facts: failed.map((f) => ({
      label: `${f.workflow} / ${f.name}`,
      value: `${f.status === "TIMED_OUT" ? "melewati batas waktu" : "gagal"}, ${formatLocalTime(f.stoppedAt, "32")}`,
    })),
  });
  await sendMail({ to: [settings().operatorEmail], ...email });
  return failed;
}
