import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";

/**
 * The one place the API's security headers are set, on every answer (pages, JSON, problems, 404s).
 * Pages are served without scripts or external assets, so the policy allows only their inline
 * style; no other site may frame them (a one-click decision must not be clickjacked) and no
 * link's secret leaves in a Referer.
 */
const standardHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xFrameOptions: "DENY",
  xContentTypeOptions: "nosniff",
  referrerPolicy: "no-referrer",
  crossOriginResourcePolicy: "same-origin",
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
