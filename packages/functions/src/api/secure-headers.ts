import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;
type ContentSecurityPolicy = NonNullable<SecureHeadersOptions["contentSecurityPolicy"]>;

/**
 * The one place the API's security headers are set, on every answer (pages, JSON, problems, 404s).
 * Pages load their stylesheet and their one script from this API's own /assets and nothing from
 * anywhere else: no inline script or style, no other host. No other site may frame them (a
 * one-click decision must not be clickjacked) and no link's secret leaves in a Referer.
 */
const pagePolicy: ContentSecurityPolicy = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

const common: SecureHeadersOptions = {
  xFrameOptions: "DENY",
  xContentTypeOptions: "nosniff",
  referrerPolicy: "no-referrer",
  crossOriginResourcePolicy: "same-origin",
};

// overwrite: false lets the one route with its own policy (devMailMessageHeaders, dev only) keep it;
// no other route sets these headers, so every other answer gets exactly these.
const standardHeaders = secureHeaders({ ...common, contentSecurityPolicy: pagePolicy, overwrite: false });

/**
 * The local outbox shows a sent email exactly as a mail client would, and email HTML carries its
 * styles inline (clients drop stylesheets): that one dev-only route allows inline style and still
 * no script at all.
 */
export const devMailMessageHeaders = secureHeaders({
  ...common,
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
});

/**
 * Nothing this API answers may be kept by a shared cache: answers carry personal data, action
 * links or staff data. A route that chose its own Cache-Control keeps it.
 */
const noStoreByDefault = createMiddleware(async (c, next) => {
  await next();
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});

export const securityHeaders = [standardHeaders, noStoreByDefault] as const;
