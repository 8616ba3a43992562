import { logger } from "@sigap/core/log";
import { vi } from "vitest";

/**
 * Everything the logger prints (at DEBUG) while `work` runs, as one string: for asserting what a
 * log line may never contain. The logger goes back to SILENT, as the test setup has it.
 */
export async function capturedLogs(work: () => Promise<void>): Promise<string> {
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  logger.setLogLevel("DEBUG");
  try {
    await work();
  } finally {
    logger.setLogLevel("SILENT");
    spy.mockRestore();
  }
  return printed.join("");
}
