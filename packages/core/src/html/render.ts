import type { JSX } from "hono/jsx/jsx-runtime";

/**
 * The one way to turn markup into a string (a layout writes its own doctype) outside a request (emails, the API reference written
 * to a file): hono/jsx escapes every interpolated value; our components are synchronous, so the
 * result is a string at once. An async component here would be a mistake, and says so.
 */
export function renderToString(node: JSX.Element): string {
  if (node instanceof Promise) throw new Error("renderToString: components must be synchronous");
  const out: string | Promise<string> = (node as { toString(): string | Promise<string> }).toString();
  if (typeof out !== "string") throw new Error("renderToString: components must be synchronous");
  return out;
}
