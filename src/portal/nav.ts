import { html, type SafeHtml } from '../platform/html/html.js';
import { csrfField } from '../platform/html/page.js';

/** Which nav entry is the current page (marked with aria-current). */
export type NavItem = 'dashboard' | 'apps' | 'keys' | 'connected-apps' | 'account' | 'admin';

/**
 * The navigation bar of a signed-in portal page: Dashboard, Applications, API keys, Connected apps, Account, Admin (admin
 * users only), who is signed in, and a sign-out button (a POST with the session's CSRF token).
 * Pass it as `sendPage(..., { nav: sessionNav(active.user, csrf, 'admin') })`.
 */
export function sessionNav(user: { email: string; role: string }, csrf: string, current?: NavItem): SafeHtml {
  const item = (key: NavItem, href: string, label: string) => html`<li><a href="${href}" ${key === current ? html`aria-current="page"` : ''}>${label}</a></li>`;
  return html`<nav aria-label="Portal">
    <ul>
      ${item('dashboard', '/portal', 'Dashboard')} ${item('apps', '/portal/apps', 'Applications')} ${item('keys', '/portal/keys', 'API keys')}
      ${item('connected-apps', '/portal/connected-apps', 'Connected apps')} ${item('account', '/portal/account', 'Account')}
      ${user.role === 'admin' ? item('admin', '/portal/admin', 'Admin') : ''}
    </ul>
    <form method="post" action="/portal/signout" class="signout">
      ${csrfField(csrf)}
      <span class="muted">${user.email}</span>
      <button type="submit" class="secondary small">Sign out</button>
    </form>
  </nav>`;
}
