import type { LiveSecretView } from '../clients/client-secrets.service.js';
import type { ClientView } from '../clients/client.dto.js';
import { html, type SafeHtml } from '../platform/html/html.js';
import { csrfField } from '../platform/html/page.js';
import { untilText } from './keys-lifecycle.views.js';
import { when } from './view-helpers.js';

/** The secrets that work now: the current one and, during a rotation's grace period, the previous ones with their end. */
export function liveSecrets(clientId: string, secrets: readonly LiveSecretView[]): SafeHtml {
  const previous = secrets.filter((s) => s.expires_at !== null);
  const id = encodeURIComponent(clientId);
  return html`<h2>Secrets</h2>
    <p id="live-secrets-count">${secrets.length === 1 ? '1 secret works now.' : `${secrets.length} secrets work now.`}</p>
    <ul id="live-secrets">
      ${secrets.map(
        (s) =>
          html`<li>
            <code>…${s.hint}</code> ${
              s.expires_at
                ? html`previous secret: stops working <strong>${untilText(s.expires_at)}</strong> (${when(s.expires_at)})`
                : html`current secret, made ${when(s.created_at)}`
            }
          </li>`,
      )}
    </ul>
    ${previous.length ? html`<p><a class="button secondary" href="/portal/apps/${id}/secret/end-previous">End the previous secret now…</a></p>` : ''}`;
}

/** The confirmation before ending the previous secrets early. */
export function endPreviousPage(v: { csrf: string; client: ClientView; secrets: readonly LiveSecretView[] }): SafeHtml {
  const id = encodeURIComponent(v.client.client_id);
  const previous = v.secrets.filter((s) => s.expires_at !== null);
  return html`<h1>End the previous secret of ${v.client.name} now?</h1>
    <p>
      ${previous.map((s) => html`The secret <code>…${s.hint}</code> would keep working until ${when(s.expires_at)}. `)} Ended now, every token request with it
      is refused at once, on every server. The current secret keeps working.
    </p>
    <form method="post" action="/portal/apps/${id}/secret/end-previous">
      ${csrfField(v.csrf)}
      <div class="actions">
        <button type="submit" class="danger">End the previous secret</button>
        <a href="/portal/apps/${id}">Cancel</a>
      </div>
    </form>`;
}
