/**
 * The one client script, for forms only; pages work without it. Served from /assets (CSP
 * `script-src 'self'`), no framework. Filled in by the forms: see `web/forms`.
 */
export const FORMS_SCRIPT = `"use strict";
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.dataset.sending === "1") { e.preventDefault(); return; }
  form.dataset.sending = "1";
  setTimeout(function () { delete form.dataset.sending; }, 8000);
});
`;
