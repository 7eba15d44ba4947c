import { createHash } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { linkIn, nextOutboxMail } from './support/mail.js';
import { authorize, authorizeUrl, codeClient, refresh, signedIn, tokensFor, type FlowClient } from './support/code-flow.js';
import { decodePart } from './support/jwt.js';

/** OpenID Connect Core for the code flow: the openid scope, ID tokens, discovery, UserInfo. */
describe('OpenID Connect: ID tokens, discovery, UserInfo', () => {
  let app: TestApp;
  let client: FlowClient;
  let jwks: ReturnType<typeof createLocalJWKSet>;

  beforeAll(async () => {
    app = await startTestApp();
    // No openid in its registration: every client of the code flow may ask for it.
    client = await codeClient(app, { scopes: ['profile', 'email', 'data:read'] });
    jwks = createLocalJWKSet((await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet);
  });
  afterAll(() => app.close());

  const verifyIdToken = async (token: string, audience = client.clientId) => {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: app.url, audience, typ: 'JWT' });
    return { payload: payload as Record<string, unknown>, header: protectedHeader };
  };
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const atHash = (token: string) => createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url');

  it('[I54] issues an ID token at the code exchange: iss, sub, aud, azp, exp, iat, auth_time, nonce, at_hash, sid; typ JWT', async () => {
    const user = await app.createUser();
    await sql(`UPDATE users SET display_name = 'Ada Lovelace' WHERE id = $1`, [user.id]);
    const agent = new Agent(app.url);
    const before = Math.floor(Date.now() / 1000);
    await agent.signIn(user.email, user.password);
    const { body } = await tokensFor(app, client, agent, { scope: 'openid profile email', nonce: 'n-0S6_WzA2Mj' });
    expect(body.scope).toBe('openid profile email');
    const { payload, header } = await verifyIdToken(String(body.id_token));
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(typeof header.kid).toBe('string');
    expect(payload).toMatchObject({
      iss: app.url,
      sub: user.id,
      aud: client.clientId,
      azp: client.clientId,
      nonce: 'n-0S6_WzA2Mj',
      at_hash: atHash(String(body.access_token)),
      name: 'Ada Lovelace',
      email: user.email,
      email_verified: false,
    });
    expect(payload.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(payload.auth_time).toBeLessThanOrEqual(payload.iat as number);
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    const [session] = await sql<{ id: string }>(`SELECT id FROM sessions WHERE user_id = $1`, [user.id]);
    expect(payload.sid).toBe(session.id);
    expect(typeof payload.updated_at).toBe('number');
  });

  it('says email_verified true, in the ID token and UserInfo, once the user opened the confirmation link emailed at sign-up', async () => {
    const address = `verified-${Date.now()}@example.com`;
    const agent = new Agent(app.url);
    const form = await agent.get('/portal/signup');
    await agent.post('/portal/signup', {
      email: address,
      password: 'verified user password',
      display_name: '',
      csrf: hidden(form.text, 'csrf'),
      return_to: '/portal',
    });
    await agent.signIn(address, 'verified user password');
    const before = await tokensFor(app, client, agent, { scope: 'openid email', nonce: 'unverified' });
    expect((await verifyIdToken(String(before.body.id_token))).payload).toMatchObject({ email: address, email_verified: false });
    const { token } = linkIn((await nextOutboxMail(app, address)).body, '/portal/verify-email');
    const page = await agent.get(`/portal/verify-email?token=${token}`);
    expect((await agent.post('/portal/verify-email', { token, csrf: hidden(page.text, 'csrf') })).status).toBe(303);
    const after = await tokensFor(app, client, agent, { scope: 'openid email', nonce: 'verified' });
    expect((await verifyIdToken(String(after.body.id_token))).payload).toMatchObject({ email: address, email_verified: true });
    const info = (await (await fetch(`${app.url}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${after.access}` } })).json()) as Record<
      string,
      unknown
    >;
    expect(info).toMatchObject({ email: address, email_verified: true });
    // The access token from before the confirmation reads the truth at UserInfo too.
    const earlier = (await (await fetch(`${app.url}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${before.access}` } })).json()) as Record<
      string,
      unknown
    >;
    expect(earlier.email_verified).toBe(true);
  });

  it("[I54] signs the ID token with the client's id_token_signed_response_alg (RS256 here), independently of its access tokens' ES256", async () => {
    const rsa = await codeClient(app, { scopes: ['profile'], idTokenSignedResponseAlg: 'RS256' });
    const user = await app.createUser();
    const agent = new Agent(app.url);
    await agent.signIn(user.email, user.password);
    const { body } = await tokensFor(app, rsa, agent, { scope: 'openid profile', nonce: 'rsa-nonce' });
    const keys = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(String(body.id_token), createLocalJWKSet(keys), {
      issuer: app.url,
      audience: rsa.clientId,
      typ: 'JWT',
      algorithms: ['RS256'],
    });
    expect(keys.keys.find((k) => k.kid === protectedHeader.kid)).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    expect(payload).toMatchObject({ sub: user.id, nonce: 'rsa-nonce', at_hash: atHash(String(body.access_token)) });
    expect(decodePart(String(body.access_token), 0)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    // The same token under the EC keys only does not verify: the algorithm is really RS256.
    const ecOnly = createLocalJWKSet({ keys: keys.keys.filter((k) => k.kty === 'EC') });
    await expect(jwtVerify(String(body.id_token), ecOnly, { issuer: app.url, audience: rsa.clientId })).rejects.toThrow();
  });

  it('gives claims by scope only: openid alone is sub and the protocol claims; no nonce when none was sent', async () => {
    const { body } = await tokensFor(app, client, undefined, { scope: 'openid' });
    const { payload } = await verifyIdToken(String(body.id_token));
    expect(payload.nonce).toBeUndefined();
    for (const claim of ['name', 'email', 'email_verified', 'updated_at']) expect(payload[claim]).toBeUndefined();
    const profileOnly = await tokensFor(app, client, undefined, { scope: 'openid profile' });
    const p = (await verifyIdToken(String(profileOnly.body.id_token))).payload;
    expect(p.email).toBeUndefined();
    expect(p.updated_at).toBeDefined();
  });

  it('issues no ID token without openid, and refuses openid to a client without the code flow', async () => {
    const { body } = await tokensFor(app, client, undefined, { scope: 'profile' });
    expect(body.id_token).toBeUndefined();
    const cc = await app.createClient();
    const res = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: cc.clientId,
      client_secret: cc.clientSecret!,
      scope: 'openid',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('refuses email to a client not registered for it: invalid_scope on the redirect', async () => {
    const narrow = await codeClient(app, { scopes: ['profile'] });
    const { agent } = await signedIn(app);
    const { location } = await authorize(agent, narrow.clientId, { scope: 'openid email' });
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('state')).toBe('st');
  });

  it('issues a new ID token at a refresh: same sub, aud, auth_time and sid, a new iat and at_hash, no nonce', async () => {
    const first = await tokensFor(app, client, undefined, { scope: 'openid email', nonce: 'abc' });
    const original = (await verifyIdToken(String(first.body.id_token))).payload;
    await new Promise((r) => setTimeout(r, 1100));
    const res = await refresh(app, client, first.refresh);
    expect(res.status).toBe(200);
    const renewed = (await verifyIdToken(String(res.body.id_token))).payload;
    expect(renewed).toMatchObject({ sub: original.sub, aud: original.aud, azp: original.azp, auth_time: original.auth_time, sid: original.sid });
    expect(renewed.iat).toBeGreaterThan(original.iat as number);
    expect(renewed.nonce).toBeUndefined();
    expect(renewed.at_hash).toBe(atHash(String(res.body.access_token)));
    const narrowed = await refresh(app, client, String(res.body.refresh_token), { scope: 'email' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.id_token).toBeUndefined();
  });

  it('refuses a nonce over 512 characters with invalid_request on the redirect', async () => {
    const { agent } = await signedIn(app);
    const { location } = await authorize(agent, client.clientId, { scope: 'openid', nonce: 'x'.repeat(513) });
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain('nonce');
  });

  it.each([
    ['request', 'eyJhbGciOiJub25lIn0.e30.', 'request_not_supported'],
    ['request_uri', 'https://rp.example/req.jwt', 'request_uri_not_supported'],
    ['registration', '{}', 'registration_not_supported'],
  ])('answers %s with %s', async (name, value, error) => {
    const { agent } = await signedIn(app);
    const res = await agent.get(
      authorizeUrl(client.clientId, {
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        [name]: value,
      }),
    );
    expect(res.status).toBe(302);
    expect(new URL(res.location!).searchParams.get('error')).toBe(error);
  });

  describe('discovery', () => {
    it('serves an OpenID Provider document with every required field, beside the unchanged RFC 8414 one', async () => {
      const oidc = (await (await fetch(`${app.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      const rfc8414 = (await (await fetch(`${app.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(oidc).toMatchObject({
        ...rfc8414,
        issuer: app.url,
        authorization_endpoint: `${app.url}/oauth2/authorize`,
        token_endpoint: `${app.url}/oauth2/token`,
        userinfo_endpoint: `${app.url}/oauth2/userinfo`,
        end_session_endpoint: `${app.url}/oauth2/logout`,
        jwks_uri: `${app.url}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256', 'RS256'],
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        claims_parameter_supported: false,
      });
      expect(oidc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
      expect(oidc.claims_supported).toEqual(
        expect.arrayContaining(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'email', 'email_verified', 'sid']),
      );
      expect(rfc8414.userinfo_endpoint).toBeUndefined();
      expect(rfc8414.subject_types_supported).toBeUndefined();
      for (const field of ['response_types_supported', 'grant_types_supported']) expect(oidc[field]).not.toContain('token');
    });
  });

  describe('UserInfo', () => {
    let access: string;
    let userId: string;
    beforeAll(async () => {
      const user = await app.createUser();
      userId = user.id;
      const agent = new Agent(app.url);
      await agent.signIn(user.email, user.password);
      access = (await tokensFor(app, client, agent, { scope: 'openid email' })).access;
    });

    it('answers GET and POST with sub and the claims of the scopes, no-store', async () => {
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${app.url}/oauth2/userinfo`, { method, headers: { Authorization: `Bearer ${access}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('application/json');
        const body = (await res.json()) as Record<string, unknown>;
        expect(body.sub).toBe(userId);
        expect(body.email_verified).toBe(false);
        expect(body.name).toBeUndefined();
      }
    });

    it('answers 401 with a Bearer challenge without a token, invalid_token for a garbled one', async () => {
      const none = await fetch(`${app.url}/oauth2/userinfo`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse"/);
      const bad = await fetch(`${app.url}/oauth2/userinfo`, { headers: { Authorization: 'Bearer not.a.token' } });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const body = (await bad.json()) as Record<string, unknown>;
      expect(body.error).toBe('invalid_token');
    });

    it('[I55] answers 403 insufficient_scope for a user token without openid', async () => {
      const { access: noOpenid } = await tokensFor(app, client, undefined, { scope: 'profile' });
      const res = await fetch(`${app.url}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${noOpenid}` } });
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      expect(res.headers.get('www-authenticate')).toContain('scope="openid"');
    });

    it('[I55] answers 401 invalid_token for a client-credentials token, even one registered with openid', async () => {
      const cc = await app.createClient({ scopes: ['openid', 'users:read'] });
      const token = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: cc.clientId, client_secret: cc.clientSecret! });
      const res = await fetch(`${app.url}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${String(token.body.access_token)}` } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as Record<string, unknown>).error_description).toContain('issued to a user');
    });

    it('[I55] refuses an ID token used as an access token', async () => {
      const { body } = await tokensFor(app, client, undefined, { scope: 'openid' });
      expect(decodePart(String(body.id_token), 0).typ).toBe('JWT');
      const res = await fetch(`${app.url}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${String(body.id_token)}` } });
      expect(res.status).toBe(401);
    });
  });
});
