/** The one stylesheet of the server-rendered pages, served from /portal/assets/style.css (no CDN). */
export const STYLESHEET = `:root { color-scheme: light dark; --accent: #2457c5; --muted: #6b7280; --danger: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { padding: 0.75rem 1.5rem; border-bottom: 1px solid #8884; }
.brand { font-weight: 700; text-decoration: none; color: inherit; }
main { max-width: 28rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; }
label { display: block; margin: 0.75rem 0 0.25rem; font-weight: 600; }
input[type=email], input[type=password], input[type=text] { width: 100%; padding: 0.5rem; font: inherit; border: 1px solid #8888; border-radius: 6px; }
button { font: inherit; padding: 0.5rem 1rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; margin-top: 1rem; }
button.secondary { background: transparent; color: inherit; border-color: #8888; }
.actions { display: flex; gap: 0.75rem; }
.error { color: var(--danger); }
.muted { color: var(--muted); font-size: 0.9rem; }
ul.scopes { padding-left: 1.25rem; }
ul.scopes code { font-size: 0.85rem; color: var(--muted); }
/* admin console (src/portal/admin) */
main:has(.admin) { max-width: 80rem; }
.admin-nav { display: flex; flex-wrap: wrap; gap: 1rem; margin-bottom: 1rem; }
.admin-nav a[aria-current] { font-weight: 700; text-decoration: none; }
.admin table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
.admin th, .admin td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem; border-bottom: 1px solid #8884; overflow-wrap: anywhere; }
.admin th { white-space: nowrap; overflow-wrap: normal; }
.admin td.actions { white-space: nowrap; vertical-align: middle; }
.admin form.inline { display: inline; }
.admin form.inline button { margin: 0 0.25rem 0 0; padding: 0.2rem 0.6rem; }
.admin .filters { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; margin-bottom: 1rem; }
.admin .filters .field { min-width: 10rem; }
.admin .filters label { margin-top: 0; }
.admin .filters button { margin-top: 0; }
.admin select, .admin input[type=datetime-local] { padding: 0.45rem; font: inherit; border: 1px solid #8888; border-radius: 6px; }
.field-error { display: block; font-size: 0.85rem; }
button.danger { background: var(--danger); border-color: var(--danger); }
.status-disabled, .status-revoked, .status-expired, tr.outcome-failure td:nth-child(3) { color: var(--danger); }
code.details { font-size: 0.8rem; }
.pager { display: flex; gap: 1rem; }
`;
