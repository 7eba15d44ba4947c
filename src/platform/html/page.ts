import type { FastifyReply } from 'fastify';
import { html, type SafeHtml } from './html.js';

/** Pages load nothing but our own stylesheet: no script at all, no frames, no plugins. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The same, plus scripts from our own origin only (the copy button's /portal/assets/copy.js); no inline script. */
export const PAGE_CSP_WITH_SCRIPT = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The one script a page may load (served by the portal, same origin). */
export const COPY_SCRIPT = '/portal/assets/copy.js';

export interface PageOptions {
  /** The navigation bar of a signed-in page (see `sessionNav`); none on the sign-in pages. */
  nav?: SafeHtml;
  /** A wide main column for tables; by default, wide when there is a nav. */
  wide?: boolean;
  /** Load the copy-button script (and allow `script-src 'self'` in the CSP). */
  copyScript?: boolean;
}

export function layout(title: string, body: SafeHtml, opts: PageOptions = {}): SafeHtml {
  const wide = opts.wide ?? opts.nav !== undefined;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Gatehouse</title>
        <link rel="stylesheet" href="/portal/assets/style.css" />
        ${opts.copyScript ? html`<script src="${COPY_SCRIPT}" defer></script>` : ''}
      </head>
      <body>
        <header><a class="brand" href="/portal">Gatehouse</a>${opts.nav ?? ''}</header>
        <main class="${wide ? 'wide' : ''}">${body}</main>
      </body>
    </html> `;
}

/** Sends a server-rendered page: never cached, never framed, no script (unless `opts.copyScript`: then ours only). */
export function sendPage(
  reply: FastifyReply,
  status: number,
  title: string,
  body: SafeHtml,
  headers: Record<string, string> = {},
  opts: PageOptions = {},
): FastifyReply {
  return reply
    .status(status)
    .headers({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': opts.copyScript ? PAGE_CSP_WITH_SCRIPT : PAGE_CSP,
      ...headers,
    })
    .send(layout(title, body, opts).value);
}

/** The words of the 403 page for a form whose CSRF token is missing, wrong or from another session. */
export const FORM_EXPIRED = 'This form has expired or was sent from another page; go back, reload and try again.';

/**
 * Where to go from an error page: back to the portal, and sign in when the page has no session nav
 * (a signed-out visitor, or one whose session ended).
 */
export function errorNav(signedIn: boolean): SafeHtml {
  return html`<nav aria-label="Where to go from here" class="actions error-nav">
    <a class="button" href="/portal">Back to the portal</a>${signedIn ? '' : html` <a class="button secondary" href="/portal/signin">Sign in</a>`}
  </nav>`;
}

/** An error page (the authorize endpoint's "never redirect" errors, bad forms, throttling), with a way on (`errorNav`). */
export function sendErrorPage(
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  headers: Record<string, string> = {},
  opts: PageOptions = {},
): FastifyReply {
  return sendPage(
    reply,
    status,
    title,
    html`<h1>${title}</h1>
      <p class="error" role="alert">${message}</p>
      ${errorNav(opts.nav !== undefined)}`,
    headers,
    opts,
  );
}

/** 303 See Other: the redirect after a POST (never 307, which would re-post the form; RFC 9700 4.12). */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('Location', headerSafeUrl(location)).header('Cache-Control', 'no-store').send();
}

/**
 * A URL as an HTTP header can carry it: every run of characters outside printable ASCII
 * percent-encoded as UTF-8 (a lone surrogate as U+FFFD), as a browser would. Node refuses a header
 * value with characters past Latin-1 (a 500), and Latin-1 would be read differently by each client.
 */
export function headerSafeUrl(url: string): string {
  return url.replace(/[^\x21-\x7e]+/g, (run) => encodeURIComponent(wellFormed(run)));
}

/** `text` with each lone surrogate replaced by U+FFFD, so encodeURIComponent takes it. */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}" />`;
}
