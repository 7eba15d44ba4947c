import { ClientsService } from '../src/clients/clients.service.js';
import { IdTokenService } from '../src/oauth/id-token.service.js';
import { eventually, startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden, pkce } from './support/agent.js';
import { authorize, authorizeUrl, codeClient, exchange, REDIRECT, signedIn, tokensFor, type FlowClient } from './support/code-flow.js';
import { decodePart } from './support/jwt.js';

const SIGNED_OUT = 'https://app.example/signed-out';

/** OpenID Connect: prompt, max_age, login_hint at the authorization endpoint; RP-Initiated Logout; UserInfo CORS. */
describe('OpenID Connect: prompt, max_age, login_hint and RP-Initiated Logout', () => {
  let app: TestApp;
  let client: FlowClient;

  beforeAll(async () => {
    app = await startTestApp({ env: { CORS_ORIGINS: 'https://spa.example' } });
    client = await codeClient(app, { scopes: ['profile', 'email'], postLogoutRedirectUris: [SIGNED_OUT] });
  });
  afterAll(() => app.close());

  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const withPkce = (params: Record<string, string>) => {
    const { challenge } = pkce();
    return authorizeUrl(client.clientId, { code_challenge: challenge, code_challenge_method: 'S256', scope: 'openid', ...params });
  };
  const redirectError = async (agent: Agent, params: Record<string, string>) => {
    const res = await agent.get(withPkce(params));
    expect(res.status).toBe(302);
    const url = new URL(res.location!);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.searchParams.get('iss')).toBe(app.url);
    return url.searchParams;
  };
  /** Signs in, consents, exchanges: the ID token's claims and the agent. */
  const idTokenOf = async (agent?: Agent, params: Record<string, string> = {}) => {
    const t = await tokensFor(app, client, agent, { scope: 'openid', ...params });
    return { claims: decodePart(String(t.body.id_token), 1), idToken: String(t.body.id_token), agent: t.agent };
  };

  describe('prompt', () => {
    it('[I56] prompt=none: login_required when signed out, consent_required before consent, a code once both hold; never a page', async () => {
      const signedOut = await redirectError(new Agent(app.url), { prompt: 'none' });
      expect(signedOut.get('error')).toBe('login_required');
      const { agent } = await signedIn(app);
      expect((await redirectError(agent, { prompt: 'none' })).get('error')).toBe('consent_required');
      await authorize(agent, client.clientId, { scope: 'openid' });
      const ok = await agent.get(withPkce({ prompt: 'none' }));
      expect(new URL(ok.location!).searchParams.get('code')).toBeTruthy();
    });

    it('[I56] prompt=login asks for the password again even with a session, then issues with a new auth_time', async () => {
      const { agent, claims } = await idTokenOf();
      await new Promise((r) => setTimeout(r, 1100));
      const res = await agent.get(withPkce({ prompt: 'login', login_hint: 'ada@example.com' }));
      expect(res.status).toBe(302);
      expect(res.location).toMatch(/^\/portal\/signin\?return_to=/);
      const page = await agent.get(res.location!);
      expect(page.status).toBe(200);
      expect(page.text).toContain('value="ada@example.com"');
      const back = decodeURIComponent(new URL(res.location!, app.url).searchParams.get('return_to')!);
      expect(back).not.toContain('prompt=login');
      const user = await sql<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [claims.sub]);
      const post = await agent.post('/portal/signin', {
        email: user[0].email,
        password: 'correct horse battery staple',
        csrf: hidden(page.text, 'csrf'),
        return_to: hidden(page.text, 'return_to'),
      });
      expect(post.status).toBe(303);
      const again = await agent.get(post.location!);
      const code = new URL(again.location!).searchParams.get('code');
      expect(code).toBeTruthy();
      const [row] = await sql<{ auth_time: Date }>(`SELECT auth_time FROM authorization_codes ORDER BY created_at DESC LIMIT 1`);
      expect(Math.floor(row.auth_time.getTime() / 1000)).toBeGreaterThan(claims.auth_time as number);
    });

    it('prompt=consent shows the consent page even when consent is remembered', async () => {
      const { agent } = await idTokenOf();
      const page = await agent.get(withPkce({ prompt: 'consent' }));
      expect(page.status).toBe(200);
      expect(page.text).toContain('name="decision"');
      expect(hidden(page.text, 'authz')).toContain('prompt=consent');
    });

    it.each([
      ['an unknown value', { prompt: 'select_account' }],
      ['none with another value', { prompt: 'none login' }],
      ['a negative max_age', { max_age: '-1' }],
      ['a non-numeric max_age', { max_age: '1e3' }],
    ])('refuses %s with invalid_request on the redirect', async (_what, params) => {
      const { agent } = await signedIn(app);
      const err = await redirectError(agent, params);
      expect(err.get('error')).toBe('invalid_request');
      expect(err.get('error_description')).toBeTruthy();
    });
  });

  describe('max_age', () => {
    it('[I56] re-authenticates when the sign-in is older than max_age; prompt=none then gets login_required', async () => {
      const { agent, claims } = await idTokenOf();
      // The session (and, so that it stays valid, the password) ten minutes older.
      await sql(`UPDATE users SET password_changed_at = now() - interval '1 hour' WHERE id = $1`, [claims.sub]);
      await sql(`UPDATE sessions SET created_at = now() - interval '10 minutes' WHERE user_id = $1`, [claims.sub]);
      const res = await agent.get(withPkce({ max_age: '60' }));
      expect(res.location).toMatch(/^\/portal\/signin\?return_to=.*&prompt=login$/);
      expect((await redirectError(agent, { max_age: '60', prompt: 'none' })).get('error')).toBe('login_required');
      const fresh = await agent.get(withPkce({ max_age: '3600' }));
      expect(new URL(fresh.location!).searchParams.get('code')).toBeTruthy();
    });

    it('max_age=0 forces a sign-in, and the fresh sign-in is not asked again (no loop)', async () => {
      const user = await app.createUser();
      const agent = new Agent(app.url);
      await agent.signIn(user.email, user.password);
      await authorize(agent, client.clientId, { scope: 'openid' });
      const res = await agent.get(withPkce({ max_age: '0' }));
      expect(res.location).toMatch(/^\/portal\/signin\?return_to=.*&prompt=login$/);
      expect(decodeURIComponent(res.location!)).not.toContain('max_age');
      const page = await agent.get(res.location!);
      const post = await agent.post('/portal/signin', {
        email: user.email,
        password: user.password,
        csrf: hidden(page.text, 'csrf'),
        return_to: hidden(page.text, 'return_to'),
      });
      const done = await agent.get(post.location!);
      expect(new URL(done.location!).searchParams.get('code')).toBeTruthy();
    });
  });

  describe('RP-Initiated Logout', () => {
    const logout = (agent: Agent, params: Record<string, string>) => agent.get(`/oauth2/logout?${new URLSearchParams(params).toString()}`);
    const sessionAlive = async (agent: Agent) => (await agent.get('/portal')).status === 200;

    it('ends the session at once for an id_token_hint of this session, goes back with state, and audits the sign-out', async () => {
      const { agent, idToken, claims } = await idTokenOf();
      const res = await logout(agent, { id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'bye 1' });
      expect(res.status).toBe(302);
      const url = new URL(res.location!);
      expect(`${url.origin}${url.pathname}`).toBe(SIGNED_OUT);
      expect(url.searchParams.get('state')).toBe('bye 1');
      expect(await sessionAlive(agent)).toBe(false);
      const recorded = async () =>
        (await sql(`SELECT details FROM audit_events WHERE type = 'auth.sign_out' AND actor_user_id::text = $1 AND target = $1`, [claims.sub])).length === 1;
      await eventually(recorded);
      const [event] = await sql<{ details: unknown }>(`SELECT details FROM audit_events WHERE type = 'auth.sign_out' AND target = $1`, [claims.sub]);
      expect(event.details).toEqual({ via: 'rp_logout', client_id: client.clientId });
    });

    it('tolerates an expired id_token_hint, and takes the same request by POST', async () => {
      const { agent, claims } = await idTokenOf();
      const entity = (await app.get(ClientsService).findByClientId(client.clientId))!;
      const past = Math.floor(Date.now() / 1000) - 7200;
      const expired = app.get(IdTokenService).sign(entity, { ...claims, iat: past, exp: past + 900 });
      const res = await agent.post('/oauth2/logout', { id_token_hint: expired, post_logout_redirect_uri: SIGNED_OUT });
      expect(res.status).toBe(303);
      expect(res.location).toBe(SIGNED_OUT);
      expect(await sessionAlive(agent)).toBe(false);
    });

    it('[I57] asks first on a bare GET (no logout CSRF); the confirmation form needs the CSRF token', async () => {
      const { agent } = await signedIn(app);
      const page = await logout(agent, { client_id: client.clientId, post_logout_redirect_uri: SIGNED_OUT, state: 's' });
      expect(page.status).toBe(200);
      expect(page.text).toContain('name="decision"');
      expect(await sessionAlive(agent)).toBe(true);
      const forged = await agent.post('/oauth2/logout', { decision: 'yes', client_id: client.clientId, post_logout_redirect_uri: SIGNED_OUT });
      expect(forged.status).toBe(403);
      expect(await sessionAlive(agent)).toBe(true);
      const no = await agent.post('/oauth2/logout', {
        csrf: hidden(page.text, 'csrf'),
        decision: 'no',
        client_id: client.clientId,
        post_logout_redirect_uri: SIGNED_OUT,
        state: 's',
      });
      expect(no.status).toBe(303);
      expect(await sessionAlive(agent)).toBe(true);
      const yes = await agent.post('/oauth2/logout', {
        csrf: hidden(page.text, 'csrf'),
        decision: 'yes',
        client_id: hidden(page.text, 'client_id'),
        post_logout_redirect_uri: hidden(page.text, 'post_logout_redirect_uri'),
        state: hidden(page.text, 'state'),
      });
      expect(yes.status).toBe(303);
      expect(yes.location).toBe(`${SIGNED_OUT}?state=s`);
      expect(await sessionAlive(agent)).toBe(false);
    });

    it("[I57] asks first when the hint is another session's", async () => {
      const { idToken } = await idTokenOf();
      const { agent } = await signedIn(app);
      const page = await logout(agent, { id_token_hint: idToken });
      expect(page.status).toBe(200);
      expect(page.text).toContain('name="decision"');
      expect(await sessionAlive(agent)).toBe(true);
    });

    it('signed out already: straight back to the registered URI, or a page', async () => {
      const res = await logout(new Agent(app.url), { client_id: client.clientId, post_logout_redirect_uri: SIGNED_OUT, state: 'x' });
      expect(res.status).toBe(302);
      expect(res.location).toBe(`${SIGNED_OUT}?state=x`);
      const page = await logout(new Agent(app.url), {});
      expect(page.status).toBe(200);
    });

    it.each([
      ['an unregistered post_logout_redirect_uri', { post_logout_redirect_uri: 'https://evil.example/' }],
      ['a post_logout_redirect_uri without a client', { post_logout_redirect_uri: SIGNED_OUT, client_id: '', hint: '' }],
      ['a forged id_token_hint', { id_token_hint: 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4In0.' }],
      ['a client_id that is not the hint audience', { client_id: 'gth_other' }],
      ['an unknown client_id', { client_id: 'gth_nobody', hint: '' }],
    ])('[I57] refuses %s with a 400 page, never a redirect', async (_what, params) => {
      const { agent, idToken } = await idTokenOf();
      const { hint, ...rest } = params as Record<string, string>;
      const query: Record<string, string> = hint === '' ? {} : { id_token_hint: idToken };
      const res = await logout(agent, { client_id: client.clientId, post_logout_redirect_uri: SIGNED_OUT, ...query, ...rest });
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await sessionAlive(agent)).toBe(true);
    });

    it('refuses repeated parameters and a JSON POST with a 400 page; PUT is 405', async () => {
      const { agent } = await signedIn(app);
      expect((await agent.get('/oauth2/logout?state=a&state=b')).status).toBe(400);
      const json = await fetch(`${app.url}/oauth2/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(json.status).toBe(400);
      expect((await fetch(`${app.url}/oauth2/logout`, { method: 'PUT' })).status).toBe(405);
    });

    it('takes post-logout redirect URIs in the portal form, and refuses a bad one next to the field', async () => {
      const { agent } = await signedIn(app);
      const form = await agent.get('/portal/apps/new');
      expect(form.text).toContain('name="post_logout_redirect_uris"');
      const post = (uris: string) =>
        agent.post(
          '/portal/apps',
          new URLSearchParams([
            ['csrf', hidden(form.text, 'csrf')],
            ['name', 'Portal RP'],
            ['type', 'public'],
            ['grant_types', 'authorization_code'],
            ['scopes', 'profile'],
            ['redirect_uris', REDIRECT],
            ['post_logout_redirect_uris', uris],
          ]).toString(),
        );
      const bad = await post('http://evil.example/bye');
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('post-logout redirect URI');
      const ok = await post(`${SIGNED_OUT}\nhttps://app.example/other`);
      expect(ok.status).toBe(303);
      const page = await agent.get(ok.location!);
      expect(page.text).toContain(SIGNED_OUT);
      expect(page.text).toContain('https://app.example/other');
    });

    it('validates post_logout_redirect_uris on /v1/clients like redirect URIs', async () => {
      const user = await app.createUser();
      const token = await app.tokenActingFor(user.id, ['clients:manage', 'profile']);
      const create = (uris: unknown) =>
        fetch(`${app.url}/v1/clients`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'rp', type: 'public', redirect_uris: [REDIRECT], scopes: ['profile'], post_logout_redirect_uris: uris }),
        });
      const ok = await create([SIGNED_OUT]);
      expect(ok.status).toBe(201);
      expect(((await ok.json()) as Record<string, unknown>).post_logout_redirect_uris).toEqual([SIGNED_OUT]);
      for (const bad of [['http://evil.example/'], ['https://a.example/#x'], 'nope', [42]]) {
        const res = await create(bad);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    });
  });

  it('offers UserInfo to CORS_ORIGINS (GET and POST), like the token endpoint', async () => {
    const pre = await fetch(`${app.url}/oauth2/userinfo`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://spa.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://spa.example');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const other = await fetch(`${app.url}/oauth2/userinfo`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const { agent } = await signedIn(app);
    const { location, verifier } = await authorize(agent, client.clientId, { scope: 'openid' });
    const tokens = await exchange(app, client, location.searchParams.get('code')!, verifier);
    const res = await fetch(`${app.url}/oauth2/userinfo`, {
      headers: { Origin: 'https://spa.example', Authorization: `Bearer ${String(tokens.body.access_token)}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://spa.example');
  });
});
