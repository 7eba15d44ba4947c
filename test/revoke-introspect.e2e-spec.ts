import { AccessTokenService } from '../src/oauth/access-token.service.js';
import { REVOCATION_CACHE_SECONDS } from '../src/oauth/store/revocation-list.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { codeClient, me, refresh, tokensFor, type FlowClient } from './support/code-flow.js';

/** POST /oauth2/revoke (RFC 7009) and POST /oauth2/introspect (RFC 7662): docs/security.md A24, A25. */
describe('revocation and introspection', () => {
  let app: TestApp;
  let client: FlowClient;
  let other: FlowClient;

  beforeAll(async () => {
    app = await startTestApp();
    client = await codeClient(app);
    other = await codeClient(app);
  });
  afterAll(() => app.close());

  const auth = (c: FlowClient) => ({ client_id: c.clientId, client_secret: c.clientSecret! });
  const revoke = (c: FlowClient, body: Record<string, string>) => postForm(`${app.url}/oauth2/revoke`, { ...auth(c), ...body });
  const introspect = (body: Record<string, string>, headers: Record<string, string> = {}) => postForm(`${app.url}/oauth2/introspect`, body, headers);

  it('answers 200 for garbage and unknown tokens, with no-store [A24]', async () => {
    for (const token of ['garbage', 'a.b.c', 'x'.repeat(43), 'y'.repeat(5000)]) {
      const res = await revoke(client, { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
    }
  });

  it('revoking a refresh token revokes its family and its access tokens [A24]', async () => {
    const t = await tokensFor(app, client);
    const r1 = await refresh(app, client, t.refresh);
    const res = await revoke(client, { token: String(r1.body.refresh_token), token_type_hint: 'refresh_token' });
    expect(res.status).toBe(200);
    expect((await refresh(app, client, String(r1.body.refresh_token))).body.error).toBe('invalid_grant');
    expect((await me(app, String(r1.body.access_token))).status).toBe(401);
    expect((await me(app, t.access)).status).toBe(401);
  });

  it('revoking an access token denies that token only [A24]', async () => {
    const t = await tokensFor(app, client);
    expect((await revoke(client, { token: t.access, token_type_hint: 'access_token' })).status).toBe(200);
    const res = await me(app, t.access);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const r1 = await refresh(app, client, t.refresh);
    expect(r1.status).toBe(200);
    expect((await me(app, String(r1.body.access_token))).status).toBe(200);
  });

  it('revokes a client-credentials access token too', async () => {
    const cc = await app.createClient();
    const tok = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: cc.clientId, client_secret: cc.clientSecret! });
    const access = String(tok.body.access_token);
    expect((await postForm(`${app.url}/oauth2/revoke`, { token: access, client_id: cc.clientId, client_secret: cc.clientSecret! })).status).toBe(200);
    expect((await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${access}` } })).status).toBe(401);
  });

  it("refuses to revoke another client's tokens, which keep working [A24]", async () => {
    const t = await tokensFor(app, client);
    const rt = await revoke(other, { token: t.refresh });
    expect(rt.status).toBe(400);
    expect(rt.body.error).toBe('unauthorized_client');
    const at = await revoke(other, { token: t.access });
    expect(at.body.error).toBe('unauthorized_client');
    expect((await me(app, t.access)).status).toBe(200);
    expect((await refresh(app, client, t.refresh)).status).toBe(200);
  });

  it('requires client authentication and the token parameter', async () => {
    const t = await tokensFor(app, client);
    const noAuth = await postForm(`${app.url}/oauth2/revoke`, { token: t.refresh });
    expect(noAuth.status).toBe(401);
    expect(noAuth.body.error).toBe('invalid_client');
    const wrong = await postForm(`${app.url}/oauth2/revoke`, { token: t.refresh, client_id: client.clientId, client_secret: 'wrong' });
    expect(wrong.status).toBe(401);
    expect((await revoke(client, {})).body.error).toBe('invalid_request');
    expect((await refresh(app, client, t.refresh)).status).toBe(200);
  });

  it('lets a public client revoke its own refresh token with client_id only', async () => {
    const pub = await codeClient(app, { type: 'public' });
    const t = await tokensFor(app, pub);
    expect((await postForm(`${app.url}/oauth2/revoke`, { token: t.refresh, client_id: pub.clientId })).status).toBe(200);
    expect((await refresh(app, pub, t.refresh)).body.error).toBe('invalid_grant');
  });

  it('answers introspection without client authentication with 401 [A25]', async () => {
    const t = await tokensFor(app, client);
    const res = await introspect({ token: t.access });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const pub = await codeClient(app, { type: 'public' });
    expect((await introspect({ token: t.access, client_id: pub.clientId })).status).toBe(401);
  });

  it('describes a live access token and a live refresh token', async () => {
    const t = await tokensFor(app, client, undefined, { scope: 'profile data:read' });
    const basic = { Authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` };
    const at = await introspect({ token: t.access }, basic);
    expect(at.status).toBe(200);
    expect(at.body).toMatchObject({ active: true, scope: 'profile data:read', client_id: client.clientId, token_type: 'Bearer', iss: app.url });
    expect(typeof at.body.exp).toBe('number');
    const rt = await introspect({ token: t.refresh, token_type_hint: 'refresh_token' }, basic);
    expect(rt.body).toMatchObject({ active: true, token_type: 'refresh_token', scope: 'profile data:read', client_id: client.clientId, sub: at.body.sub });
  });

  it('answers exactly {"active": false} for unknown, expired, revoked, rotated and foreign tokens [A25]', async () => {
    const t = await tokensFor(app, client);
    const r1 = await refresh(app, client, t.refresh);
    const t2 = await tokensFor(app, client);
    await revoke(client, { token: t2.refresh });
    const foreign = await tokensFor(app, other);
    const expired = await tokensFor(app, client);
    await app.running.db.dataSource.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = sha256($1::bytea)`, [
      Buffer.from(expired.refresh),
    ]);
    const expiredAccess = app.get(AccessTokenService).issue({ sub: 'u', clientId: client.clientId, scope: ['profile'], ttl: -60 }).token;
    const cases = [expiredAccess, 'garbage', 'a.b.c', 'x'.repeat(43), t.refresh, t2.refresh, t2.access, foreign.access, foreign.refresh, expired.refresh];
    for (const token of cases) {
      const res = await introspect({ token, ...auth(client) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ active: false });
    }
    expect((await introspect({ token: String(r1.body.refresh_token), ...auth(client) })).body.active).toBe(true);
  });

  it('answers GET on both endpoints with 405', async () => {
    for (const path of ['/oauth2/revoke', '/oauth2/introspect']) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
  });

  it('lists both endpoints and the code flow in the metadata', async () => {
    const meta = (await (await fetch(`${app.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(meta).toMatchObject({
      authorization_endpoint: `${app.url}/oauth2/authorize`,
      revocation_endpoint: `${app.url}/oauth2/revoke`,
      introspection_endpoint: `${app.url}/oauth2/introspect`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      response_types_supported: ['code'],
    });
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(meta.token_endpoint_auth_methods_supported).toContain('none');
  });

  it('a revocation on one instance reaches another within REVOCATION_CACHE_SECONDS', async () => {
    const b = await startTestApp({ database: app.db });
    try {
      const t = await tokensFor(app, client);
      const onB = (token: string) => fetch(`${b.url}/v1/users/me`, { headers: { Authorization: `Bearer ${token}` } });
      // b verifies with the same keys but its own issuer URL: use a token b issued for the same grant.
      const r1 = await refresh(b, client, t.refresh);
      expect((await onB(String(r1.body.access_token))).status).toBe(200); // cached as alive on b
      expect((await revoke(client, { token: String(r1.body.refresh_token) })).status).toBe(200); // revoked on a
      await new Promise((r) => setTimeout(r, REVOCATION_CACHE_SECONDS * 1000 + 200));
      expect((await onB(String(r1.body.access_token))).status).toBe(401);
    } finally {
      await b.close();
    }
  }, 20_000);
});
