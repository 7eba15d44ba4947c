import type { ClientView } from '../../clients/client.dto.js';
import { html, type SafeHtml } from '../../platform/html/html.js';
import { dataTable, provenance } from '../view-helpers.js';
import { button, frame, pager, when } from './admin.views.js';

/** What a client's own tokens see of the user directory (the rule of DirectoryService). */
function directory(c: ClientView): SafeHtml {
  if (c.directory_access) return html`whole (allowed)`;
  return c.owner_id ? html`<span class="muted">owner only, unless owned by an admin</span>` : html`whole (no owner)`;
}

/** Which tokens the client may introspect: any access token of the API audience (a resource server) or its own. */
function introspection(c: ClientView): SafeHtml {
  if (c.type !== 'confidential') return html`<span class="muted">none (public)</span>`;
  return c.resource_server ? html`any access token (resource server)` : html`<span class="muted">its own tokens</span>`;
}

function actions(c: ClientView, csrf: string): SafeHtml {
  const at = (what: string) => `/portal/admin/clients/${encodeURIComponent(c.client_id)}/${what}`;
  const resourceServer =
    c.type !== 'confidential'
      ? ''
      : c.resource_server
        ? button(at('resource-server'), csrf, 'Own tokens only', { introspect: 'own' })
        : button(at('resource-server'), csrf, 'Make resource server', { introspect: 'any' });
  return html`${
    c.directory_access
      ? button(at('directory'), csrf, 'Owner only', { access: 'owner' })
      : button(at('directory'), csrf, 'Allow directory', { access: 'whole' })
  }
  ${resourceServer}
  ${c.status === 'active' ? button(at('status'), csrf, 'Disable', { status: 'disabled' }) : button(at('status'), csrf, 'Enable', { status: 'active' })}
  ${button(at('delete'), csrf, 'Delete', {}, true)}`;
}

export function clientsPage(v: { csrf: string; clients: ClientView[]; owners: Map<string, string>; next?: string; first?: string; notice?: string }): SafeHtml {
  const rows = v.clients.map(
    (c) =>
      html`<tr>
        <td>${c.name}</td>
        <td><code>${c.client_id}</code></td>
        <td>${c.type}</td>
        <td>${c.owner_id ? (v.owners.get(c.owner_id) ?? c.owner_id) : html`<span class="muted">none (system)</span>`}</td>
        <td>${c.scopes.join(' ')}</td>
        <td>${c.grant_types.join(' ')}</td>
        <td><span class="status status-${c.status}">${c.status}</span></td>
        <td>${directory(c)}</td>
        <td>${introspection(c)}</td>
        <td>${when(c.created_at)}<br /><small class="muted">${provenance(c, 'the owner')}</small></td>
        <td class="actions">${actions(c, v.csrf)}</td>
      </tr>`,
  );
  const table = dataTable(
    ['Name', 'Client id', 'Type', 'Owner', 'Scopes', 'Grants', 'Status', 'Directory', 'Introspects', 'Created (UTC), by', 'Actions'],
    rows,
    'No applications yet.',
  );
  return frame(
    'clients',
    'Applications (OAuth clients)',
    html`<p class="muted">
        Every owner's clients. Disabling or deleting one stops its token requests, and the access tokens it holds, at once. "Directory" is what the client's own
        tokens with <code>users:read</code> see on <code>GET /v1/users</code>: every user when you allowed it, or its owner is an admin, or it has no owner;
        otherwise only its owner's record. "Introspects" is what it may ask <code>POST /oauth2/introspect</code> about: a resource server (an API you protect
        with Gatehouse tokens) any access token issued for the API audience, so it honours revocation before expiry; any other client only its own tokens.
      </p>
      ${table} ${pager(v.next, v.first)}`,
    v.notice,
  );
}
