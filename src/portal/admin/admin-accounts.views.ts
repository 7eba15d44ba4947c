import type { ApiKeyView } from '../../api-keys/api-key.dto.js';
import type { ClientView } from '../../clients/client.dto.js';
import { html, type SafeHtml } from '../../platform/html/html.js';
import { csrfField } from '../../platform/html/page.js';
import type { SessionView } from '../../sessions/user-sessions.service.js';
import type { User } from '../../users/user.entity.js';
import { dataTable } from '../view-helpers.js';
import { button, confirmLink, frame, when } from './admin.views.js';

export interface NewUserForm {
  email?: string;
  display_name?: string;
  role?: string;
  mode?: string;
}

function fieldErr(errors: Record<string, string>, name: string): SafeHtml | '' {
  return errors[name] ? html`<p class="field-error" id="${name}-error" role="alert">${errors[name]}</p>` : '';
}

function aria(errors: Record<string, string>, name: string): SafeHtml | '' {
  return errors[name] ? html`aria-invalid="true" aria-describedby="${name}-error"` : '';
}

/** Create a user: invite by email (they choose their password), or set a password now. */
export function newUserPage(v: { csrf: string; form: NewUserForm; errors: Record<string, string>; notice?: string }): SafeHtml {
  const invite = v.form.mode !== 'password';
  const body = html`<form method="post" action="/portal/admin/users/new" class="narrow">
    ${csrfField(v.csrf)}
    <label for="email">Email</label>
    <input id="email" name="email" type="email" maxlength="254" required value="${v.form.email ?? ''}" ${aria(v.errors, 'email')} />
    ${fieldErr(v.errors, 'email')}
    <label for="display_name">Name (optional)</label>
    <input id="display_name" name="display_name" type="text" maxlength="100" value="${v.form.display_name ?? ''}" ${aria(v.errors, 'display_name')} />
    ${fieldErr(v.errors, 'display_name')}
    <label for="role">Role</label>
    <select id="role" name="role" ${aria(v.errors, 'role')}>
      <option value="developer" ${v.form.role !== 'admin' ? 'selected' : ''}>developer</option>
      <option value="admin" ${v.form.role === 'admin' ? 'selected' : ''}>admin</option>
    </select>
    ${fieldErr(v.errors, 'role')}
    <fieldset>
      <legend>How the user gets a password</legend>
      <label><input type="radio" name="mode" value="invite" ${invite ? 'checked' : ''} /> Invite: email them a link to choose it (valid 7 days)</label>
      <label><input type="radio" name="mode" value="password" ${invite ? '' : 'checked'} /> Set it now (they are sent a link to confirm the address)</label>
    </fieldset>
    <label for="password">Password (only when set now; 12 to 256 characters)</label>
    <input id="password" name="password" type="password" autocomplete="new-password" maxlength="256" ${aria(v.errors, 'password')} />
    ${fieldErr(v.errors, 'password')}
    <button type="submit">Create user</button>
  </form>`;
  return frame('users', 'New user', body, v.notice);
}

export interface UserDetail {
  user: User;
  lastSignIn: string | null;
  sessions: SessionView[];
  clients: ClientView[];
  keys: ApiKeyView[];
  more: boolean;
}

const DETAIL_NOTICES: Record<string, string> = {
  created: 'User created. We sent them a link to confirm their address.',
  invited: 'Invitation sent: the user chooses a password through the link (valid 7 days), and cannot sign in until then.',
  'reset-sent': 'Password reset link sent (valid 1 hour). The current password keeps working until they use it.',
  'invite-sent': 'Invitation sent again.',
  'verification-sent': 'Confirmation link sent.',
  unlocked: 'Sign-in unlocked: the failed attempts against this account are forgotten.',
  'sessions-ended': 'Every session of this user is signed out.',
  'not-sent': 'The email could not be sent (see the server log); nothing else changed.',
};

export function userDetailPage(v: UserDetail & { csrf: string; meId: string; notice?: string; error?: string }): SafeHtml {
  const u = v.user;
  const base = `/portal/admin/users/${u.id}`;
  const notice = v.notice ? DETAIL_NOTICES[v.notice] : undefined;
  const facts = html`<dl class="details">
    <dt>Email</dt>
    <dd>
      ${u.email}
      ${u.emailVerifiedAt ? html`<span class="muted">(confirmed ${when(u.emailVerifiedAt.toISOString())})</span>` : html`<span class="error">(not confirmed)</span>`}
    </dd>
    <dt>Name</dt>
    <dd>${u.displayName || '—'}</dd>
    <dt>Role</dt>
    <dd>${u.role}</dd>
    <dt>Status</dt>
    <dd><span class="status status-${u.status}">${u.status}</span></dd>
    <dt>Created</dt>
    <dd>${when(u.createdAt.toISOString())}</dd>
    <dt>Last sign-in</dt>
    <dd>${v.lastSignIn ? when(v.lastSignIn) : 'never'}</dd>
    <dt>Password changed</dt>
    <dd>${when(u.passwordChangedAt.toISOString())}</dd>
    <dt>Audit</dt>
    <dd><a href="/portal/admin/audit?actor=${u.id}">What this user did</a></dd>
  </dl>`;
  const actions = html`<p class="actions">
    ${u.status === 'disabled' ? '' : button(`${base}/send-reset`, v.csrf, u.status === 'invited' ? 'Send the invitation again' : 'Send password reset link')}
    ${u.emailVerifiedAt || u.status === 'invited' ? '' : button(`${base}/send-verification`, v.csrf, 'Send confirmation link')}
    ${u.id === v.meId ? '' : confirmLink(`${base}/confirm?action=unlock&back=detail`, 'Unlock sign-in')}
    ${v.sessions.length && u.id !== v.meId ? confirmLink(`${base}/confirm?action=sign_out_everywhere&back=detail`, 'Sign out everywhere', true) : ''}
  </p>`;
  const body = html`${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''} ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
  ${facts} ${actions} ${detailTables(v)}`;
  return frame('users', u.email, body);
}

function detailTables(v: UserDetail): SafeHtml {
  const sessions = dataTable(
    ['Signed in (UTC)', 'Expires (UTC)'],
    v.sessions.map(
      (s) =>
        html`<tr>
          <td>${when(s.created_at)}</td>
          <td>${when(s.expires_at)}</td>
        </tr>`,
    ),
    'No live session.',
  );
  const clients = dataTable(
    ['Application', 'Client id', 'Type', 'Status'],
    v.clients.map(
      (c) =>
        html`<tr>
          <td><a href="/portal/admin/clients">${c.name}</a></td>
          <td><code>${c.client_id}</code></td>
          <td>${c.type}</td>
          <td><span class="status status-${c.status}">${c.status}</span></td>
        </tr>`,
    ),
    'No applications.',
  );
  const keys = dataTable(
    ['API key', 'Key', 'Status', 'Last used (UTC)'],
    v.keys.map(
      (k) =>
        html`<tr>
          <td><a href="/portal/admin/keys">${k.name}</a></td>
          <td><code>${k.start}…${k.last4}</code></td>
          <td><span class="status status-${k.status}">${k.status}</span></td>
          <td>${when(k.last_used_at)}</td>
        </tr>`,
    ),
    'No API keys.',
  );
  return html`<h2>Sessions</h2>
    <div class="table-scroll">${sessions}</div>
    <h2>Applications</h2>
    <div class="table-scroll">${clients}</div>
    <h2>API keys</h2>
    <div class="table-scroll">${keys}</div>
    ${v.more ? html`<p class="muted">Only the newest 50 of each are shown.</p>` : ''}`;
}
