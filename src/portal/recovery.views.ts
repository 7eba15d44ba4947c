import type { TokenRefusal } from '../accounts/account-tokens.service.js';
import { html, type SafeHtml } from '../platform/html/html.js';
import { csrfField } from '../platform/html/page.js';

export const FORGOT_SENT =
  'If an account exists for this email, we sent it a link to choose a new password. It works once, for 1 hour. No email? Check the spam folder, or try again in a few minutes.';

export function forgotPasswordPage(v: { csrf: string; email?: string; notice?: string; error?: string }): SafeHtml {
  return html`<h1>Forgot your password?</h1>
    ${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''} ${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
    <p>Enter the email of your account: we will send it a link to choose a new password.</p>
    <form method="post" action="/portal/forgot-password">
      ${csrfField(v.csrf)}
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" maxlength="254" required value="${v.email ?? ''}" />
      <button type="submit">Send the link</button>
    </form>
    <p class="muted"><a href="/portal/signin">Back to sign in</a></p>`;
}

/** The form behind a reset or invitation link: the new password (the token rides along, hidden). */
export function newPasswordPage(v: { csrf: string; token: string; invite: boolean; email: string; error?: string }): SafeHtml {
  const action = v.invite ? '/portal/invite' : '/portal/reset-password';
  return html`<h1>${v.invite ? 'Welcome to Gatehouse' : 'Choose a new password'}</h1>
    ${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
    <p>${v.invite ? 'Choose the password of your account' : 'A new password for'} <strong>${v.email}</strong>.</p>
    <form method="post" action="${action}">
      ${csrfField(v.csrf)}
      <input type="hidden" name="token" value="${v.token}" />
      <input type="text" name="username" autocomplete="username" value="${v.email}" hidden />
      <label for="password">New password (12 to 256 characters)</label>
      <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="256" required />
      <button type="submit">${v.invite ? 'Set my password' : 'Set the new password'}</button>
    </form>
    ${v.invite ? '' : html`<p class="muted">Every session of your account is signed out when the password changes.</p>`}`;
}

export function verifyEmailPage(v: { csrf: string; token: string; email: string }): SafeHtml {
  return html`<h1>Confirm your email</h1>
    <p>Confirm that <strong>${v.email}</strong> is the email of your Gatehouse account.</p>
    <form method="post" action="/portal/verify-email">
      ${csrfField(v.csrf)}
      <input type="hidden" name="token" value="${v.token}" />
      <button type="submit">Confirm my email</button>
    </form>`;
}

const WHAT: Record<'reset_password' | 'invite' | 'verify_email', [string, string]> = {
  reset_password: ['password reset', 'Ask for a new one from the <forgot> page.'],
  invite: ['invitation', 'Ask an administrator to send the invitation again.'],
  verify_email: ['confirmation', 'Sign in and send a new one from your account page.'],
};

/** Why a link from an email does not work, in words, with what to do next. */
export function linkProblem(why: TokenRefusal, purpose: 'reset_password' | 'invite' | 'verify_email'): { status: number; title: string; message: string } {
  const [noun, next] = WHAT[purpose];
  const again = next.replace('<forgot>', '"Forgot your password?"');
  if (why === 'used')
    return { status: 410, title: 'This link was already used', message: `This ${noun} link has already been used: each link works once. ${again}` };
  if (why === 'expired') return { status: 410, title: 'This link has expired', message: `This ${noun} link is too old to use. ${again}` };
  return {
    status: 400,
    title: 'This link is not valid',
    message: `This ${noun} link is not one Gatehouse sent, or it was cut short: open the whole link from the email. ${again}`,
  };
}
