import type { ApiKeyView } from '../../api-keys/api-key.dto.js';
import type { UserView } from '../../users/users.service.js';
import { html, type SafeHtml } from '../../platform/html/html.js';
import { csrfField } from '../../platform/html/page.js';
import { doneNotice } from '../confirm.views.js';
import { dataTable, provenance } from '../view-helpers.js';
import { ADMIN_NOTICES } from './admin-confirm.views.js';

export type AdminSection = 'overview' | 'users' | 'clients' | 'keys' | 'audit' | 'outbox';

const SECTIONS: [AdminSection, string, string][] = [
  ['overview', 'Overview', '/portal/admin'],
  ['users', 'Users', '/portal/admin/users'],
  ['clients', 'Applications', '/portal/admin/clients'],
  ['keys', 'API keys', '/portal/admin/keys'],
  ['audit', 'Audit log', '/portal/admin/audit'],
  ['outbox', 'Outbox', '/portal/admin/outbox'],
];

/** Every admin page starts with this: where you are, and the other sections. */
export function frame(section: AdminSection, heading: string, content: SafeHtml, notice?: string, done?: string): SafeHtml {
  const links = SECTIONS.map(([s, label, href]) =>
    s === section ? html`<a href="${href}" aria-current="page">${label}</a>` : html`<a href="${href}">${label}</a>`,
  );
  return html`<div class="admin">
    <nav class="admin-nav" aria-label="Admin">${links}<a href="/portal">Portal</a></nav>
    <h1>${heading}</h1>
    ${notice ? html`<p class="error" role="alert">${notice}</p>` : ''} ${doneNotice(ADMIN_NOTICES, done)} ${content}
  </div>`;
}

export function when(iso: string | null): SafeHtml | string {
  return iso ? html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')}</time>` : '—';
}

function fieldError(errors: Record<string, string>, name: string): SafeHtml | string {
  return errors[name] ? html`<span class="error field-error" id="${name}-error">${errors[name]}</span>` : '';
}

function select(name: string, value: string | undefined, options: [string, string][], errors: Record<string, string>): SafeHtml {
  return html`<select id="${name}" name="${name}" ${errors[name] ? html`aria-invalid="true" aria-describedby="${name}-error"` : ''}>
      ${options.map(([v, label]) => html`<option value="${v}" ${v === (value ?? '') ? 'selected' : ''}>${label}</option>`)}
    </select>
    ${fieldError(errors, name)}`;
}

function input(name: string, label: string, value: string | undefined, errors: Record<string, string>, type = 'text', placeholder = ''): SafeHtml {
  return html`<div class="field">
    <label for="${name}">${label}</label>
    <input
      id="${name}"
      name="${name}"
      type="${type}"
      value="${value ?? ''}"
      placeholder="${placeholder}"
      maxlength="200"
      ${errors[name] ? html`aria-invalid="true" aria-describedby="${name}-error"` : ''}
    />
    ${fieldError(errors, name)}
  </div>`;
}

export function pager(next: string | undefined, first: string | undefined): SafeHtml {
  return html`<p class="pager">${first ? html`<a href="${first}">First page</a>` : ''} ${next ? html`<a href="${next}" rel="next">Next page</a>` : ''}</p>`;
}

/** A link to the confirmation page of an action (the action itself is the POST there). */
export function confirmLink(href: string, label: string, danger = false): SafeHtml {
  return html`<a class="button small ${danger ? 'danger' : 'secondary'}" href="${href}">${label}</a>`;
}

export function button(action: string, csrf: string, label: string, fields: Record<string, string> = {}, danger = false): SafeHtml {
  return html`<form method="post" action="${action}" class="inline">
    ${csrfField(csrf)} ${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
    <button type="submit" class="${danger ? 'danger' : 'secondary'}">${label}</button>
  </form>`;
}

export interface UsersPageInput {
  csrf: string;
  meId: string;
  raw: Record<string, string>;
  errors: Record<string, string>;
  users: UserView[];
  next?: string;
  first?: string;
  /** The filter query string the action forms send back, so the list comes back the same. */
  back: string;
  notice?: string;
  done?: string;
}

const NEW_USER = html`<p class="actions"><a class="button" href="/portal/admin/users/new">New user</a></p>`;

export function usersPage(v: UsersPageInput): SafeHtml {
  const rows = v.users.map((u) => {
    const me = u.id === v.meId;
    const to = (action: string) => `/portal/admin/users/${u.id}/confirm?action=${action}${v.back ? `&back=${encodeURIComponent(v.back)}` : ''}`;
    const actions = me
      ? html`<span class="muted">you (ask another admin)</span>`
      : html`${u.status === 'active' ? confirmLink(to('disable'), 'Disable', true) : confirmLink(to('enable'), 'Enable')}
        ${u.role === 'admin' ? confirmLink(to('make_developer'), 'Make developer') : confirmLink(to('make_admin'), 'Make admin')}
        ${confirmLink(to('unlock'), 'Unlock sign-in')}`;
    return html`<tr>
      <td><a href="/portal/admin/users/${u.id}">${u.email}</a></td>
      <td>${u.display_name || html`<span class="muted">—</span>`}</td>
      <td>${u.role}</td>
      <td><span class="status status-${u.status}">${u.status}</span></td>
      <td>${when(u.created_at)}</td>
      <td class="actions">${actions}</td>
    </tr>`;
  });
  const form = html`<form method="get" action="/portal/admin/users" class="filters">
    ${input('q', 'Email or name contains', v.raw.q, v.errors)}
    <div class="field">
      <label for="role">Role</label>
      ${select(
        'role',
        v.raw.role,
        [
          ['', 'any'],
          ['admin', 'admin'],
          ['developer', 'developer'],
        ],
        v.errors,
      )}
    </div>
    <div class="field">
      <label for="status">Status</label>
      ${select(
        'status',
        v.raw.status,
        [
          ['', 'any'],
          ['active', 'active'],
          ['disabled', 'disabled'],
          ['invited', 'invited'],
        ],
        v.errors,
      )}
    </div>
    <button type="submit">Search</button>
  </form>`;
  const table = dataTable(['Email', 'Name', 'Role', 'Status', 'Created (UTC)', 'Actions'], rows, 'No user matches.');
  return frame('users', 'Users', html`${NEW_USER} ${form} ${table} ${pager(v.next, v.first)}`, v.notice, v.done);
}

export function keysPage(v: {
  csrf: string;
  keys: ApiKeyView[];
  owners: Map<string, string>;
  next?: string;
  first?: string;
  notice?: string;
  done?: string;
}): SafeHtml {
  const rows = v.keys.map(
    (k) =>
      html`<tr>
        <td>${k.name}</td>
        <td><code>${k.start}…${k.last4}</code></td>
        <td>${v.owners.get(k.owner_id) ?? k.owner_id}</td>
        <td>${k.scopes.join(' ')}</td>
        <td><span class="status status-${k.status}">${k.status}</span></td>
        <td>${when(k.last_used_at)}</td>
        <td>${when(k.created_at)}<br /><small class="muted">${provenance(k, 'the owner')}</small></td>
        <td>${when(k.expires_at)}</td>
        <td class="actions">${k.status === 'revoked' ? '' : confirmLink(`/portal/admin/keys/${k.id}/revoke`, 'Revoke', true)}</td>
      </tr>`,
  );
  const table = dataTable(['Name', 'Key', 'Owner', 'Scopes', 'Status', 'Last used (UTC)', 'Created, by', 'Expires', 'Actions'], rows, 'No API keys yet.');
  return frame(
    'keys',
    'API keys',
    html`<p class="muted">Only the public start and the last four characters of a key are ever shown. Revoking stops it on every instance at once.</p>
      ${table} ${pager(v.next, v.first)}`,
    v.notice,
    v.done,
  );
}

/**
 * Anything shaped like one of our secrets or a JWT, should it ever reach an event (a password typed
 * as an email stays, it is not recognisable). Linear time on any text: a match may only start where
 * a run of token characters starts (the lookbehind), so `eyJeyJeyJ...` is tried once, not at every
 * position (which made this quadratic: seconds per page on a 100 KB detail).
 */
const SECRET_SHAPES = /(?<![A-Za-z0-9_-])(?:gth_(?:live|test|cs)_[A-Za-z0-9_-]{8,}|eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*)/g;

export function redactSecrets(text: string): string {
  return text.replace(SECRET_SHAPES, '[redacted]');
}
