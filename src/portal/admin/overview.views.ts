import { SERIES, type Overview } from '../../admin/overview.service.js';
import { html, type SafeHtml } from '../../platform/html/html.js';
import { dataTable } from '../view-helpers.js';
import { barChart } from './chart.views.js';
import { frame, when } from './admin.views.js';
import { queryString } from './admin-query.js';

function label(d: Date, hourly: boolean): string {
  return hourly ? `${d.toISOString().slice(11, 13)}:00` : d.toISOString().slice(5, 10);
}

function totals(o: Overview): SafeHtml {
  const rows = SERIES.map(
    ([s, title]) =>
      html`<tr>
        <th scope="row">${title}</th>
        <td class="num" data-series="${s}" data-window="24h">${o.totals['24h'][s]}</td>
        <td class="num" data-series="${s}" data-window="30d">${o.totals['30d'][s]}</td>
      </tr>`,
  );
  return html`<div class="scroll-x" role="region" aria-label="Totals" tabindex="0">
    <table class="totals">
      <thead>
        <tr>
          <th>What</th>
          <th>Last 24 hours</th>
          <th>Last 30 days</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

function charts(o: Overview): SafeHtml {
  const hourly = o.window === '24h';
  const labels = o.buckets.map((b) => label(b, hourly));
  const axis: [string, string] = [labels[0], labels[labels.length - 1]];
  return html`<div class="charts">
    ${SERIES.map(
      ([s, title]) =>
        html`<div class="chart-box">
          ${barChart(`chart-${s}`, `${title}, ${hourly ? 'per hour' : 'per day'}`, labels, o.series[s], axis)}
          <details>
            <summary>Numbers</summary>
            ${dataTable(
              [hourly ? 'Hour (UTC)' : 'Day (UTC)', 'Count'],
              o.series[s].map(
                (v, i) =>
                  html`<tr>
                    <td>${labels[i]}</td>
                    <td class="num">${v}</td>
                  </tr>`,
              ),
              '',
            )}
          </details>
        </div>`,
    )}
  </div>`;
}

function busiest(o: Overview): SafeHtml {
  const clients = o.busiestClients.map(
    (c) =>
      html`<tr>
        <td><a href="/portal/admin/clients${queryString({ q: c.clientId })}">${c.name ?? c.clientId}</a><br /><code class="muted">${c.clientId}</code></td>
        <td class="num">${c.tokens}</td>
      </tr>`,
  );
  const keys = o.busiestKeys.map(
    (k) =>
      html`<tr>
        <td>${k.name ?? html`<span class="muted">deleted key</span>`}<br /><code class="muted">${k.id}</code></td>
        <td>${k.ownerEmail ? html`<a href="/portal/admin/users${queryString({ q: k.ownerEmail })}">${k.ownerEmail}</a>` : ''}</td>
        <td class="num">${k.uses}</td>
      </tr>`,
  );
  return html`<h2>Busiest in the last 30 days</h2>
    <div class="columns">
      <section>
        <h3>Clients (tokens issued)</h3>
        ${dataTable(['Client', 'Tokens'], clients, 'No token was issued.')}
      </section>
      <section>
        <h3>API keys (requests)</h3>
        ${dataTable(['Key', 'Owner', 'Requests'], keys, 'No API key was used.')}
      </section>
    </div>`;
}

function unused(o: Overview): SafeHtml {
  const clients = o.unusedClients.map(
    (c) =>
      html`<tr>
        <td><a href="/portal/admin/clients${queryString({ q: c.clientId })}">${c.name}</a><br /><code class="muted">${c.clientId}</code></td>
        <td>${when(c.lastUsed?.toISOString() ?? null)}</td>
        <td>${when(c.created.toISOString())}</td>
      </tr>`,
  );
  const keys = o.unusedKeys.map(
    (k) =>
      html`<tr>
        <td>${k.name}</td>
        <td><a href="/portal/admin/users${queryString({ q: k.ownerEmail })}">${k.ownerEmail}</a></td>
        <td>${when(k.lastUsed?.toISOString() ?? null)}</td>
        <td>${when(k.created.toISOString())}</td>
        <td><a class="button small danger" href="/portal/admin/keys/${k.id}/revoke">Revoke…</a></td>
      </tr>`,
  );
  return html`<h2>Unused for 90 days</h2>
    <p class="muted">Active credentials older than 90 days that were not used in the last 90: candidates to disable or revoke.</p>
    <div class="columns">
      <section>
        <h3>Clients (no token issued)</h3>
        ${dataTable(['Client', 'Last token (UTC)', 'Created (UTC)'], clients, 'None.')}
      </section>
      <section>
        <h3>API keys</h3>
        ${dataTable(['Key', 'Owner', 'Last used (UTC)', 'Created (UTC)', ''], keys, 'None.')}
      </section>
    </div>`;
}

export function overviewPage(o: Overview): SafeHtml {
  const tab = (w: string, text: string) =>
    o.window === w ? html`<strong aria-current="true">${text}</strong>` : html`<a href="/portal/admin?window=${w}">${text}</a>`;
  return frame(
    'overview',
    'Overview',
    html`${totals(o)}
      <p class="window">Charts: ${tab('24h', 'last 24 hours (per hour)')} · ${tab('30d', 'last 30 days (per day)')}</p>
      ${charts(o)} ${busiest(o)} ${unused(o)}
      <p class="muted">
        From the audit trail (tokens, sign-ins) and hourly counts each instance writes every minute (429s, failed client and API-key authentications, key uses).
        Times are UTC.
      </p>`,
  );
}
