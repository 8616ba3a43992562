/**
 * The one stylesheet of every page: a single column readable on a 360 px phone, large targets,
 * colours at WCAG 2.1 AA contrast (text #1f1f1f / #4a4a4a on white, white on #0b6e4f, errors
 * #b3261e), a visible focus ring. No web fonts, no images: a slow connection loads it at once.
 */
export const SITE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f2f2f2;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f1f1f}
header.site{background:#0b6e4f;color:#fff;padding:10px 16px}
header.site a{color:#fff;font-weight:bold;text-decoration:none}
main{max-width:600px;margin:0 auto;padding:20px 16px 40px;background:#fff;min-height:100vh}
h1{font-size:24px;line-height:1.25;margin:0 0 12px}h2{font-size:20px;margin:24px 0 8px}
a{color:#0a5c8a}a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid #1a56db;outline-offset:2px}
dl{margin:0 0 16px}dt{color:#4a4a4a;font-size:15px}dd{margin:0 0 8px;font-weight:bold;overflow-wrap:anywhere}
fieldset{border:1px solid #8a8a8a;border-radius:6px;margin:0 0 16px;padding:12px}legend{font-weight:bold;padding:0 4px}
.field{margin:0 0 18px}
.field>label,.label{display:block;font-weight:bold;margin:0 0 4px}
.hint{display:block;color:#4a4a4a;font-size:15px;margin:0 0 6px}
input,select,textarea{font:inherit;color:inherit;max-width:100%}
input[type=text],input[type=email],input[type=tel],input[type=date],input[type=search],input:not([type]),select,textarea{display:block;width:100%;padding:10px;border:2px solid #6b6b6b;border-radius:6px;background:#fff;min-height:48px}
textarea{min-height:110px}
[aria-invalid=true]{border-color:#b3261e!important}
.choice{display:flex;gap:10px;align-items:flex-start;padding:8px 0}
.choice input{width:24px;height:24px;margin:2px 0 0;flex:none}
.field-error{color:#b3261e;font-weight:bold;margin:6px 0 0}
.error-summary{border:3px solid #b3261e;border-radius:6px;padding:12px 16px;margin:0 0 20px}
.error-summary h2{margin:0 0 8px;font-size:19px}.error-summary a{color:#b3261e;font-weight:bold}
button,.button{display:inline-block;font:inherit;font-weight:bold;padding:14px 20px;border:0;border-radius:6px;background:#0b6e4f;color:#fff;width:100%;text-align:center;text-decoration:none;cursor:pointer;min-height:48px}
button.secondary{background:#fff;color:#0b6e4f;border:2px solid #0b6e4f;width:auto;padding:10px 16px}
button[disabled]{opacity:.7}
.note{color:#4a4a4a;font-size:15px}
.error{background:#fdecea;border-left:4px solid #b3261e;padding:8px 12px;margin:0 0 16px}
.gone{border-left:4px solid #8a5a00;padding:8px 12px;background:#fff8e1}
.success{border-left:4px solid #0b6e4f;padding:8px 12px;background:#e8f5ee}
.code{font:bold 22px/1.3 ui-monospace,Menlo,Consolas,monospace;letter-spacing:1px;overflow-wrap:anywhere}
.cards{list-style:none;padding:0;margin:0}.cards li{border:1px solid #8a8a8a;border-radius:6px;padding:12px;margin:0 0 12px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px;border-bottom:1px solid #ccc;vertical-align:top}
.table-wrap{overflow-x:auto}
.option-input{margin:0 0 8px 34px}
.option:has(input[type=radio]):not(:has(input[type=radio]:checked)) .option-input{display:none}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
[hidden]{display:none!important}
@media (max-width:400px){main{padding:16px 12px 32px}h1{font-size:22px}}
/* H1 renderer: email-link pages (decision, attendance) */
.option{margin:0 0 4px}
.table-wrap td input[type=checkbox]{width:28px;height:28px;margin:4px}
/* H2 forms: village search, choices, status timelines, landing cards */
.search-row{display:flex;gap:8px;align-items:stretch}.search-row input{flex:1;min-width:0}
.search-row button.secondary{flex:none}
.village-choices{margin:8px 0 0;border:0;padding:0}
.region-selects .field{margin:0 0 12px}
.cards li>a{font-weight:bold;font-size:19px}
.timeline{padding-left:20px}.timeline li{margin:0 0 8px}.when{display:block;color:#4a4a4a;font-size:15px}
/* H3 Bimtek pages: session cards */
.cards h3{margin:0 0 8px;font-size:19px;line-height:1.3}
.back{margin:0 0 8px}
/* Bimtek participant page: the cancel confirmation stands apart from the facts below it */
.confirm{margin:0 0 20px}.confirm h2{margin-top:0}
/* ChoiceField labels sit in a .field fieldset: keep them a row (radio beside its text), not a bold block */
.field>label.choice{display:flex;font-weight:normal;margin:0}
/* API reference (/docs, H4): long paths and JSON examples wrap inside the column: no sideways scrolling at 360 px. */
.api-reference code{font:15px/1.4 ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.api-reference li,.api-reference p{overflow-wrap:anywhere}.api-reference .items{padding-left:20px}.api-reference .items li{margin:0 0 8px}
.api-reference pre.example{background:#f6f6f6;border:1px solid #8a8a8a;border-radius:6px;padding:10px;white-space:pre-wrap}
.api-reference pre.example code{overflow-wrap:anywhere}
.api-reference .operation{border-top:2px solid #8a8a8a;padding:8px 0 0;margin:0 0 24px}
.api-reference .method{display:inline-block;background:#0b6e4f;color:#fff;border-radius:4px;padding:0 6px;font-size:15px}
.api-reference .operation h1{font-size:20px;overflow-wrap:anywhere}.api-reference h1 code{font-size:inherit}.api-reference .operation h2{font-size:18px;margin:16px 0 4px}
`;
