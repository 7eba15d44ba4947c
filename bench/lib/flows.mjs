// The browser-side steps the benchmark needs before its load: a cookie jar over fetch, sign-in
// through the portal form (CSRF double-submit cookie + token), and the authorization code flow with
// PKCE (authorize, consent, code exchange), as test/support/code-flow.ts does in the e2e suites.
import { createHash, randomBytes } from 'node:crypto';

export const REDIRECT = 'https://app.example/cb';

/** The value of a hidden input of a page (attribute order does not matter), HTML entities decoded. */
export function hidden(page, name) {
  const input = new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`).exec(page);
  const m = input && /\bvalue="([^"]*)"/.exec(input[0]);
  if (!m) throw new Error(`no hidden field ${name} in page: ${page.slice(0, 300)}`);
  return m[1]
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

/** The `name=value` pairs of a response's Set-Cookie headers. */
export function setCookies(headers) {
  const list = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [].concat(headers['set-cookie'] ?? []);
  return list.map((c) => c.split(';')[0]);
}

/** Keeps cookies, never follows redirects, posts forms. */
export class Browser {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
  }

  async send(path, init = {}) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(path.startsWith('http') ? path : this.base + path, {
      redirect: 'manual',
      ...init,
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
    });
    for (const pair of setCookies(res.headers)) {
      const eq = pair.indexOf('=');
      if (pair.slice(eq + 1) === '') this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  get(path) {
    return this.send(path);
  }

  post(path, form) {
    return this.send(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  }

  async signIn(email, password) {
    const page = await this.get('/portal/signin');
    const res = await this.post('/portal/signin', { email, password, csrf: hidden(page.text, 'csrf'), return_to: hidden(page.text, 'return_to') });
    if (res.status !== 303) throw new Error(`sign-in as ${email} answered ${res.status}`);
  }
}

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** One fresh grant: authorize (consenting when asked) with PKCE, then exchange the code. Returns the token response. */
export async function codeFlowTokens(browser, client) {
  const { verifier, challenge } = pkce();
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: REDIRECT,
    state: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  let res = await browser.get(`/oauth2/authorize?${q}`);
  if (res.status === 200 && res.text.includes('name="decision"')) {
    res = await browser.post('/oauth2/authorize', { csrf: hidden(res.text, 'csrf'), authz: hidden(res.text, 'authz'), decision: 'allow' });
  }
  if (!res.location) throw new Error(`authorize answered ${res.status}: ${res.text.slice(0, 300)}`);
  const code = new URL(res.location, browser.base).searchParams.get('code');
  if (!code) throw new Error(`authorize redirected without a code: ${res.location}`);
  const tokenRes = await fetch(`${browser.base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: client.clientId,
      client_secret: client.clientSecret,
      code_verifier: verifier,
    }).toString(),
  });
  const body = await tokenRes.json();
  if (tokenRes.status !== 200 || typeof body.refresh_token !== 'string') throw new Error(`code exchange answered ${tokenRes.status} ${JSON.stringify(body)}`);
  return body;
}
