import type { ApiKeyView } from '../api-keys/api-key.dto.js';
import type { ClientView } from '../clients/client.dto.js';
import { html, type SafeHtml } from '../platform/html/html.js';
import { csrfField } from '../platform/html/page.js';
import { keysTable } from './keys.views.js';
import { dataTable, meaning, when } from './view-helpers.js';
import type { MadeThrough } from '../oauth/consents.js';
import type { RequestingApp } from './requesting-app.js';

/** "Sign in to continue to <App>", with its home page when it has one (during an OAuth sign-in). */
function requestedBy(app: RequestingApp | undefined): SafeHtml {
  if (!app) return html`<h1>Sign in</h1>`;
  return html`<h1>Sign in to continue to ${app.name}</h1>
    ${
      app.homepageUrl
        ? html`<p class="muted" id="requesting-app">
            ${app.name} is at <a href="${app.homepageUrl}" rel="noopener noreferrer nofollow">${app.homepageUrl}</a>; you are signing in to Gatehouse.
          </p>`
        : html`<p class="muted" id="requesting-app">You are signing in to Gatehouse; ${app.name} will then ask for your permission.</p>`
    }`;
}

export function signInPage(v: { csrf: string; returnTo: string; email?: string; error?: string; notice?: string; app?: RequestingApp }): SafeHtml {
  return html`${requestedBy(v.app)} ${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
    ${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
    <form method="post" action="/portal/signin">
      ${csrfField(v.csrf)}
      <input type="hidden" name="return_to" value="${v.returnTo}" />
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required value="${v.email ?? ''}" />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button type="submit">Sign in</button>
    </form>
    <p class="muted"><a href="/portal/forgot-password">Forgot your password?</a></p>
    <p class="muted">No account? <a href="/portal/signup?return_to=${encodeURIComponent(v.returnTo)}">Create one</a>.</p>`;
}

export function signUpPage(v: { csrf: string; returnTo: string; email?: string; displayName?: string; error?: string }): SafeHtml {
  return html`<h1>Create your account</h1>
    ${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
    <form method="post" action="/portal/signup">
      ${csrfField(v.csrf)}
      <input type="hidden" name="return_to" value="${v.returnTo}" />
      <label for="display_name">Name</label>
      <input id="display_name" name="display_name" type="text" autocomplete="name" maxlength="100" value="${v.displayName ?? ''}" />
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required value="${v.email ?? ''}" />
      <label for="password">Password (at least 12 characters)</label>
      <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required />
      <button type="submit">Create account</button>
    </form>
    <p class="muted">Already registered? <a href="/portal/signin?return_to=${encodeURIComponent(v.returnTo)}">Sign in</a>.</p>`;
}

export interface ConnectedApp {
  clientId: string;
  name: string;
  scopes: string[];
  since: Date;
  updated: Date;
  /** What the app made through this consent, still working: withdrawing stops it. */
  made: readonly MadeThrough[];
}

const NOTICES: Record<string, string> = {
  'app-deleted': 'The application was deleted.',
  withdrawn: 'Consent withdrawn: that application can no longer act for you.',
};

function notice(key: string | undefined): SafeHtml | '' {
  const text = key ? NOTICES[key] : undefined;
  return text ? html`<p class="notice" role="status">${text}</p>` : '';
}

export function dashboardPage(v: {
  displayName: string;
  email: string;
  apps: readonly ClientView[];
  keys: readonly ApiKeyView[];
  more: boolean;
  notice?: string;
}): SafeHtml {
  return html`<h1>Welcome${v.displayName ? html`, ${v.displayName}` : ''}</h1>
    ${notice(v.notice)}
    <p class="muted">Signed in as <strong>${v.email}</strong>.</p>
    <h2>My applications</h2>
    <p class="actions"><a class="button" href="/portal/apps/new">New application</a></p>
    ${dataTable(
      ['Name', 'Client id', 'Type', 'Created'],
      v.apps.map(
        (a) =>
          html`<tr>
            <td><a href="/portal/apps/${encodeURIComponent(a.client_id)}">${a.name}</a></td>
            <td><code>${a.client_id}</code></td>
            <td>${a.type}</td>
            <td>${when(a.created_at)}</td>
          </tr>`,
      ),
      'No applications yet.',
    )}
    <h2>My API keys</h2>
    <p class="actions"><a class="button" href="/portal/keys/new">New API key</a> <a href="/portal/keys">All keys</a></p>
    ${keysTable(v.keys)} ${v.more ? html`<p class="muted">Only the newest 100 of each are shown.</p>` : ''}`;
}

export function connectedAppsPage(v: { csrf: string; apps: readonly ConnectedApp[]; notice?: string }): SafeHtml {
  return html`<h1>Connected apps</h1>
    ${notice(v.notice)}
    <p>
      Applications you allowed to act for you. Withdrawing consent signs the application out: its tokens for you stop working at once, and so do the API keys
      and applications it created in your name.
    </p>
    ${dataTable(
      ['Application', 'Scopes you allowed', 'What it created for you', 'Since', ''],
      v.apps.map(
        (a) =>
          html`<tr>
            <td>${a.name}<br /><code class="muted">${a.clientId}</code></td>
            <td>
              <ul class="scopes">
                ${a.scopes.map((s) => html`<li>${meaning(s) || s} <code>${s}</code></li>`)}
              </ul>
            </td>
            <td>${madeList(a.made)}</td>
            <td>${when(a.since)}</td>
            <td>
              <a class="button danger small" href="/portal/connected-apps/${encodeURIComponent(a.clientId)}/revoke">Withdraw…</a>
              <p class="muted small">${withdrawStops(a.made)}</p>
            </td>
          </tr>`,
      ),
      'You have not allowed any application to act for you.',
    )}`;
}

function madeList(made: readonly MadeThrough[]): SafeHtml {
  if (made.length === 0) return html`<span class="muted">nothing</span>`;
  return html`<ul class="made">
    ${made.map((m) =>
      m.kind === 'key'
        ? html`<li>API key <a href="/portal/keys/${m.id}">${m.name}</a></li>`
        : html`<li>application <a href="/portal/apps/${encodeURIComponent(m.id)}">${m.name}</a></li>`,
    )}
  </ul>`;
}

/** What the Withdraw button will stop, in words. */
export function withdrawStops(made: readonly MadeThrough[]): string {
  const keys = made.filter((m) => m.kind === 'key').length;
  const apps = made.length - keys;
  const parts = [keys ? `${keys} API key${keys > 1 ? 's' : ''}` : '', apps ? `${apps} application${apps > 1 ? 's' : ''}` : ''].filter(Boolean);
  return parts.length ? `Stops its access and the ${parts.join(' and ')} it created.` : 'Stops its access.';
}
