import { type Settings, settings } from "@sigap/core/config/settings";
import { Hono } from "hono";
import { devMail } from "./dev-mail";
import { health } from "./health";
import { notFoundProblem, problemResponse, toProblem } from "./problem";

/** The one API app: exported to Lambda by ./lambda.ts and served locally by @sigap/local. */
export function createApp(config: Settings = settings()): Hono {
  const app = new Hono();
  app.route("/health", health);
  if (config.mailTransport === "outbox") app.route("/_dev/mail", devMail);
  app.notFound((c) => problemResponse(c, notFoundProblem));
  app.onError((error, c) => problemResponse(c, toProblem(error)));
  return app;
}
