import type { OutboxView } from '../../accounts/outbox.service.js';
import { html, type SafeHtml } from '../../platform/html/html.js';
import { dataTable } from '../view-helpers.js';
import { frame, pager, when } from './admin.views.js';

export function outboxPage(v: { mode: 'smtp' | 'outbox'; messages: OutboxView[]; next?: string; first?: string }): SafeHtml {
  const intro =
    v.mode === 'smtp'
      ? html`<p class="notice">SMTP_URL is set: emails leave over SMTP and are not kept here (the list shows what was kept before).</p>`
      : html`<p class="muted">
          SMTP_URL is not set, so no email leaves this server: each one is kept here instead, newest first. Open one to follow its link.
        </p>`;
  const rows = v.messages.map(
    (m) =>
      html`<tr>
        <td>${when(m.created_at)}</td>
        <td>${m.to}</td>
        <td><a href="/portal/admin/outbox/${m.id}">${m.subject}</a></td>
      </tr>`,
  );
  return frame(
    'outbox',
    'Outbox',
    html`${intro}
      <div class="table-scroll">${dataTable(['Time (UTC)', 'To', 'Subject'], rows, 'No email yet.')}</div>
      ${pager(v.next, v.first)}`,
  );
}

/** Links of this server in a message body, made clickable (everything else stays text). */
const LINK = /(?<![A-Za-z0-9+.-])https?:\/\/[^\s<>"]{1,2000}/g;

export function messagePage(m: OutboxView): SafeHtml {
  const parts: (SafeHtml | string)[] = [];
  let at = 0;
  for (const match of m.body.matchAll(LINK)) {
    parts.push(m.body.slice(at, match.index));
    parts.push(html`<a href="${match[0]}">${match[0]}</a>`);
    at = match.index + match[0].length;
  }
  parts.push(m.body.slice(at));
  const body = html`<dl class="details">
      <dt>To</dt>
      <dd>${m.to}</dd>
      <dt>From</dt>
      <dd>${m.from}</dd>
      <dt>Time</dt>
      <dd>${when(m.created_at)}</dd>
    </dl>
    <pre class="mail">${parts}</pre>
    <p><a href="/portal/admin/outbox">Back to the outbox</a></p>`;
  return frame('outbox', m.subject, body);
}
