import type { Settings } from "@sigap/core/config/settings";
import type { Hono } from "hono";
import { assets } from "../web/assets";
import { bimtekPages } from "../web/bimtek-pages";
import { publicForms } from "../web/public-forms";
import { actions } from "./actions";
import { bimtek } from "./bimtek";
import { bimtekAttendance } from "./bimtek-attendance";
import { cases } from "./cases";
import { certificates } from "./certificates";
import { devMail } from "./dev-mail";
import { health } from "./health";
import { regions } from "./regions";
import { registrations } from "./registrations";
import { staff } from "./staff";

/** Every route of the API Lambda: the pages people open, their assets, and the JSON API. */
export function mountService(app: Hono, config: Settings): void {
  app.route("/assets", assets);
  app.route("/", publicForms);
  // The Bimtek pages for people: /bimtek, /bimtek/:id, /sertifikat.
  app.route("/", bimtekPages);
  app.route("/health", health);
  app.route("/v1/regions", regions);
  app.route("/v1/registrations", registrations);
  app.route("/v1/cases", cases);
  // The organisers' attendance page before the public Bimtek routes, which own the rest of /v1/bimtek.
  app.route("/v1/bimtek/attendance", bimtekAttendance);
  app.route("/v1/bimtek", bimtek);
  app.route("/v1/actions", actions);
  app.route("/v1/certificates", certificates);
  app.route("/v1/staff", staff);
  if (config.mailTransport === "outbox") app.route("/_dev/mail", devMail);
}
