import { html, type SafeHtml } from '../platform/html/html.js';
import { csrfField } from '../platform/html/page.js';
import type { SessionView } from '../sessions/user-sessions.service.js';
import { when } from './view-helpers.js';

export const ACCOUNT_NOTICES: Record<string, string> = {
  'email-verified': 'Your email is confirmed.',
  'password-changed': 'Password changed. Every other session of yours has been signed out.',
  'email-sent': 'We sent a link to the new address. Your email changes when you open it (within 24 hours).',
  'verification-sent': 'We sent a new confirmation link to your address (it works for 24 hours).',
  'session-ended': 'That session is signed out.',
  'others-ended': 'Every other session is signed out: only this browser is still signed in.',
};

export interface AccountPageInput {
  csrf: string;
  email: string;
  displayName: string;
  verified: boolean;
  sessions: readonly SessionView[];
  currentId: string;
  notice?: string;
  /** Errors by field, of the form that was just sent. */
  errors?: Record<string, string>;
  /** What was typed in the email form (shown back with its error). */
  newEmail?: string;
}

function err(errors: Record<string, string> | undefined, name: string): SafeHtml | '' {
  const m = errors?.[name];
  return m ? html`<p class="field-error" id="${name}-error" role="alert">${m}</p>` : '';
}

function aria(errors: Record<string, string> | undefined, name: string): SafeHtml | '' {
  return errors?.[name] ? html`aria-invalid="true" aria-describedby="${name}-error"` : '';
}

export function accountPage(v: AccountPageInput): SafeHtml {
  const notice = v.notice ? ACCOUNT_NOTICES[v.notice] : undefined;
  return html`<h1>Your account</h1>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    <dl class="details">
      <dt>Email</dt>
      <dd>${v.email} ${v.verified ? html`<span class="muted">(confirmed)</span>` : html`<strong class="error">(not confirmed)</strong>`}</dd>
      ${
        v.displayName
          ? html`<dt>Name</dt>
              <dd>${v.displayName}</dd>`
          : ''
      }
    </dl>
    ${v.verified ? '' : resendForm(v.csrf)} ${passwordForm(v)} ${emailForm(v)} ${sessionsSection(v)}`;
}

function resendForm(csrf: string): SafeHtml {
  return html`<form method="post" action="/portal/account/verification" class="narrow">
    ${csrfField(csrf)}
    <p class="muted">Confirm your address to have applications told it is verified (email_verified). No email arrived?</p>
    <button type="submit" class="secondary small">Send the link again</button>
  </form>`;
}

function passwordForm(v: AccountPageInput): SafeHtml {
  return html`<h2 id="password">Change password</h2>
    <form method="post" action="/portal/account/password" class="narrow">
      ${csrfField(v.csrf)}
      <input type="text" name="username" autocomplete="username" value="${v.email}" hidden />
      <label for="current_password">Current password</label>
      <input id="current_password" name="current_password" type="password" autocomplete="current-password" required ${aria(v.errors, 'current_password')} />
      ${err(v.errors, 'current_password')}
      <label for="new_password">New password (12 to 256 characters)</label>
      <input
        id="new_password"
        name="new_password"
        type="password"
        autocomplete="new-password"
        minlength="12"
        maxlength="256"
        required
        ${aria(v.errors, 'new_password')}
      />
      ${err(v.errors, 'new_password')}
      <button type="submit">Change password</button>
      <p class="muted">Your other sessions are signed out when the password changes.</p>
    </form>`;
}

function emailForm(v: AccountPageInput): SafeHtml {
  return html`<h2 id="email">Change email</h2>
    <form method="post" action="/portal/account/email" class="narrow">
      ${csrfField(v.csrf)}
      <label for="new_email">New email</label>
      <input id="new_email" name="email" type="email" autocomplete="email" maxlength="254" required value="${v.newEmail ?? ''}" ${aria(v.errors, 'email')} />
      ${err(v.errors, 'email')}
      <label for="email_password">Your password</label>
      <input id="email_password" name="password" type="password" autocomplete="current-password" required ${aria(v.errors, 'password')} />
      ${err(v.errors, 'password')}
      <button type="submit">Send a confirmation link</button>
      <p class="muted">The new address becomes your account's only when you open the link we send to it.</p>
    </form>`;
}

function sessionsSection(v: AccountPageInput): SafeHtml {
  const items = v.sessions.map((s) => {
    const current = s.id === v.currentId;
    return html`<li class="session${current ? ' current' : ''}" data-session="${s.id}">
      <span>Signed in ${when(s.created_at)}${current ? html` <strong>(this browser)</strong>` : ''}</span>
      <span class="muted">expires ${when(s.expires_at)}</span>
      ${
        current
          ? ''
          : html`<form method="post" action="/portal/account/sessions/${s.id}/end" class="inline">
              ${csrfField(v.csrf)}<button type="submit" class="secondary small">Sign out</button>
            </form>`
      }
    </li>`;
  });
  const others = v.sessions.some((s) => s.id !== v.currentId);
  return html`<h2 id="sessions">Sessions</h2>
    <p class="muted">Where you are signed in to this portal, newest first.</p>
    ${err(v.errors, 'session')}
    <ul class="sessions">
      ${items}
    </ul>
    ${
      others
        ? html`<form method="post" action="/portal/account/sessions/end-others">
            ${csrfField(v.csrf)}<button type="submit" class="danger">Sign out everywhere else</button>
          </form>`
        : html`<p class="muted">No other session.</p>`
    }`;
}
