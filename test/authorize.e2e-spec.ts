import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden, pkce } from './support/agent.js';
import { authorize, authorizeUrl, codeClient, REDIRECT, signedIn, type FlowClient } from './support/code-flow.js';

/** GET /oauth2/authorize and the consent form: docs/security.md B26-B36, RFC 6749 4.1, RFC 9207. */
describe('authorization endpoint', () => {
  let app: TestApp;
  let client: FlowClient;
  let pub: FlowClient;
  let agent: Agent;
  const { challenge } = pkce();
  const S256 = { code_challenge: challenge, code_challenge_method: 'S256' };

  beforeAll(async () => {
    app = await startTestApp();
    client = await codeClient(app, { redirectUris: [REDIRECT, 'https://app.example/second', 'http://127.0.0.1:8765/cb'] });
    pub = await codeClient(app, { type: 'public' });
    ({ agent } = await signedIn(app));
  });
  afterAll(() => app.close());

  /** The redirect of a request by the signed-in agent (consent given if asked). */
  const redirectOf = async (path: string) => {
    let res = await agent.get(path);
    if (res.status === 200 && res.text.includes('name="decision"')) {
      res = await agent.post('/oauth2/authorize', { csrf: hidden(res.text, 'csrf'), authz: hidden(res.text, 'authz'), decision: 'allow' });
    }
    return res;
  };
  const errorOf = async (path: string) => {
    const res = await agent.get(path);
    expect([302, 303]).toContain(res.status);
    return new URL(res.location!);
  };
  const query = (params: Record<string, string>) => `/oauth2/authorize?${new URLSearchParams(params).toString()}`;

  it.each([
    'https://app.example/cb/',
    'https://app.example:443/cb',
    'https://APP.example/cb',
    'https://app.example/cb?x=1',
    'https://app.example/cb/more',
    'https://app.example@evil.example/cb',
    'https://evil.example/cb',
    'http://app.example/cb',
    'https://app.example/cb#frag',
    'javascript:alert(1)',
    'http://127.0.0.1:8765/cb/x',
  ])('shows a 400 page and never redirects for redirect_uri %s [B26]', async (uri) => {
    const res = await agent.get(authorizeUrl(client.clientId, { ...S256, redirect_uri: uri }));
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('redirect_uri');
  });

  // A public client registered as a native app (issue 13: no longer any client with a loopback URI;
  // test/first-party-client.e2e-spec.ts has the others).
  it('lets a loopback redirect URI of a native app use any port [B26] (RFC 8252)', async () => {
    const native = await codeClient(app, { type: 'public', applicationType: 'native', redirectUris: ['http://127.0.0.1:8765/cb'] });
    const res = await redirectOf(authorizeUrl(native.clientId, { ...S256, redirect_uri: 'http://127.0.0.1:51999/cb' }));
    expect(new URL(res.location!).origin).toBe('http://127.0.0.1:51999');
    expect(new URL(res.location!).searchParams.get('code')).toBeTruthy();
  });

  it.each([
    ['missing client_id', { response_type: 'code', redirect_uri: REDIRECT }],
    ['unknown client_id', { response_type: 'code', client_id: 'gth_nope', redirect_uri: REDIRECT }],
    ['two client_ids', 'client_id=a&client_id=b&response_type=code'],
    ['two redirect_uris', null],
  ])('shows an error page for %s [B27]', async (_name, params) => {
    const path =
      params === null
        ? `/oauth2/authorize?client_id=${client.clientId}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&redirect_uri=${encodeURIComponent(REDIRECT)}`
        : typeof params === 'string'
          ? `/oauth2/authorize?${params}`
          : query(params);
    const res = await agent.get(path);
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
  });

  it('shows an error page when redirect_uri is missing and several are registered, uses the only one otherwise [B27]', async () => {
    const res = await agent.get(query({ response_type: 'code', client_id: client.clientId, ...S256 }));
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
    const single = await redirectOf(query({ response_type: 'code', client_id: pub.clientId, ...S256 }));
    expect(single.location!.startsWith(`${REDIRECT}?code=`)).toBe(true);
  });

  it('redirects a missing response_type as invalid_request with state and iss [B28]', async () => {
    const url = await errorOf(query({ client_id: client.clientId, redirect_uri: REDIRECT, state: 's1', ...S256 }));
    expect(url.origin + url.pathname).toBe(REDIRECT);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ error: 'invalid_request', state: 's1', iss: app.url });
    expect(url.searchParams.get('error_description')).toContain('response_type');
  });

  it.each(['token', 'id_token', 'code token', 'CODE'])('answers response_type=%s with unsupported_response_type [B29]', async (rt) => {
    const url = await errorOf(query({ client_id: client.clientId, redirect_uri: REDIRECT, state: 's', response_type: rt, ...S256 }));
    expect(url.searchParams.get('error')).toBe('unsupported_response_type');
    expect(url.searchParams.get('state')).toBe('s');
    expect(url.searchParams.get('iss')).toBe(app.url);
  });

  it.each([
    ['a public client without a challenge', {}],
    ['plain', { code_challenge: challenge, code_challenge_method: 'plain' }],
    ['a challenge without a method (plain by default)', { code_challenge: challenge }],
    ['a method without a challenge', { code_challenge_method: 'S256' }],
    ['a challenge of bad grammar', { code_challenge: 'short', code_challenge_method: 'S256' }],
    ['a challenge with bad characters', { code_challenge: `${challenge.slice(0, 42)}+`, code_challenge_method: 'S256' }],
  ])('answers %s with invalid_request [B30]', async (_name, pk) => {
    const url = await errorOf(authorizeUrl(pub.clientId, pk));
    expect(url.searchParams.get('error')).toBe('invalid_request');
    expect(url.searchParams.get('state')).toBe('st');
  });

  it('refuses plain for a confidential client too [B30]', async () => {
    const url = await errorOf(authorizeUrl(client.clientId, { code_challenge: challenge, code_challenge_method: 'plain' }));
    expect(url.searchParams.get('error')).toBe('invalid_request');
  });

  it('redirects access_denied with state and iss when the user denies [B31]', async () => {
    const fresh = await codeClient(app);
    const page = await agent.get(authorizeUrl(fresh.clientId, { ...S256, state: 'deny-me' }));
    expect(page.status).toBe(200);
    const res = await agent.post('/oauth2/authorize', { csrf: hidden(page.text, 'csrf'), authz: hidden(page.text, 'authz'), decision: 'deny' });
    expect(res.status).toBe(303);
    const url = new URL(res.location!);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ error: 'access_denied', state: 'deny-me', iss: app.url });
    expect(url.searchParams.get('code')).toBeNull();
  });

  it('returns a 2 KB state byte-exact, and iss equal to the metadata issuer [B32]', async () => {
    const state = `${randomBytes(1000).toString('base64url')}&=+/%?#é日本 ${'x'.repeat(600)}`.slice(0, 2048);
    const res = await redirectOf(authorizeUrl(client.clientId, { ...S256, state }));
    const url = new URL(res.location!);
    expect(url.searchParams.get('state')).toBe(state);
    const meta = (await (await fetch(`${app.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(url.searchParams.get('iss')).toBe(meta.issuer);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('refuses a duplicated state or scope with invalid_request; ignores unknown parameters [B33]', async () => {
    const dupState = await errorOf(`${authorizeUrl(client.clientId, S256)}&state=again`);
    expect(dupState.searchParams.get('error')).toBe('invalid_request');
    expect(dupState.searchParams.get('state')).toBeNull();
    const dupScope = await errorOf(`${authorizeUrl(client.clientId, { ...S256, scope: 'profile' })}&scope=profile`);
    expect(dupScope.searchParams.get('error')).toBe('invalid_request');
    const unknown = await redirectOf(`${authorizeUrl(client.clientId, S256)}&foo=bar&nonce=n`);
    expect(new URL(unknown.location!).searchParams.get('code')).toBeTruthy();
  });

  it('redirects with 302 after GET and 303 after the consent POST, never 307 [B34]', async () => {
    const fresh = await codeClient(app);
    const page = await agent.get(authorizeUrl(fresh.clientId, S256));
    const post = await agent.post('/oauth2/authorize', { csrf: hidden(page.text, 'csrf'), authz: hidden(page.text, 'authz'), decision: 'allow' });
    expect(post.status).toBe(303);
    const get = await agent.get(authorizeUrl(fresh.clientId, S256)); // consent remembered now
    expect(get.status).toBe(302);
  });

  it('serves pages that cannot be framed, send no referrer, and run no script [B35]', async () => {
    const fresh = await codeClient(app);
    const page = await agent.get(authorizeUrl(fresh.clientId, S256));
    for (const res of [page, await new Agent(app.url).get('/portal/signin'), await agent.get(authorizeUrl('gth_unknown'))]) {
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.text).not.toContain('<script');
    }
  });

  it('refuses the consent POST without or with a wrong CSRF token (403), and sends no CORS header [B36]', async () => {
    const fresh = await codeClient(app);
    const page = await agent.get(authorizeUrl(fresh.clientId, S256), { Origin: 'https://evil.example' });
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    const authz = hidden(page.text, 'authz');
    const none = await agent.post('/oauth2/authorize', { authz, decision: 'allow' });
    expect(none.status).toBe(403);
    expect(none.location).toBeNull();
    const wrong = await agent.post('/oauth2/authorize', { csrf: 'x'.repeat(43), authz, decision: 'allow' });
    expect(wrong.status).toBe(403);
    // Another user's token does not work either.
    const { agent: mallory } = await signedIn(app);
    const theirs = await mallory.get(authorizeUrl(fresh.clientId, S256));
    const cross = await agent.post('/oauth2/authorize', { csrf: hidden(theirs.text, 'csrf'), authz, decision: 'allow' });
    expect(cross.status).toBe(403);
  });

  it('names the client and each scope in words on the consent page, escaped', async () => {
    const fresh = await codeClient(app, { name: '<b>Evil & Co</b>' });
    const page = await agent.get(authorizeUrl(fresh.clientId, { ...S256, scope: 'profile data:read' }));
    expect(page.text).toContain('&lt;b&gt;Evil &amp; Co&lt;/b&gt;');
    expect(page.text).not.toContain('<b>Evil');
    expect(page.text).toContain('See your name, email address and role');
    expect(page.text).toContain('Read your data records');
  });

  it('skips consent for first-party clients and for scopes already allowed', async () => {
    const first = await codeClient(app, { firstParty: true });
    const res = await agent.get(authorizeUrl(first.clientId, S256));
    expect(res.status).toBe(302);
    const fresh = await codeClient(app);
    await authorize(agent, fresh.clientId, { scope: 'profile data:read' });
    expect((await agent.get(authorizeUrl(fresh.clientId, { ...S256, scope: 'profile' }))).status).toBe(302);
    const wider = await agent.get(authorizeUrl(fresh.clientId, { ...S256, scope: 'profile users:read' }));
    expect(wider.status).toBe(200);
  });

  it('sends a signed-out browser to the sign-in page and back to the same request', async () => {
    const anon = new Agent(app.url);
    const path = authorizeUrl(pub.clientId, { ...S256, state: 'back' });
    const res = await anon.get(path);
    expect(res.status).toBe(302);
    const signin = new URL(res.location!, app.url);
    expect(signin.pathname).toBe('/portal/signin');
    expect(signin.searchParams.get('return_to')).toBe(path);
    const user = await app.createUser();
    const after = await anon.signIn(user.email, user.password, signin.searchParams.get('return_to')!);
    expect(after.status).toBe(303);
    expect(after.location).toBe(path);
  });

  it('refuses scopes the client may not have, and the admin scope to non-admins: invalid_scope', async () => {
    const bad = await errorOf(authorizeUrl(client.clientId, { ...S256, scope: 'profile admin' }));
    expect(bad.searchParams.get('error')).toBe('invalid_scope');
    const adminClient = await codeClient(app, { scopes: ['profile', 'admin'] });
    const refused = await errorOf(authorizeUrl(adminClient.clientId, { ...S256, scope: 'admin' }));
    expect(refused.searchParams.get('error')).toBe('invalid_scope');
    const cc = await app.createClient({ redirectUris: [REDIRECT] });
    const unauthorized = await errorOf(authorizeUrl(cc.clientId, S256));
    expect(unauthorized.searchParams.get('error')).toBe('unauthorized_client');
  });

  it.each([
    '/oauth2/authorize',
    '/oauth2/authorize?%',
    '/oauth2/authorize?client_id=%00',
    '/oauth2/authorize?client_id=%ff%fe',
    `/oauth2/authorize?client_id=${'a'.repeat(5000)}`,
    '/oauth2/authorize?client_id[]=x',
    '/oauth2/authorize?__proto__[a]=1&constructor=x',
    '/oauth2/authorize?client_id=%E2%80%AE&redirect_uri=%0d%0aLocation:%20https://evil',
  ])('answers the hostile request %s with a 4xx page, never 500', async (path) => {
    const res = await agent.get(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.location).toBeNull();
  });

  it.each([
    ['a NUL in state', { state: 'a\u0000b' }],
    ['a huge scope', { scope: 'x'.repeat(3000) }],
    ['an overlong state', { state: 's'.repeat(5000) }],
    ['control characters in scope', { scope: 'profile\ndata:read' }],
  ])('answers %s with a page or an error redirect, never 500', async (_name, params) => {
    const res = await agent.get(authorizeUrl(client.clientId, { ...S256, ...params }));
    expect([302, 400]).toContain(res.status);
    if (res.status === 302) expect(new URL(res.location!).searchParams.get('error')).toBeTruthy();
  });

  it('answers hostile consent POSTs with 4xx, never 500', async () => {
    const page = await agent.get(authorizeUrl((await codeClient(app)).clientId, S256));
    const csrf = hidden(page.text, 'csrf');
    for (const body of [
      `csrf=${csrf}&authz=%00&decision=allow`,
      `csrf=${csrf}&authz=x&decision=allow`,
      `csrf=${csrf}&csrf=${csrf}`,
      `csrf=${csrf}&decision=maybe&authz=${encodeURIComponent(hidden(page.text, 'authz'))}`,
    ]) {
      const res = await agent.post('/oauth2/authorize', body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const json = await fetch(`${app.url}/oauth2/authorize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"decision":"allow"}' });
    expect(json.status).toBe(400);
  });

  it('answers other methods and unknown pages with HTML error pages (405 with Allow, 404)', async () => {
    const put = await fetch(`${app.url}/oauth2/authorize`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect(put.headers.get('content-type')).toContain('text/html');
    const missing = await fetch(`${app.url}/portal/no-such-page`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
  });

  it('shows a page, not a 500, when the only registered redirect URI is not a URL', async () => {
    const broken = await codeClient(app, { redirectUris: ['not a url'] });
    const res = await agent.get(`/oauth2/authorize?response_type=code&client_id=${broken.clientId}&code_challenge=${challenge}&code_challenge_method=S256`);
    expect(res.status).toBe(400);
    expect(res.location).toBeNull();
  });
});
