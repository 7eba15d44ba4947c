import type { ClientView } from '../clients/client.dto.js';
import { html, type SafeHtml } from '../platform/html/html.js';
import { dataTable, when } from './view-helpers.js';

const NOTICES: Record<string, string> = { 'app-deleted': 'The application was deleted.' };

/** /portal/apps: the signed-in user's applications (OAuth clients), newest first, and a way to make one. */
export function appsListPage(v: { apps: readonly ClientView[]; more: boolean; notice?: string }): SafeHtml {
  const notice = v.notice ? NOTICES[v.notice] : undefined;
  return html`<h1>Applications</h1>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    <p>Your OAuth clients: each has a client id, and a confidential one a secret, to get tokens for the API.</p>
    <p class="actions"><a class="button" href="/portal/apps/new">New application</a></p>
    ${dataTable(
      ['Name', 'Client id', 'Type', 'Grant types', 'Status', 'Created'],
      v.apps.map(
        (a) =>
          html`<tr>
            <td><a href="/portal/apps/${encodeURIComponent(a.client_id)}">${a.name}</a></td>
            <td><code>${a.client_id}</code></td>
            <td>${a.type}${a.application_type === 'native' ? ', native' : ''}</td>
            <td>${a.grant_types.join(', ')}</td>
            <td class="${a.status === 'active' ? '' : 'status-disabled'}">${a.status}</td>
            <td>${when(a.created_at)}</td>
          </tr>`,
      ),
      'No applications yet: create one to get a client id.',
      'Your applications',
    )}
    ${v.more ? html`<p class="muted">Only the newest 100 are shown.</p>` : ''}`;
}
