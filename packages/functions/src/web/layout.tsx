import { raw } from "hono/html";
import type { Child, FC } from "hono/jsx";
import { assetPaths } from "./assets";

/**
 * The one layout of every page people open (forms, status pages, email links): a single column
 * readable on a phone, the stylesheet and (for forms) the script from this API's own /assets.
 */
export const Page: FC<{ title: string; children?: Child; script?: boolean; home?: boolean }> = ({
  title,
  children,
  script = false,
  home = true,
}) => (
  <>
    {raw("<!doctype html>")}
    <html lang="id">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} · SIGAP`}</title>
        <link rel="stylesheet" href={assetPaths.css} />
        {script ? <script src={assetPaths.script} defer /> : null}
      </head>
      <body>
        {home ? (
          <header class="site">
            <a href="/">SIGAP · Pekerja Sosial Masyarakat</a>
          </header>
        ) : null}
        <main id="main">{children}</main>
      </body>
    </html>
  </>
);

/** Label/value facts ("Nomor pendaftaran: …"). */
export const Facts: FC<{ items: Array<{ label: string; value: string }> }> = ({ items }) => (
  <dl>
    {items.map((f) => (
      <>
        <dt>{f.label}</dt>
        <dd>{f.value}</dd>
      </>
    ))}
  </dl>
);
