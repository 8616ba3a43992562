import { Hono } from "hono";
import { caseForm } from "./case-form";
import { landing } from "./landing";
import { registrationForm } from "./registration-form";
import { statusLookups } from "./status-pages";

/** The pages people fill in: `/`, `/daftar`, `/lapor`, `/status`, `/lacak`. */
export const publicForms = new Hono()
  .route("/", landing)
  .route("/daftar", registrationForm)
  .route("/lapor", caseForm)
  .route("/", statusLookups);
