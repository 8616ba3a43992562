import { settings } from "@sigap/core/config/settings";
import { handle } from "hono/aws-lambda";
import { mountService } from "./service";
import { appShell } from "./shell";

/** The API Lambda: every page and API route but the reference (see ./reference-lambda.ts). */
export const serviceApp = appShell(settings(), mountService);

export const handler = handle(serviceApp);
