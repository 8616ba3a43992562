import type { Context } from "hono";
import { Page } from "../web/layout";

/** A link whose id or code is unknown, malformed or wrong: one answer for all, revealing nothing. */
export function unknownLinkPage(c: Context) {
  return c.html(
    <Page title="Tautan tidak dikenal">
      <h1>Tautan tidak dikenal</h1>
      <p>Periksa kembali tautan pada email Anda; mungkin terpotong.</p>
    </Page>,
    404,
  );
}

const variesByAccept = new WeakSet<Context>();

/**
 * The one content negotiation of the app: a browser (a link opened, a form posted: its Accept names
 * text/html) gets a page; anything else (curl, fetch, an API client, any type accepted) gets JSON or a
 * problem document. Asking marks the answer `Vary: Accept`, so that a cache never hands the page to
 * an API client or the JSON to a browser: call it on every path whose answer depends on it.
 */
export function wantsPage(c: Context): boolean {
  if (!variesByAccept.has(c)) {
    variesByAccept.add(c);
    c.header("Vary", "Accept", { append: true });
  }
  return (c.req.header("Accept") ?? "").includes("text/html");
}

/** A form post beyond the body limit: the browser's answer (an API client gets a problem document). */
export function tooLargePage(c: Context) {
  return c.html(
    <Page title="Data terlalu besar">
      <h1>Data terlalu besar</h1>
      <p>
        Isian yang Anda kirim melebihi 64 KB. Kembali ke formulir dengan tombol Kembali pada peramban,
        persingkat teks yang panjang, lalu kirim lagi.
      </p>
    </Page>,
    413,
  );
}
