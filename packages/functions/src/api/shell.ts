import type { Settings } from "@sigap/core/config/settings";
import { AppError } from "@sigap/core/error";
import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { problemPage, wantsPage } from "./pages";
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
        answerProblem(
          c,
          new AppError(
            "payload-too-large",
            "Data terlalu besar",
            "Ukuran data maksimal 64 KB; persingkat teks yang panjang.",
          ),
        ),
    }),
  );
  mount(app, config);
  app.notFound((c) =>
    answerProblem(
      c,
      new AppError("not-found", "Alamat tidak ditemukan", "Halaman atau data yang Anda cari tidak ada."),
    ),
  );
  app.onError((error, c) => answerProblem(c, error));
  return app;
}

/**
 * Anything refused or thrown, however it came: a page for a browser (a mistyped address, a form post
 * the body reader refuses), a problem document for anyone else. One mapper decides what it says.
 */
function answerProblem(c: Context, error: unknown): Response | Promise<Response> {
  const problem = toProblem(error);
  return wantsPage(c) ? problemPage(c, problem) : problemResponse(c, problem);
}
