import { AppError } from "@sigap/core/error";
import { Hono } from "hono";
import { compress } from "hono/compress";

/**
 * `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (a reference rendered on the server
 * from it, one page per operation: no script, no CDN). The document and its schema converter load on the first
 * request, not at cold start.
 */
export const openApi = new Hono()
  // The document is some 70 KB of JSON that compresses to a tenth: gzip for whoever accepts it.
  // On these routes only (a sub-app's own middleware would apply to every route where it is mounted).
  .get("/openapi.json", compress(), async (c) => {
    const { openApiDocument } = await import("./document");
    c.header("Cache-Control", "public, max-age=300");
    // Public and read-only: API tools in a browser on another origin may load it.
    c.header("Access-Control-Allow-Origin", "*");
    return c.json(openApiDocument());
  })
  .get("/docs", compress(), async (c) => {
    const [{ openApiDocument }, { ReferenceIndex }] = await Promise.all([
      import("./document"),
      import("./docs"),
    ]);
    c.header("Cache-Control", "public, max-age=300");
    return c.html(<ReferenceIndex document={openApiDocument()} />);
  })
  .get("/docs/:operationId", compress(), async (c) => {
    const [{ openApiDocument }, { findOperation, OperationPage }] = await Promise.all([
      import("./document"),
      import("./docs"),
    ]);
    const found = findOperation(openApiDocument(), c.req.param("operationId"));
    if (!found) {
      throw new AppError("not-found", "Endpoint tidak ditemukan", "Lihat daftar endpoint di /docs.");
    }
    c.header("Cache-Control", "public, max-age=300");
    return c.html(<OperationPage {...found} />);
  });
