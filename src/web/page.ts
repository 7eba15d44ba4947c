import type { FastifyReply } from 'fastify';
import { html, type SafeHtml } from './html.js';

/** Pages load nothing but our own stylesheet: no script at all, no frames, no plugins. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

export function layout(title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Gatehouse</title>
        <link rel="stylesheet" href="/portal/assets/style.css" />
      </head>
      <body>
        <header><a class="brand" href="/portal">Gatehouse</a></header>
        <main>${body}</main>
      </body>
    </html> `;
}

/** Sends a server-rendered page: never cached, never framed, no script. */
export function sendPage(reply: FastifyReply, status: number, title: string, body: SafeHtml, headers: Record<string, string> = {}): FastifyReply {
  return reply
    .status(status)
    .headers({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Security-Policy': PAGE_CSP, ...headers })
    .send(layout(title, body).value);
}

/** An error page (the authorize endpoint's "never redirect" errors, bad forms, throttling). */
export function sendErrorPage(reply: FastifyReply, status: number, title: string, message: string, headers: Record<string, string> = {}): FastifyReply {
  return sendPage(
    reply,
    status,
    title,
    html`<h1>${title}</h1>
      <p class="error" role="alert">${message}</p>`,
    headers,
  );
}

/** 303 See Other: the redirect after a POST (never 307, which would re-post the form; RFC 9700 4.12). */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('Location', location).header('Cache-Control', 'no-store').send();
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}" />`;
}
