import { html, type SafeHtml } from '../platform/html/html.js';

/**
 * What a shown-once page says when the value is gone: reloaded, opened again, opened in another
 * browser session, or more than a few minutes late. Nothing is done again.
 */
export function alreadyShownPage(v: { what: 'key' | 'secret'; href: string; back: string; rotate: string }): SafeHtml {
  return html`<h1>Already shown</h1>
    <p class="notice" role="status" id="already-shown">
      This ${v.what} was already shown; Gatehouse keeps only a hash of it and cannot show it again. ${v.rotate}
    </p>
    <p class="muted">A ${v.what} is shown once, within a few minutes, to the browser session that made it; reloading the page does not make another one.</p>
    <p><a class="button" href="${v.href}">${v.back}</a></p>`;
}
