import { detailPairs } from '../../audit/audit-details.js';
import { AUDIT_TYPES, type AuditEventView } from '../../audit/audit.service.js';
import { html, type SafeHtml } from '../../platform/html/html.js';
import { dataTable } from '../view-helpers.js';
import { frame, redactSecrets, when } from './admin.views.js';
import { queryString } from './admin-query.js';

export interface AuditPageInput {
  raw: Record<string, string>;
  errors: Record<string, string>;
  events: AuditEventView[];
  /** Emails of the users named (actor, target, details), by id. */
  users: Map<string, string>;
  next?: string;
  previous?: string;
  first?: string;
  notice?: string;
}

const CLIENT_ID = /^(?:gth_[A-Za-z0-9_-]{1,100}|gatehouse-[a-z-]{1,60})$/;

function userLink(id: string, users: Map<string, string>): SafeHtml {
  const email = users.get(id)!;
  return html`<a href="/portal/admin/users${queryString({ q: email })}">${email}</a>`;
}

function clientLink(clientId: string): SafeHtml {
  return html`<a href="/portal/admin/clients${queryString({ q: clientId })}"><code>${clientId}</code></a>`;
}

/** A value that names a user (by id) or a client (by client_id) links to it; anything else is text, secrets masked. */
function linked(key: string, value: string, users: Map<string, string>): SafeHtml | string {
  if (users.has(value)) return userLink(value, users);
  if (key.endsWith('client_id') && CLIENT_ID.test(value)) return clientLink(value);
  return redactSecrets(value);
}

/** Details as a key/value list in one naming style (snake_case), never raw JSON. */
function details(e: AuditEventView, users: Map<string, string>): SafeHtml | '' {
  const pairs = detailPairs(e.details);
  if (!pairs.length) return '';
  return html`<dl class="kv">
    ${pairs.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${linked(k, v, users)}</dd>`,
    )}
  </dl>`;
}

function target(e: AuditEventView, users: Map<string, string>): SafeHtml | string {
  if (!e.target) return '';
  if (users.has(e.target)) return html`${userLink(e.target, users)}<br /><span class="muted">${e.target}</span>`;
  if (e.type.startsWith('client.') && CLIENT_ID.test(e.target)) return clientLink(e.target);
  return redactSecrets(e.target);
}

function actor(e: AuditEventView, users: Map<string, string>): SafeHtml {
  const user = e.actor_user_id ? (users.has(e.actor_user_id) ? userLink(e.actor_user_id, users) : e.actor_user_id) : '';
  const client = e.actor_client_id ? html`<span class="muted">client</span> ${clientLink(e.actor_client_id)}` : '';
  return html`${user}${user && client ? html`<br />` : ''}${client}`;
}

function filters(v: AuditPageInput): SafeHtml {
  const types: [string, string][] = [['', 'any'], ...AUDIT_TYPES.map((t): [string, string] => [t, t])];
  if (v.raw.type && !(AUDIT_TYPES as readonly string[]).includes(v.raw.type)) types.push([v.raw.type, v.raw.type]);
  const err = (name: string) => (v.errors[name] ? html`<span class="error field-error" id="${name}-error">${v.errors[name]}</span>` : '');
  const aria = (name: string) => (v.errors[name] ? html`aria-invalid="true" aria-describedby="${name}-error"` : '');
  const select = (name: string, options: [string, string][]) =>
    html`<select id="${name}" name="${name}" ${aria(name)}>
        ${options.map(([val, label]) => html`<option value="${val}" ${val === (v.raw[name] ?? '') ? 'selected' : ''}>${label}</option>`)}
      </select>
      ${err(name)}`;
  const input = (name: string, label: string, type: string, placeholder: string) =>
    html`<div class="field">
      <label for="${name}">${label}</label>
      <input id="${name}" name="${name}" type="${type}" value="${v.raw[name] ?? ''}" placeholder="${placeholder}" maxlength="200" ${aria(name)} />
      ${err(name)}
    </div>`;
  return html`<form method="get" action="/portal/admin/audit" class="filters">
    <div class="field"><label for="type">Event</label>${select('type', types)}</div>
    ${input('actor', 'Actor (email, user id or client id)', 'text', '')}
    <div class="field">
      <label for="outcome">Outcome</label>${select('outcome', [
        ['', 'any'],
        ['success', 'success'],
        ['failure', 'failure'],
      ])}
    </div>
    ${input('since', 'From (UTC, inclusive)', 'text', 'YYYY-MM-DDTHH:MM')} ${input('until', 'Until (UTC, exclusive)', 'text', 'YYYY-MM-DDTHH:MM')}
    <button type="submit">Filter</button>
  </form>`;
}

/** "Previous", "Next" and "First page" links; each keeps the filters. */
function pager(v: AuditPageInput): SafeHtml {
  return html`<p class="pager">
    ${v.first ? html`<a href="${v.first}">First page</a>` : ''} ${v.previous ? html`<a href="${v.previous}" rel="prev">Previous page</a>` : ''}
    ${v.next ? html`<a href="${v.next}" rel="next">Next page</a>` : ''}
  </p>`;
}

export function auditPage(v: AuditPageInput): SafeHtml {
  const rows = v.events.map(
    (e) =>
      html`<tr class="outcome-${e.outcome}">
        <td>${when(e.created_at)}</td>
        <td><code>${e.type}</code></td>
        <td>${e.outcome}</td>
        <td>${actor(e, v.users)}</td>
        <td>${target(e, v.users)}</td>
        <td>${e.ip ?? ''}</td>
        <td>${details(e, v.users)}</td>
      </tr>`,
  );
  const { cursor: _c, before: _b, ...kept } = v.raw;
  const csv = `/portal/admin/audit/export${queryString(kept)}`;
  const table = dataTable(['Time (UTC)', 'Event', 'Outcome', 'Actor', 'Target', 'Address', 'Details'], rows, 'No event matches.');
  const intro = html`<p class="muted">
    Times are UTC: type them as <code>2026-11-28T09:00</code> (or with a zone, e.g. <code>+02:00</code>).
    <a href="${csv}" download>Export these events as CSV</a>
    (every event of the filter, newest first, at most 10,000).
  </p>`;
  return frame('audit', 'Audit log', html`${filters(v)} ${intro} ${table} ${pager(v)}`, v.notice);
}
