import { SCOPES, isKnownScope } from '../auth/scopes.js';
import { escapeHtml, html, SafeHtml } from '../platform/html/html.js';
import type { FieldErrors } from './portal-form.js';
import type { Provenance } from '../clients/lineage.js';

/** A time as `2026-11-28 13:05 UTC` in a <time> element; `fallback` when there is none. */
export function when(iso: string | Date | null | undefined, fallback = 'never'): SafeHtml {
  if (!iso) return html`<span class="muted">${fallback}</span>`;
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const text = `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return html`<time datetime="${d.toISOString()}">${text}</time>`;
}

/**
 * Where a key or an application came from, in words (issue 12): "created by Reporting service on your
 * behalf, 2026-12-03", "created by you in the portal", "created by the operator (command line)".
 */
export function provenance(p: Provenance & { created_at: string }, you = 'you'): SafeHtml {
  const day = p.created_at.slice(0, 10);
  if (p.created_by) {
    const how = p.created_via === 'grant' ? `on ${you === 'you' ? 'your' : `${you}'s`} behalf` : 'with its own credentials';
    return html`created by <strong>${p.created_by.name}</strong> <code class="muted">${p.created_by.client_id}</code> ${how}, ${day}`;
  }
  if (p.created_via === 'cli') return html`created by the operator (command line), ${day}`;
  if (p.created_via === 'session') return html`created by ${you} in the portal, ${day}`;
  return html`created by ${you}, ${day}`;
}

/**
 * A table of `rows` under `headers`; `empty` (a muted line) when there is no row. On a small screen
 * each row stacks into a card, each cell under its header (the `data-label` given here to each
 * `<td>` of a row, in order); on a wide one a table too wide scrolls inside its own box, never the
 * page: a named region, focusable so a keyboard can scroll it.
 */
export function dataTable(headers: readonly string[], rows: readonly SafeHtml[], empty: string, label?: string): SafeHtml {
  if (!rows.length) return html`<p class="muted">${empty}</p>`;
  const name = label ?? `Table: ${headers.filter(Boolean).join(', ')}`;
  const labelled = rows.map((row) => {
    let i = 0;
    return new SafeHtml(row.value.replace(/<td(?=[\s>])/g, () => `<td data-label="${escapeHtml(headers[i++] ?? '')}"`));
  });
  return html`<div class="table-scroll" role="region" aria-label="${name}" tabindex="0">
    <table>
      <thead>
        <tr>
          ${headers.map((h) => html`<th>${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${labelled}
      </tbody>
    </table>
  </div>`;
}

/** The messages of one field, next to it (ids for aria-describedby). */
export function fieldError(errors: FieldErrors, field: string): SafeHtml | '' {
  const list = errors[field];
  if (!list?.length) return '';
  return html`<div id="${field}-error" role="alert">${list.map((m) => html`<p class="field-error">${m}</p>`)}</div>`;
}

/** Attributes of an input with an error: aria-invalid and aria-describedby. */
export function invalid(errors: FieldErrors, field: string): SafeHtml | '' {
  return errors[field]?.length ? html`aria-invalid="true" aria-describedby="${field}-error"` : '';
}

/** Errors for fields that have no input on the form (so none is ever lost). */
export function otherErrors(errors: FieldErrors, shown: readonly string[]): SafeHtml | '' {
  const rest = Object.entries(errors).filter(([field]) => !shown.includes(field));
  if (!rest.length) return '';
  return html`<div role="alert">${rest.map(([field, msgs]) => (msgs ?? []).map((m) => html`<p class="field-error">${field}: ${m}</p>`))}</div>`;
}

/** What a scope or a grant type means, in words. */
export const GRANT_WORDS: Record<string, string> = {
  client_credentials: 'a service calling the API for itself, with its secret',
  authorization_code: 'users sign in here and consent (with PKCE)',
  refresh_token: 'renew code-flow tokens without asking the user again',
};

export function meaning(value: string): string {
  return isKnownScope(value) ? SCOPES[value] : (GRANT_WORDS[value] ?? '');
}

export function checkboxes(name: string, choices: readonly string[], checked: readonly string[], errors: FieldErrors, legend: string): SafeHtml {
  const bad = Boolean(errors[name]?.length);
  return html`<fieldset class="${bad ? 'invalid' : ''}" ${bad ? html`aria-describedby="${name}-error"` : ''}>
    <legend>${legend}</legend>
    ${choices.map(
      (s) =>
        html`<label
          ><input type="checkbox" name="${name}" value="${s}" ${checked.includes(s) ? 'checked' : ''} />
          <span><code>${s}</code> <span class="muted">${meaning(s)}</span></span></label
        >`,
    )}
    ${fieldError(errors, name)}
  </fieldset>`;
}

export const GRACE_CHOICES: readonly [number, string][] = [
  [0, 'none: the old one stops working now'],
  [3600, '1 hour'],
  [86400, '24 hours'],
  [604800, '7 days'],
];

export function graceSelect(errors: FieldErrors, what: string): SafeHtml {
  return html`<label for="grace_period_seconds">Keep the old ${what} working for</label>
    <select id="grace_period_seconds" name="grace_period_seconds" ${invalid(errors, 'grace_period_seconds')}>
      ${GRACE_CHOICES.map(([s, label]) => html`<option value="${s}" ${s === 86400 ? 'selected' : ''}>${label}</option>`)}
    </select>
    ${fieldError(errors, 'grace_period_seconds')}`;
}

/**
 * A secret shown this once: a readonly, selectable field (works without JavaScript), a Copy button
 * the script reveals, and the warning that it will not be shown again.
 */
export function secretBox(id: string, label: string, value: string, warning: string): SafeHtml {
  return html`<div class="secret-box">
    <label for="${id}">${label}</label>
    <div class="copy-row">
      <input id="${id}" type="text" readonly value="${value}" autocomplete="off" spellcheck="false" />
      <button type="button" class="secondary" data-copy="${id}" hidden>Copy</button>
    </div>
    <p class="warning" role="alert"><strong>Copy it now: it will not be shown again.</strong> ${warning}</p>
  </div>`;
}

/** A Copy button for the value or text of the element `id` (revealed by /portal/assets/copy.js; the page sends it with `copyScript`). */
export function copyButton(id: string, label = 'Copy'): SafeHtml {
  return html`<button type="button" class="secondary small" data-copy="${id}" hidden aria-label="${label}">Copy</button>`;
}

/** A command to paste into a shell, with its Copy button. */
export function snippet(id: string, text: string, label: string): SafeHtml {
  return html`<div class="snippet-head">${copyButton(id, `Copy ${label}`)}</div>
    <pre><code id="${id}">${text}</code></pre>`;
}
