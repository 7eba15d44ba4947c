/** The one stylesheet of the server-rendered pages, served from /portal/assets/style.css (no CDN). */
export const STYLESHEET = `/*
 * The palette, both colour schemes, WCAG 2.2 AA (contrast ratios computed with the WCAG formula):
 * light, on #ffffff: text #1a1a1a 17.4:1, links/accent #1d4ed8 6.7:1, muted #595f6b 6.4:1, danger #b42318 6.6:1,
 *   warning #8a4b00 on #fff4e5 6.3:1; button text #ffffff on #1d4ed8 6.7:1 and on #b42318 6.6:1.
 * dark, on #121212: text #e6e6e6 15.0:1, links/accent #8ab4ff 9.0:1, muted #a9b0bb 8.6:1, danger #ff8a80 8.2:1,
 *   warning #ffcc80 on #2b1d00 11.1:1; button text #121212 on #8ab4ff 9.0:1 and on #ff8a80 8.2:1.
 * test/portal-a11y-browser.e2e-spec.ts runs axe-core on every page in both schemes.
 */
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1a1a1a; --accent: #1d4ed8; --on-accent: #ffffff; --muted: #595f6b; --danger: #b42318; --on-danger: #ffffff; --warn-bg: #fff4e5; --warn: #8a4b00; --line: #8886; --field-line: #767676; --focus: #1d4ed8; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121212; --fg: #e6e6e6; --accent: #8ab4ff; --on-accent: #121212; --muted: #a9b0bb; --danger: #ff8a80; --on-danger: #121212; --warn-bg: #2b1d00; --warn: #ffcc80; --line: #fff4; --field-line: #8f8f8f; --focus: #8ab4ff; }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); overflow-wrap: break-word; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
header { padding: 0.75rem 1.5rem; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; align-items: center; gap: 1rem 2rem; }
.brand { font-weight: 700; text-decoration: none; color: inherit; }
header nav { display: flex; flex: 1; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1.5rem; }
header nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; list-style: none; margin: 0; padding: 0; }
header nav a { text-decoration: none; color: inherit; }
header nav a:hover, header nav a[aria-current=page] { color: var(--accent); text-decoration: underline; text-underline-offset: 0.3em; }
form.signout { display: flex; align-items: center; gap: 0.75rem; margin: 0; }
form.signout button { margin-top: 0; white-space: nowrap; }
main { max-width: 28rem; margin: 2rem auto; padding: 0 1rem; }
main.wide { max-width: 64rem; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
a { color: var(--accent); }
label, .label { display: block; margin: 0.75rem 0 0.25rem; font-weight: 600; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0.75rem 0; padding: 0.5rem 0.75rem; }
legend { font-weight: 600; padding: 0 0.25rem; }
fieldset label { display: flex; gap: 0.5rem; align-items: baseline; font-weight: normal; margin: 0.25rem 0; }
input[type=email], input[type=password], input[type=text], input[type=date], select, textarea { width: 100%; padding: 0.5rem; font: inherit; border: 1px solid var(--field-line); border-radius: 6px; background: transparent; color: inherit; }
textarea { min-height: 5rem; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9rem; }
form.narrow { max-width: 36rem; }
[aria-invalid=true], fieldset.invalid { border-color: var(--danger); }
.field-error { color: var(--danger); margin: 0.25rem 0 0; font-size: 0.9rem; }
button, .button { display: inline-block; font: inherit; padding: 0.5rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: var(--on-accent); cursor: pointer; margin-top: 1rem; text-decoration: none; }
button.secondary, .button.secondary { background: transparent; color: inherit; border-color: var(--field-line); }
button.danger, .button.danger { background: var(--danger); border-color: var(--danger); color: var(--on-danger); }
button.small { padding: 0.2rem 0.6rem; font-size: 0.9rem; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
.error { color: var(--danger); }
.notice { border-left: 4px solid var(--accent); padding: 0.5rem 0.75rem; background: #2457c518; }
.warning { border-left: 4px solid var(--warn); padding: 0.5rem 0.75rem; background: var(--warn-bg); color: var(--warn); }
.muted { color: var(--muted); font-size: 0.9rem; }
ul.scopes { padding-left: 1.25rem; }
ul.scopes code { font-size: 0.85rem; color: var(--muted); }
table { width: 100%; border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
tr.inactive td { color: var(--muted); }
dl.details { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1rem; }
dl.details dt { font-weight: 600; }
dl.details dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.85rem; }
pre { padding: 0.75rem; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.secret-box { border: 2px solid var(--warn); border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; }
.copy-row { display: flex; gap: 0.5rem; align-items: center; }
.copy-row input { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.copy-row button { margin-top: 0; white-space: nowrap; }
.copy-inline { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; align-items: center; }
.copy-inline button, .snippet-head button { margin-top: 0; }
.snippet-head { display: flex; justify-content: flex-end; margin-top: 0.75rem; }
.snippet-head + pre { margin-top: 0.25rem; }
section.danger-zone { border: 1px solid var(--danger); border-radius: 8px; padding: 0 1rem 1rem; margin-top: 2rem; }
/* API keys and secrets (issue 17): wide tables scroll inside the page, never widen it; filters; rotation pairs */
.scroll-x { overflow-x: auto; max-width: 100%; }
nav.filters ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; margin: 0.5rem 0; padding: 0; }
nav.filters a[aria-current=page] { font-weight: 700; text-decoration: none; }
.pair { display: block; font-size: 0.9rem; color: var(--muted); overflow-wrap: anywhere; }
@media (max-width: 40rem) {
  .stack thead { display: none; }
  .stack tr { display: block; border-bottom: 1px solid var(--line); padding: 0.5rem 0; }
  .stack td { display: grid; grid-template-columns: 6rem 1fr; gap: 0.5rem; border: 0; padding: 0.15rem 0; overflow-wrap: anywhere; }
  .stack td::before { content: attr(data-label); font-weight: 600; }
}
/* admin console (src/portal/admin) */
main:has(.admin) { max-width: 80rem; }
.admin-nav { display: flex; flex-wrap: wrap; gap: 1rem; margin-bottom: 1rem; }
.admin-nav a[aria-current] { font-weight: 700; text-decoration: none; }
.admin table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
.admin th, .admin td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem; border-bottom: 1px solid var(--line); }
.admin th { white-space: nowrap; }
.admin td.actions { white-space: nowrap; vertical-align: middle; }
.admin form.inline { display: inline; }
.admin form.inline button { margin: 0 0.25rem 0 0; padding: 0.2rem 0.6rem; }
.admin .filters { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; margin-bottom: 1rem; }
.admin .filters .field { min-width: 10rem; }
.admin .filters label { margin-top: 0; }
.admin .filters button { margin-top: 0; }
.admin select, .admin input[type=datetime-local] { padding: 0.45rem; font: inherit; border: 1px solid var(--field-line); border-radius: 6px; background: transparent; color: inherit; }
.field-error { display: block; font-size: 0.85rem; }
.status-disabled, .status-revoked, .status-expired, tr.outcome-failure td:nth-child(3) { color: var(--danger); }
code.details { font-size: 0.8rem; }
.pager { display: flex; gap: 1rem; }
/* account page (src/portal/account.views.ts) and the outbox */
ul.sessions { list-style: none; padding: 0; }
ul.sessions li { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: center; padding: 0.5rem 0; border-bottom: 1px solid var(--line); }
ul.sessions li form { margin: 0; }
ul.sessions li button { margin-top: 0; }
pre.mail { max-width: 100%; }
.table-scroll { max-width: 100%; overflow-x: auto; }
.admin h1 { overflow-wrap: anywhere; }
/* confirmation pages and notices (src/portal/confirm.views.ts); wide tables scroll inside themselves, never the page */
.confirm-actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
.confirm-actions .button, .confirm-actions button { margin-top: 0.5rem; }
a.button.small { padding: 0.2rem 0.6rem; font-size: 0.9rem; margin: 0 0.25rem 0.25rem 0; }
.admin table { display: block; overflow-x: auto; max-width: 100%; }
.admin table.totals { display: table; } /* its box (.scroll-x, focusable) scrolls at 390 px, not the table */
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr)); gap: 1rem; }
figure.chart { margin: 0; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .bar { fill: var(--accent); }
svg.chart .axis { stroke: var(--muted); stroke-width: 1; }
svg.chart .label { fill: var(--muted); font-size: 9px; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); gap: 1rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.5rem; margin: 0; font-size: 0.8rem; }
dl.kv dt { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--muted); }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
form.switch-account button { margin: 0 0 0 0.25rem; }
.error-nav { margin-top: 1.5rem; }
.error-nav .button { margin-top: 0; }
/* long unbroken values (ids, URIs, JSON) wrap anywhere; prose breaks between words only */
code, td code, dd code, .value { overflow-wrap: anywhere; }
/* a table scrolls inside its own box (focusable, named), never the page */
.table-scroll { max-width: 100%; overflow-x: auto; margin: 0.5rem 0 1rem; }
.table-scroll > table { margin: 0; }
/* small screens (390 px phones): a compact header, narrower gutters, tables wide enough to read inside their box */
@media (max-width: 40rem) {
  header { flex-wrap: nowrap; align-items: flex-start; gap: 0.5rem; padding: 0.4rem 0.75rem; }
  .brand { padding-top: 0.2rem; }
  header nav { flex-wrap: wrap; min-width: 0; gap: 0.25rem 0.75rem; font-size: 0.9rem; }
  header nav ul { order: 2; flex: 1 0 100%; flex-wrap: nowrap; overflow-x: auto; gap: 0.25rem 0.9rem; white-space: nowrap; padding-bottom: 0.15rem; }
  form.signout { margin-left: auto; gap: 0.5rem; min-width: 0; }
  form.signout .muted { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 11rem; }
  main { margin: 1rem auto; padding: 0 0.75rem; }
  .table-scroll > table, .table-scroll tbody, .table-scroll tr, .table-scroll td { display: block; width: 100%; }
  .table-scroll thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  .table-scroll tr { border-bottom: 1px solid var(--line); padding: 0.4rem 0; }
  .table-scroll td, .admin .table-scroll td { position: relative; border: 0; padding: 0.15rem 0 0.15rem 8rem; min-height: 1.7rem; white-space: normal; }
  .table-scroll td::before { content: attr(data-label); position: absolute; left: 0; width: 7.5rem; font-weight: 600; }
  .table-scroll td[data-label=""] { padding-left: 0; }
  .table-scroll td:empty { display: none; }
  dl.details { grid-template-columns: 1fr; }
  dl.details dd { margin-bottom: 0.5rem; }
  .copy-row { flex-wrap: wrap; }
  .copy-row input { flex: 1 1 12rem; min-width: 0; }
}
`;

/**
 * The copy button's script, served from /portal/assets/copy.js (same origin, so the CSP allows it
 * with script-src 'self'; no inline script). A button `data-copy="ID"` copies the value of the field
 * ID, or the text of the element ID (a client id, a snippet). Buttons start hidden: without JavaScript
 * the value is still in a readonly, selectable field or text.
 */
export const COPY_JS = `'use strict';
document.querySelectorAll('button[data-copy]').forEach(function (button) {
  var field = document.getElementById(button.getAttribute('data-copy'));
  if (!field) return;
  var isField = 'value' in field && (field.tagName === 'INPUT' || field.tagName === 'TEXTAREA');
  var text = function () { return isField ? field.value : field.textContent; };
  var select = function () {
    if (isField) return field.select();
    var range = document.createRange();
    range.selectNodeContents(field);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  };
  button.hidden = false;
  button.addEventListener('click', function () {
    var done = function () { button.textContent = 'Copied'; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text()).then(done, select);
    } else {
      select();
      if (document.execCommand('copy')) done();
    }
  });
});
`;
