import { SCOPES, isKnownScope } from '../../auth/scopes.js';
import { html, type SafeHtml } from '../../platform/html/html.js';
import { csrfField } from '../../platform/html/page.js';
import type { AuthorizeRequest } from './authorize-request.js';
import { homepageUrlProblem } from '../../clients/client-rules.js';

/** The consent page: names the client and each scope in words; allow and deny post back with CSRF. */
export function consentPage(input: { request: AuthorizeRequest; query: string; csrf: string; userEmail: string }): SafeHtml {
  const { request, query, csrf, userEmail } = input;
  const host = new URL(request.redirectUri).host;
  const scopes = request.scopes.map((s) => html`<li>${isKnownScope(s) ? SCOPES[s] : s} <code>${s}</code></li>`);
  const makes = delegationNote(request.client.name, request.scopes);
  return html`<h1>Allow ${request.client.name} to access your account?</h1>
    ${homepage(request.client.name, request.client.homepageUrl)}
    <p><strong>${request.client.name}</strong> asks to:</p>
    <ul class="scopes">
      ${scopes}
    </ul>
    ${makes}
    <p class="muted">You will be sent back to ${host}. You can withdraw this permission at any time.</p>
    <form method="post" action="/oauth2/authorize">
      ${csrfField(csrf)}
      <input type="hidden" name="authz" value="${query}" />
      <div class="actions">
        <button type="submit" name="decision" value="allow">Allow</button>
        <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
      </div>
    </form>
    <form method="post" action="/portal/switch-account" class="switch-account">
      ${csrfField(csrf)}
      <input type="hidden" name="return_to" value="/oauth2/authorize?${query}" />
      <p class="muted">Signed in as <strong>${userEmail}</strong>. Not you? <button type="submit" class="secondary small">Switch account</button></p>
    </form>`;
}

/** The client's home page as a link, when it has one that passes the rules (never a `javascript:` URL stored some other way). */
function homepage(name: string, url: string | null): SafeHtml | '' {
  if (!url || homepageUrlProblem(url)) return '';
  return html`<p class="muted" id="client-homepage">${name}: <a href="${url}" rel="noopener noreferrer nofollow">${url}</a></p>`;
}

/** Scopes that reach no data of the user's: not listed as what a made key or application may do. */
const NOT_DATA = new Set(['keys:manage', 'clients:manage', 'profile', 'openid', 'email']);

/**
 * What an app with keys:manage or clients:manage can make, in plain words (issue 12): never more than
 * the other permissions asked here, and nothing that outlives this permission.
 */
export function delegationNote(appName: string, scopes: readonly string[]): SafeHtml | '' {
  const kinds = [scopes.includes('keys:manage') ? 'API keys' : '', scopes.includes('clients:manage') ? 'applications' : ''].filter(Boolean);
  if (kinds.length === 0) return '';
  const others = scopes.filter((s) => !NOT_DATA.has(s) && isKnownScope(s));
  const what = kinds.join(' and ');
  const limit = others.length
    ? html`with at most the permissions listed here (<code>${others.join(' ')}</code> on your data)`
    : html`but, as nothing else is asked here, they can do nothing with your data`;
  return html`<p class="notice" id="delegation">
    ${appName} will be able to create ${what} in your name, ${limit}. They are listed under Connected apps, and they stop working as soon as you withdraw this
    permission.
  </p>`;
}
