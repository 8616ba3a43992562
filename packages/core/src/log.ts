import { Logger } from "@aws-lambda-powertools/logger";

/**
 * Structured JSON logs with the Lambda request id as correlation id. Never log NIK, names, phone
 * numbers or addresses in clear: log ids and codes only.
 */
export const logger = new Logger({ serviceName: "sigap" });
