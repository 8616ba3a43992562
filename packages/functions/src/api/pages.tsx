import type { Context } from "hono";
import { Page } from "../web/layout";
import type { Problem } from "./problem";

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

/**
 * A problem answered to a browser: the same title, detail and field messages an API client gets in
 * the problem document, on a page, with the same status (and Retry-After), and the way on.
 */
export function problemPage(c: Context, problem: Problem) {
  const posted = c.req.method === "POST";
  return c.html(
    <Page title={problem.title}>
      <h1>{problem.title}</h1>
      {problem.detail ? <p>{problem.detail}</p> : null}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li>{e.message}</li>
          ))}
        </ul>
      ) : null}
      {problem.status === 404 ? (
        <p>
          Periksa kembali alamatnya, atau mulai dari <a href="/">halaman utama</a>.
        </p>
      ) : posted && problem.status < 500 ? (
        <p>Kembali ke formulir dengan tombol Kembali pada peramban, periksa isian Anda, lalu kirim lagi.</p>
      ) : null}
    </Page>,
    problem.status as 400,
    problem.retryAfterSeconds !== undefined ? { "Retry-After": String(problem.retryAfterSeconds) } : {},
  );
}
