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

/** A browser (a form post or a link opened) asks for a page; anything else gets JSON. */
export const wantsPage = (c: Context) => (c.req.header("Accept") ?? "").includes("text/html");

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
