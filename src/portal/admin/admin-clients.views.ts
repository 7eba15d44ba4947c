import type { ClientView } from '../../clients/client.dto.js';
import { html, type SafeHtml } from '../../platform/html/html.js';
import { dataTable, provenance } from '../view-helpers.js';
import { confirmLink, frame, pager, when } from './admin.views.js';

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

/** Each action is a link to its confirmation page; a first-party client has no Delete (disable only). */
function actions(c: ClientView, firstParty: boolean): SafeHtml {
  const to = (action: string) => `/portal/admin/clients/${encodeURIComponent(c.client_id)}/confirm?action=${action}`;
  const resourceServer =
    c.type !== 'confidential'
      ? ''
      : c.resource_server
        ? confirmLink(to('own_tokens'), 'Own tokens only')
        : confirmLink(to('make_resource_server'), 'Make resource server');
  return html`${c.directory_access ? confirmLink(to('owner_only'), 'Owner only') : confirmLink(to('allow_directory'), 'Allow directory')} ${resourceServer}
  ${c.status === 'active' ? confirmLink(to('disable'), 'Disable', true) : confirmLink(to('enable'), 'Enable')}
  ${firstParty ? html`<span class="muted">first-party: disable only</span>` : confirmLink(to('delete'), 'Delete', true)}`;
}

export function clientsPage(v: {
  clients: ClientView[];
  owners: Map<string, string>;
  firstParty: Set<string>;
  next?: string;
  first?: string;
  notice?: string;
  done?: string;
  /** The search the list shows (a link from the audit log), if any. */
  q?: string;
}): SafeHtml {
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
        <td class="actions">${actions(c, v.firstParty.has(c.client_id))}</td>
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
      ${v.q ? html`<p>Showing the applications whose name or client id contains <code>${v.q}</code>. <a href="/portal/admin/clients">Show all</a></p>` : ''}
      ${table} ${pager(v.next, v.first)}`,
    v.notice,
    v.done,
  );
}
