import { type Settings, settings } from "@sigap/core/config/settings";
import { AppError } from "@sigap/core/error";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
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
import { openApi } from "./openapi/routes";
import { tooLargePage, wantsPage } from "./pages";
import { problemResponse, toProblem } from "./problem";
import { regions } from "./regions";
import { registrations } from "./registrations";
import { securityHeaders } from "./secure-headers";
import { staff } from "./staff";

/** The one API app: exported to Lambda by ./lambda.ts and served locally by @sigap/local. */
export function createApp(config: Settings = settings()): Hono {
  const app = new Hono();
  app.use(...securityHeaders);
  // A registration is a few KB; anything far larger is not a form submission, whether it is posted
  // to the JSON API or to a page (/daftar, an action link): a browser is answered with a page.
  app.use(
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) =>
        wantsPage(c)
          ? tooLargePage(c)
          : problemResponse(
              c,
              toProblem(
                new AppError("payload-too-large", "Data terlalu besar", "Ukuran data maksimal 64 KB."),
              ),
            ),
    }),
  );
  app.route("/assets", assets);
  app.route("/", publicForms);
  // The Bimtek pages for people: /bimtek, /bimtek/:id, /sertifikat.
  app.route("/", bimtekPages);
  app.route("/health", health);
  // The API reference: /openapi.json and /docs.
  app.route("/", openApi);
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
  app.notFound((c) =>
    problemResponse(
      c,
      toProblem(
        new AppError("not-found", "Alamat tidak ditemukan", "Halaman atau data yang Anda cari tidak ada."),
      ),
    ),
  );
  app.onError((error, c) => problemResponse(c, toProblem(error)));
  return app;
}
