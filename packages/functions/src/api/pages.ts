import { escapeHtml } from "@sigap/core/mail/render";
import type { Context } from "hono";

/**
 * The one layout for pages people open from email: a single column readable on a phone, no
 * scripts, no external assets (a slow connection loads it at once).
 */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · SIGAP</title><style>
body{margin:0;background:#f4f4f4;font:17px/1.5 Arial,Helvetica,sans-serif;color:#222}
main{max-width:560px;margin:0 auto;padding:20px 16px;background:#fff;min-height:100vh;box-sizing:border-box}
h1{font-size:22px;margin:0 0 12px}dl{margin:0 0 16px}dt{color:#555;font-size:14px}dd{margin:0 0 8px;font-weight:bold}
fieldset{border:1px solid #ccc;border-radius:6px;margin:0 0 16px;padding:12px}legend{font-weight:bold}
label{display:block;padding:8px 0}textarea{width:100%;box-sizing:border-box;font:inherit;min-height:90px}
button{font:inherit;font-weight:bold;padding:14px 20px;border:0;border-radius:6px;background:#0b6e4f;color:#fff;width:100%}
.note{color:#555;font-size:15px}.error{background:#fdecea;border-left:4px solid #c62828;padding:8px 12px;margin:0 0 16px}
.gone{border-left:4px solid #c77700;padding:8px 12px;background:#fff8e1}\ninput:not([type]){width:100%;box-sizing:border-box;font:inherit;padding:8px}.option-input{margin:0 0 8px 24px}\n.option:has(input[type=radio]):not(:has(input[type=radio]:checked)) .option-input{display:none}</style></head><body><main>${body}</main></body></html>`;
}

export function facts(items: Array<{ label: string; value: string }>): string {
  return `<dl>${items.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`).join("")}</dl>`;
}

/** A link whose id or code is unknown, malformed or wrong: one answer for all, revealing nothing. */
export function unknownLinkPage(c: Context) {
  return c.html(
    page(
      "Tautan tidak dikenal",
      "<h1>Tautan tidak dikenal</h1><p>Periksa kembali tautan pada email Anda; mungkin terpotong.</p>",
    ),
    404,
  );
}

export { escapeHtml };
