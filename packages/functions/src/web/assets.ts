import { createHash } from "node:crypto";
import { Hono } from "hono";
import { FORMS_SCRIPT } from "./forms-script";
import { SITE_CSS } from "./site-css";

/**
 * Page assets served from the Lambda bundle itself (no CDN, no other host): one stylesheet and one
 * small script. Each is addressed by a hash of its content, so a browser may keep it for a year and
 * a new deployment is fetched at once.
 */
interface Asset {
  body: string;
  type: string;
}

function fingerprinted(name: string, ext: string, asset: Asset): [string, Asset] {
  const hash = createHash("sha256").update(asset.body).digest("base64url").slice(0, 10);
  return [`${name}.${hash}.${ext}`, asset];
}

const files = new Map<string, Asset>([
  fingerprinted("site", "css", { body: SITE_CSS, type: "text/css; charset=utf-8" }),
  fingerprinted("forms", "js", { body: FORMS_SCRIPT, type: "text/javascript; charset=utf-8" }),
]);

const pathOf = (prefix: string) => {
  for (const name of files.keys()) if (name.startsWith(`${prefix}.`)) return `/assets/${name}`;
  throw new Error(`no asset ${prefix}`);
};

/** Where pages link the stylesheet and the script. */
export const assetPaths = { css: pathOf("site"), script: pathOf("forms") } as const;

export const assets = new Hono().get("/:file", (c) => {
  const asset = files.get(c.req.param("file"));
  if (!asset) return c.notFound();
  return c.body(asset.body, 200, {
    "Content-Type": asset.type,
    "Cache-Control": "public, max-age=31536000, immutable",
  });
});
