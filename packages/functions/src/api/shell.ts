import type { Settings } from "@sigap/core/config/settings";
import { AppError } from "@sigap/core/error";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { tooLargePage, wantsPage } from "./pages";
import { problemResponse, toProblem } from "./problem";
import { securityHeaders } from "./secure-headers";

/**
 * What every app of ours shares, whichever routes it serves: the security headers, the body limit,
 * the one "not found" and the one problem mapper for anything thrown.
 */
export function appShell(config: Settings, mount: (app: Hono, config: Settings) => void): Hono {
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
  mount(app, config);
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
