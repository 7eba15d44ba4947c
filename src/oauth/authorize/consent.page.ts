import { SCOPES, isKnownScope } from '../../auth/scopes.js';
import { html, type SafeHtml } from '../../web/html.js';
import { csrfField } from '../../web/page.js';
import type { AuthorizeRequest } from './authorize-request.js';

/** The consent page: names the client and each scope in words; allow and deny post back with CSRF. */
export function consentPage(input: { request: AuthorizeRequest; query: string; csrf: string; userEmail: string }): SafeHtml {
  const { request, query, csrf, userEmail } = input;
  const host = new URL(request.redirectUri).host;
  const scopes = request.scopes.map((s) => html`<li>${isKnownScope(s) ? SCOPES[s] : s} <code>${s}</code></li>`);
  return html`<h1>Allow ${request.client.name} to access your account?</h1>
    <p><strong>${request.client.name}</strong> asks to:</p>
    <ul class="scopes">
      ${scopes}
    </ul>
    <p class="muted">You will be sent back to ${host}. You can withdraw this permission at any time.</p>
    <form method="post" action="/oauth2/authorize">
      ${csrfField(csrf)}
      <input type="hidden" name="authz" value="${query}" />
      <div class="actions">
        <button type="submit" name="decision" value="allow">Allow</button>
        <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
      </div>
    </form>
    <p class="muted">Signed in as ${userEmail}.</p>`;
}
