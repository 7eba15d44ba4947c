import { html, type SafeHtml } from '../platform/html/html.js';
import { csrfField } from '../platform/html/page.js';

/** What a confirmation page asks: the action, to whom, what follows, and the form it confirms. */
export interface Confirmation {
  heading: string;
  /** What will happen, to whom (one or more short paragraphs). */
  what: SafeHtml;
  /** A warning above the buttons (first-party clients, the admin's own access, ...). */
  warning?: SafeHtml | string;
  /** The POST that does it, its hidden fields (besides the CSRF token) and the button's label. */
  action: string;
  fields?: Record<string, string>;
  confirm: string;
  danger?: boolean;
  /** Where Cancel goes (nothing is changed). */
  cancel: string;
}

/**
 * The page before a destructive or access-changing action (GET, changes nothing): what will happen,
 * to whom, and Cancel or Confirm (a POST with the session's CSRF token). The POST answers 303 back
 * to the list with a notice.
 */
export function confirmPage(c: Confirmation, csrf: string): SafeHtml {
  const fields = Object.entries(c.fields ?? {});
  return html`<section class="confirm" aria-labelledby="confirm-heading">
    <h1 id="confirm-heading">${c.heading}</h1>
    ${c.what} ${c.warning ? html`<p class="warning" role="alert">${c.warning}</p>` : ''}
    <form method="post" action="${c.action}" class="confirm-actions">
      ${csrfField(csrf)} ${fields.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
      <button type="submit" class="${c.danger ? 'danger' : ''}">${c.confirm}</button>
      <a class="button secondary" href="${c.cancel}">Cancel</a>
    </form>
  </section>`;
}

/** A one-time success notice: the `done` flag of the URL picks one of `messages`; any other value shows nothing (never the URL's text). */
export function doneNotice(messages: Readonly<Record<string, string>>, done: unknown): SafeHtml | '' {
  const text = typeof done === 'string' && Object.hasOwn(messages, done) ? messages[done] : undefined;
  return text ? html`<p class="notice" role="status">${text}</p>` : '';
}
