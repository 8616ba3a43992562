import { type Settings, settings } from "@sigap/core/config/settings";
import type { Hono } from "hono";
import { openApi } from "./openapi/routes";
import { mountService } from "./service";
import { appShell } from "./shell";

/**
 * The whole HTTP surface in one app, as `npm start` and the tests serve it: pages, the API and its
 * reference (/openapi.json, /docs). On AWS the reference is its own small Lambda
 * (./reference-lambda.ts) so that the API's bundle and cold start do not carry it (./lambda.ts).
 */
export function createApp(config: Settings = settings()): Hono {
  return appShell(config, (app) => {
    mountService(app, config);
    app.route("/", openApi);
  });
}
