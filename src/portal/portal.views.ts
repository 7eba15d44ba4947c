import { html, type SafeHtml } from '../web/html.js';
import { csrfField } from '../web/page.js';

export function signInPage(v: { csrf: string; returnTo: string; email?: string; error?: string }): SafeHtml {
  return html`<h1>Sign in</h1>
    ${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
    <form method="post" action="/portal/signin">
      ${csrfField(v.csrf)}
      <input type="hidden" name="return_to" value="${v.returnTo}" />
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required value="${v.email ?? ''}" />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <button type="submit">Sign in</button>
    </form>
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

export function homePage(v: { csrf: string; email: string; displayName: string }): SafeHtml {
  return html`<h1>Welcome${v.displayName ? html`, ${v.displayName}` : ''}</h1>
    <p>You are signed in as <strong>${v.email}</strong>.</p>
    <form method="post" action="/portal/signout">
      ${csrfField(v.csrf)}
      <button type="submit" class="secondary">Sign out</button>
    </form>`;
}
