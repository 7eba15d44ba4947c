import { KEY_FILTERS, type KeyFilter } from '../api-keys/api-key-filters.js';
import type { ApiKeyView } from '../api-keys/api-key.dto.js';
import type { Successor } from '../api-keys/api-key-lifecycle.service.js';
import { html, type SafeHtml } from '../platform/html/html.js';
import { csrfField } from '../platform/html/page.js';
import type { FieldErrors } from './portal-form.js';
import { fieldError, invalid, when } from './view-helpers.js';

/** "in 23 h", "in 5 min", "in 3 d"; "now" when past. */
export function untilText(iso: string, now = Date.now()): string {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  if (s <= 0) return 'now';
  if (s < 3600) return `in ${Math.max(1, Math.round(s / 60))} min`;
  if (s < 2 * 86400) return `in ${Math.round(s / 3600)} h`;
  return `in ${Math.round(s / 86400)} d`;
}

const FILTER_WORDS: Record<KeyFilter, string> = {
  current: 'Working',
  active: 'Active',
  rotating: 'Rotating',
  expired: 'Expired',
  revoked: 'Revoked',
  all: 'All',
};

/** The list's filters: links (GET, so a filter can be bookmarked), the current one marked. */
export function keyFilters(current: KeyFilter): SafeHtml {
  return html`<nav aria-label="Filter keys" class="filters">
    <ul>
      ${KEY_FILTERS.map(
        (f) =>
          html`<li>
            <a href="/portal/keys${f === 'current' ? '' : `?status=${f}`}" ${f === current ? html`aria-current="page"` : ''}>${FILTER_WORDS[f]}</a>
          </li>`,
      )}
    </ul>
  </nav>`;
}

/** What the list and the key page say of a key in a rotation: what replaced it and when it stops, or what it replaced. */
export function rotationNote(k: ApiKeyView, successor: Successor | undefined): SafeHtml | '' {
  if (k.rotated_at && successor) {
    const stops =
      k.status === 'active' && k.expires_at
        ? html`stops working <strong>${untilText(k.expires_at)}</strong> (${when(k.expires_at)})`
        : html`stopped working ${when(k.expires_at ?? k.revoked_at)}`;
    return html`<span class="pair"
      >replaced by <a href="/portal/keys/${successor.id}"><code>${successor.start}…${successor.last4}</code></a
      >, ${stops}</span
    >`;
  }
  if (k.rotated_from) return html`<span class="pair">replaces an older key (<a href="/portal/keys/${k.rotated_from}">see it</a>)</span>`;
  return '';
}

export function renameForm(v: { csrf: string; key: ApiKeyView; value: string; errors: FieldErrors }): SafeHtml {
  return html`<h2>Rename</h2>
    <form method="post" action="/portal/keys/${v.key.id}/rename" class="narrow" novalidate>
      ${csrfField(v.csrf)}
      <label for="name">Name</label>
      <input id="name" name="name" type="text" maxlength="100" required value="${v.value}" ${invalid(v.errors, 'name')} />
      ${fieldError(v.errors, 'name')}
      <button type="submit" class="secondary">Rename</button>
    </form>`;
}

/** The confirmation before ending a rotated key's grace period. */
export function expireKeyPage(v: { csrf: string; key: ApiKeyView; successor: Successor | undefined }): SafeHtml {
  const k = v.key;
  return html`<h1>Stop ${k.name} now?</h1>
    <p>
      The old key <code>${k.start}…${k.last4}</code> would keep working until ${when(k.expires_at)} (${untilText(k.expires_at ?? '')}). Stopped now, every
      request with it is refused at once, on every server.
      ${v.successor ? html`Its replacement <code>${v.successor.start}…${v.successor.last4}</code> keeps working.` : ''}
    </p>
    <form method="post" action="/portal/keys/${k.id}/expire">
      ${csrfField(v.csrf)}
      <div class="actions">
        <button type="submit" class="danger">Stop the old key now</button>
        <a href="/portal/keys/${k.id}">Cancel</a>
      </div>
    </form>`;
}
