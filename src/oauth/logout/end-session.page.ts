import { html, type SafeHtml } from '../../platform/html/html.js';
import { csrfField } from '../../platform/html/page.js';

/** Asks before signing out: the request did not come with an ID token of this session (a link from anywhere could). */
export function confirmLogoutPage(v: {
  csrf: string;
  email: string;
  clientName: string | undefined;
  clientId: string | undefined;
  postLogoutRedirectUri: string | undefined;
  state: string | undefined;
}): SafeHtml {
  const hiddenField = (name: string, value: string | undefined) => (value === undefined ? '' : html`<input type="hidden" name="${name}" value="${value}" />`);
  return html`<h1>Sign out of Gatehouse?</h1>
    <p>
      ${v.clientName ? html`<strong>${v.clientName}</strong> asks to sign you out of Gatehouse.` : html`A page asks to sign you out of Gatehouse.`} You are
      signed in as ${v.email}.
    </p>
    <form method="post" action="/oauth2/logout">
      ${csrfField(v.csrf)} ${hiddenField('client_id', v.clientId)} ${hiddenField('post_logout_redirect_uri', v.postLogoutRedirectUri)}
      ${hiddenField('state', v.state)}
      <div class="actions">
        <button type="submit" name="decision" value="yes">Sign out</button>
        <button type="submit" name="decision" value="no" class="secondary">Stay signed in</button>
      </div>
    </form>`;
}

export function signedOutPage(signedOut: boolean, clientName: string | undefined): SafeHtml {
  const from = clientName ? html` You can close this window and return to ${clientName}.` : '';
  return html`<h1>${signedOut ? 'You are signed out' : 'You are not signed out'}</h1>
    <p>${signedOut ? 'Your Gatehouse session has ended.' : 'Nothing changed: your Gatehouse session, if any, is as it was.'}${from}</p>
    <p><a href="/portal/signin">Sign in</a></p>`;
}
