import { renderToString } from "@sigap/core/html/render";
import type { Context } from "hono";
import { raw } from "hono/html";
import { Facts, Page } from "../web/layout";

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

/*
 * Transitional, for api/bimtek.ts only until its participant page moves onto JSX (issue 9, H3):
 * then delete everything below. New pages use web/layout (Page, Facts), which escapes by itself.
 */

/** @deprecated Hand-written escaping; JSX escapes every value. Only api/bimtek.ts still uses it. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** @deprecated `body` is markup its caller escaped with `escapeHtml`; use web/layout `Page`. */
export function page(title: string, body: string): string {
  return renderToString(<Page title={title}>{raw(body)}</Page>);
}

/** @deprecated Use web/layout `Facts`. */
export function facts(items: Array<{ label: string; value: string }>): string {
  return renderToString(<Facts items={items} />);
}
