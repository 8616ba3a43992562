import { settings } from "@sigap/core/config/settings";
import { handle } from "hono/aws-lambda";
import { openApi } from "./openapi/routes";
import { appShell } from "./shell";

/**
 * The API reference Lambda: GET /openapi.json, /docs and /docs/{operationId}. Apart from the API so
 * that the description and its schema converter weigh nothing on the API's cold start; its pages'
 * stylesheet comes from the API's /assets, which has the same fingerprint (one module).
 */
export const referenceApp = appShell(settings(), (app) => app.route("/", openApi));

export const handler = handle(referenceApp);
