import { Hono } from "hono";

/**
 * `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (a reference page rendered on the
 * server from it: no script, no CDN). The document and its schema converter load on the first
 * request, not at cold start.
 */
export const openApi = new Hono()
  .get("/openapi.json", async (c) => {
    const { openApiDocument } = await import("./document");
    c.header("Cache-Control", "public, max-age=300");
    return c.json(openApiDocument());
  })
  .get("/docs", async (c) => {
    const [{ openApiDocument }, { ReferencePage }] = await Promise.all([
      import("./document"),
      import("./docs"),
    ]);
    c.header("Cache-Control", "public, max-age=300");
    return c.html(<ReferencePage document={openApiDocument()} />);
  });
