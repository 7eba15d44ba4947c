import { KEY_SCOPES, type ApiKeyView } from '../api-keys/api-key.dto.js';
import { html, type SafeHtml } from '../platform/html/html.js';
import { csrfField } from '../platform/html/page.js';
import { shellWord } from '../platform/html/shell.js';
import type { KeyFilter } from '../api-keys/api-key-filters.js';
import type { Successor } from '../api-keys/api-key-lifecycle.service.js';
import { renameForm, rotationNote, keyFilters, untilText } from './keys-lifecycle.views.js';
import type { FieldErrors } from './portal-form.js';
import { checkboxes, dataTable, fieldError, graceSelect, invalid, otherErrors, provenance, secretBox, snippet, when } from './view-helpers.js';

export interface KeyFormValues {
  name: string;
  scopes: string[];
  expiresAt: string;
  environment: string;
}

/** How a key is shown in lists: its public start and last four characters, never the secret. */
export function keyPrefix(k: ApiKeyView): string {
  return `${k.start}…${k.last4}`;
}

/** A key's state in words: active, rotating (working until its grace period ends), expired, revoked. */
export function keyState(k: ApiKeyView): string {
  return k.status === 'active' && k.rotated_at ? 'rotating' : k.status;
}

export function keysTable(keys: readonly ApiKeyView[], successors: ReadonlyMap<string, Successor> = new Map()): SafeHtml {
  const rows = keys.map(
    (k) =>
      html`<tr class="${k.status === 'active' ? '' : 'inactive'}" data-key-id="${k.id}">
        <td data-label="Name"><a href="/portal/keys/${k.id}">${k.name}</a></td>
        <td data-label="Key"><code>${keyPrefix(k)}</code></td>
        <td data-label="Scopes">${k.scopes.join(' ')}</td>
        <td data-label="Status"><div>${keyState(k)} ${rotationNote(k, successors.get(k.id))}</div></td>
        <td data-label="Created">
          <div>${when(k.created_at)}<br /><small class="muted">${provenance(k)}</small></div>
        </td>
        <td data-label="Last used">${when(k.last_used_at)}</td>
        <td data-label="Expires">${when(k.expires_at)}</td>
      </tr>`,
  );
  return html`<div class="scroll-x stack">
    ${dataTable(['Name', 'Key', 'Scopes', 'Status', 'Created', 'Last used', 'Expires'], rows, 'No API keys here.')}
  </div>`;
}

const NOTICES: Record<string, string> = {
  revoked: 'The API key was revoked: it stopped working now.',
  renamed: 'The API key was renamed.',
  expired: 'The old key stopped working now; its replacement keeps working.',
};

export function keysPage(v: {
  keys: readonly ApiKeyView[];
  successors: ReadonlyMap<string, Successor>;
  filter: KeyFilter;
  more: boolean;
  notice?: string;
}): SafeHtml {
  const notice = v.notice ? NOTICES[v.notice] : undefined;
  return html`<h1>API keys</h1>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    <p>API keys open the Data API (<code>/v1/data</code>) for services that cannot do OAuth: send one as <code>X-API-Key</code>. They act for you.</p>
    <p><a class="button" href="/portal/keys/new">Create an API key</a></p>
    ${keyFilters(v.filter)} ${v.filter === 'current' ? html`<p class="muted">Keys that work now; revoked and expired keys are under their filters.</p>` : ''}
    ${keysTable(v.keys, v.successors)} ${v.more ? html`<p class="muted">Only the newest 100 are shown.</p>` : ''}`;
}

const KEY_FIELDS = ['name', 'scopes', 'expires_at', 'environment'];

export function newKeyPage(v: { csrf: string; values: KeyFormValues; errors: FieldErrors }): SafeHtml {
  const { values, errors } = v;
  return html`<h1>New API key</h1>
    ${Object.keys(errors).length ? html`<p class="error" role="alert">The key was not created: see the messages below.</p>` : ''}
    <form method="post" action="/portal/keys" class="narrow" novalidate>
      ${csrfField(v.csrf)}
      <label for="name">Name</label>
      <input id="name" name="name" type="text" maxlength="100" required value="${values.name}" ${invalid(errors, 'name')} />
      ${fieldError(errors, 'name')} ${checkboxes('scopes', KEY_SCOPES, values.scopes, errors, 'Scopes')}
      <label for="expires_at">Expires on <span class="muted">(optional, at 00:00 UTC; empty: never)</span></label>
      <input id="expires_at" name="expires_at" type="date" value="${values.expiresAt}" ${invalid(errors, 'expires_at')} />
      ${fieldError(errors, 'expires_at')}
      <fieldset class="${errors.environment?.length ? 'invalid' : ''}">
        <legend>Environment</legend>
        <label
          ><input type="radio" name="environment" value="live" ${values.environment !== 'test' ? 'checked' : ''} />
          <span><code>gth_live_</code> live: for production</span></label
        >
        <label
          ><input type="radio" name="environment" value="test" ${values.environment === 'test' ? 'checked' : ''} />
          <span><code>gth_test_</code> test: for development and CI (the prefix only: the same data, so scanners and people can tell them apart)</span></label
        >
        ${fieldError(errors, 'environment')}
      </fieldset>
      ${otherErrors(errors, KEY_FIELDS)}
      <div class="actions">
        <button type="submit">Create key</button>
        <a href="/portal/keys">Cancel</a>
      </div>
    </form>`;
}

function keyDetails(k: ApiKeyView): SafeHtml {
  return html`<dl class="details">
    <dt>Name</dt>
    <dd>${k.name}</dd>
    <dt>Key</dt>
    <dd><code>${keyPrefix(k)}</code></dd>
    <dt>Scopes</dt>
    <dd>${k.scopes.join(' ')}</dd>
    <dt>Status</dt>
    <dd id="key-status">${k.status}</dd>
    <dt>Environment</dt>
    <dd id="key-environment">${k.environment}</dd>
    <dt>Created</dt>
    <dd>${when(k.created_at)}</dd>
    <dt>Origin</dt>
    <dd id="key-origin">${provenance(k)}</dd>
    <dt>Last used</dt>
    <dd id="key-last-used">${when(k.last_used_at)}</dd>
    <dt>Expires</dt>
    <dd>${when(k.expires_at)}</dd>
    ${
      k.revoked_at
        ? html`<dt>Revoked</dt>
            <dd>${when(k.revoked_at)}</dd>`
        : ''
    }
  </dl>`;
}

export function keyCreatedPage(v: { key: ApiKeyView; secret: string; title: string; publicUrl: string; previousExpiresAt?: string }): SafeHtml {
  return html`<h1>${v.title}</h1>
    ${keyDetails(v.key)} ${secretBox('api_key', 'API key', v.secret, 'Gatehouse stores only a hash of it. Send it as the X-API-Key header.')}
    ${
      v.previousExpiresAt !== undefined
        ? html`<p id="previous-key">
            ${
              new Date(v.previousExpiresAt).getTime() <= Date.now() + 1000
                ? 'The previous key stopped working now.'
                : html`The previous key keeps working until <strong>${when(v.previousExpiresAt)}</strong>.`
            }
          </p>`
        : ''
    }
    <p>Use it:</p>
    ${snippet(
      'key-snippet',
      [
        `export API_KEY=${shellWord(v.secret)}`,
        v.key.scopes.includes('data:read')
          ? `curl -s ${shellWord(`${v.publicUrl}/v1/data`)} -H "X-API-Key: $API_KEY"`
          : `curl -s -X POST ${shellWord(`${v.publicUrl}/v1/data`)} -H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' -d '{"data": {"hello": "world"}}'`,
      ].join('\n'),
      'the command',
    )}
    <p><a class="button" href="/portal/keys/${v.key.id}">Continue to the key</a></p>`;
}

export interface KeyPageView {
  csrf: string;
  key: ApiKeyView;
  successor: Successor | undefined;
  errors: FieldErrors;
  rename: { value: string; errors: FieldErrors };
  notice?: string;
}

export function keyPage(v: KeyPageView): SafeHtml {
  const k = v.key;
  const live = k.status === 'active';
  const rotated = k.rotated_at !== null;
  const notice = v.notice ? NOTICES[v.notice] : undefined;
  return html`<h1>API key: ${k.name}</h1>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''} ${keyDetails(k)}
    ${
      rotated
        ? html`<p class="notice" id="key-rotation">This key was rotated: ${rotationNote(k, v.successor)}.</p>
            ${
              live && k.expires_at
                ? html`<p><a class="button secondary" href="/portal/keys/${k.id}/expire">Stop the old key now…</a></p>
                    <p class="muted">It stops by itself ${untilText(k.expires_at)}; stop it now once everything uses the new key.</p>`
                : ''
            }`
        : k.rotated_from
          ? html`<p class="muted" id="key-rotation">This key ${rotationNote(k, undefined)}.</p>`
          : ''
    }
    ${
      live && !rotated
        ? html`<h2>Rotate</h2>
            <p class="muted">A new key with the same name, scopes and expiry, shown once. The old one keeps working for the time you choose.</p>
            <form method="post" action="/portal/keys/${k.id}/rotate" class="narrow">
              ${csrfField(v.csrf)} ${graceSelect(v.errors, 'key')}
              <button type="submit">Rotate key</button>
            </form>`
        : ''
    }
    ${renameForm({ csrf: v.csrf, key: k, value: v.rename.value, errors: v.rename.errors })}
    ${
      k.status !== 'revoked'
        ? html`<section class="danger-zone">
            <h2>Revoke</h2>
            <p>The key stops working at once, on every server.</p>
            <a class="button danger" href="/portal/keys/${k.id}/revoke">Revoke…</a>
          </section>`
        : ''
    }`;
}

export function revokeKeyPage(v: { csrf: string; key: ApiKeyView }): SafeHtml {
  return html`<h1>Revoke ${v.key.name}?</h1>
    <p>The key <code>${keyPrefix(v.key)}</code> stops working at once. This cannot be undone.</p>
    <form method="post" action="/portal/keys/${v.key.id}/revoke">
      ${csrfField(v.csrf)}
      <div class="actions">
        <button type="submit" class="danger">Revoke the key</button>
        <a href="/portal/keys/${v.key.id}">Cancel</a>
      </div>
    </form>`;
}
