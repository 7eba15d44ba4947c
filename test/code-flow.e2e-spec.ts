import * as oauth from 'oauth4webapi';
import { eventually, startTestApp, type TestApp } from './support/app.js';
import { type Agent } from './support/agent.js';
import { authorize, codeClient, exchange, me, REDIRECT, signedIn, tokensFor, type FlowClient } from './support/code-flow.js';

/** The authorization code at the token endpoint: docs/security.md A11-A17, and GET /v1/users/me. */
describe('authorization code grant (RFC 6749 4.1, RFC 7636)', () => {
  let app: TestApp;
  let client: FlowClient;
  let agent: Agent;
  let userId: string;

  beforeAll(async () => {
    app = await startTestApp();
    client = await codeClient(app);
    ({
      agent,
      user: { id: userId },
    } = await signedIn(app));
  });
  afterAll(() => app.close());

  const codeFor = async (c: FlowClient = client, params: Record<string, string> = {}) => {
    const { location, verifier } = await authorize(agent, c.clientId, params);
    return { code: location.searchParams.get('code')!, verifier, location };
  };
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);

  it('exchanges code + right verifier for tokens whose sub is the user; /v1/users/me answers [A11]', async () => {
    const { code, verifier, location } = await codeFor(client, { scope: 'profile data:read' });
    expect(location.searchParams.get('iss')).toBe(app.url);
    const res = await exchange(app, client, code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'profile data:read' });
    expect(String(res.body.refresh_token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const claims = JSON.parse(Buffer.from(String(res.body.access_token).split('.')[1], 'base64url').toString()) as Record<string, string>;
    expect(claims).toMatchObject({ sub: userId, client_id: client.clientId, scope: 'profile data:read', iss: app.url });
    expect(typeof claims.gid).toBe('string');
    const who = await me(app, String(res.body.access_token));
    expect(who.status).toBe(200);
    expect(await who.json()).toMatchObject({ id: userId });
  });

  it('stores codes and refresh tokens only as SHA-256 digests', async () => {
    const { code, verifier } = await codeFor();
    const res = await exchange(app, client, code, verifier);
    const codes = await sql(`SELECT encode(code_hash, 'hex') AS h FROM authorization_codes`);
    const rts = await sql(`SELECT encode(token_hash, 'hex') AS h FROM refresh_tokens`);
    const dump = JSON.stringify([codes, rts]);
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(String(res.body.refresh_token));
    expect(codes.every((r) => String(r.h).length === 64)).toBe(true);
  });

  it('issues no refresh token to a client not allowed refresh_token', async () => {
    const noRefresh = await codeClient(app, { grantTypes: ['authorization_code'] });
    const { code, verifier } = await codeFor(noRefresh);
    const res = await exchange(app, noRefresh, code, verifier);
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['wrong', 'x'.repeat(43)],
    ['too short', 'abc'],
  ])('refuses a %s code_verifier with invalid_grant [A11]', async (_what, verifier) => {
    const { code } = await codeFor();
    const res = await exchange(app, client, code, verifier);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses a verifier when the request had no challenge: PKCE downgrade [A12]', async () => {
    const { location } = await authorize(agent, client.clientId, { code_challenge: '', code_challenge_method: '' });
    const res = await exchange(app, client, location.searchParams.get('code')!, 'a'.repeat(43));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_description).toContain('no code_challenge');
  });

  it('lets a confidential client without PKCE exchange without a verifier', async () => {
    const { location } = await authorize(agent, client.clientId, { code_challenge: '', code_challenge_method: '' });
    expect((await exchange(app, client, location.searchParams.get('code')!, undefined)).status).toBe(200);
  });

  it('refuses a second use of a code and revokes the tokens of the first exchange [A13]', async () => {
    const { code, verifier } = await codeFor();
    const first = await exchange(app, client, code, verifier);
    expect(first.status).toBe(200);
    expect((await me(app, String(first.body.access_token))).status).toBe(200);
    const second = await exchange(app, client, code, verifier);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    expect(second.body.error_description).toContain('revoked');
    const after = await me(app, String(first.body.access_token));
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const refreshed = await fetch(`${app.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: String(first.body.refresh_token),
        client_id: client.clientId,
        client_secret: client.clientSecret!,
      }),
    });
    expect(refreshed.status).toBe(400);
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE type = 'oauth.code_reuse_detected'`)).length > 0);
  });

  it('gives exactly one 200 for 20 parallel exchanges of one code [A14]', async () => {
    const { code, verifier } = await codeFor();
    const results = await Promise.all(Array.from({ length: 20 }, () => exchange(app, client, code, verifier)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(19);
  });

  it("refuses client B with client A's code, and A can still use it [A15]", async () => {
    const other = await codeClient(app);
    const { code, verifier } = await codeFor();
    const stolen = await exchange(app, other, code, verifier);
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await exchange(app, client, code, verifier)).status).toBe(200);
  });

  it('refuses a redirect_uri that differs from the authorization request [A16]', async () => {
    const { code, verifier } = await codeFor();
    const res = await exchange(app, client, code, verifier, { redirect_uri: `${REDIRECT}/other` });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_description).toContain('redirect_uri');
  });

  it('refuses an expired code [A17]', async () => {
    const { code, verifier } = await codeFor();
    await sql(`UPDATE authorization_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    const res = await exchange(app, client, code, verifier);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_description).toContain('60 seconds');
  });

  it('codes live 60 seconds', async () => {
    await codeFor();
    const rows = await sql<{ s: number }>(
      `SELECT extract(epoch FROM expires_at - created_at)::int AS s FROM authorization_codes ORDER BY created_at DESC LIMIT 1`,
    );
    expect(rows[0].s).toBe(60);
  });

  it('refuses a confidential client without authentication: invalid_client [A17]', async () => {
    const { code, verifier } = await codeFor();
    const res = await exchange(app, { ...client, clientSecret: undefined }, code, verifier);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses a missing code with invalid_request, an unknown one with invalid_grant', async () => {
    const missing = await exchange(app, client, '', undefined);
    expect(missing.body.error).toBe('invalid_request');
    const unknown = await exchange(app, client, 'x'.repeat(43), 'y'.repeat(43));
    expect(unknown.body.error).toBe('invalid_grant');
  });

  it('refuses the code grant to a client not allowed it: unauthorized_client', async () => {
    const cc = await app.createClient();
    const res = await exchange(app, cc, 'x'.repeat(43), undefined);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('lets a public client exchange with PKCE and no secret (oauth4webapi)', async () => {
    const pub = await codeClient(app, { type: 'public' });
    const { location, verifier } = await authorize(agent, pub.clientId, { state: 'xyz' });
    const issuer = new URL(app.url);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }));
    const c: oauth.Client = { client_id: pub.clientId };
    const params = oauth.validateAuthResponse(as, c, location, 'xyz');
    const res = await oauth.authorizationCodeGrantRequest(as, c, oauth.None(), params, REDIRECT, verifier, { [oauth.allowInsecureRequests]: true });
    const tokens = await oauth.processAuthorizationCodeResponse(as, c, res);
    expect(tokens.refresh_token).toBeDefined();
  });

  it('answers /v1/users/me 403 for a client-credentials token and for a token without profile', async () => {
    const cc = await app.createClient({ scopes: ['profile'] });
    const ccToken = await fetch(`${app.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: cc.clientId, client_secret: cc.clientSecret! }),
    });
    const access = ((await ccToken.json()) as { access_token: string }).access_token;
    expect((await me(app, access)).status).toBe(403);
    const t = await tokensFor(app, client, agent, { scope: 'data:read' });
    const res = await me(app, t.access);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="profile"');
  });

  it('writes a token_issued audit event for the code flow', async () => {
    await tokensFor(app, client, agent);
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE type = 'oauth.token_issued' AND actor_user_id = $1`, [userId])).length > 0);
  });

  it('needs redirect_uri at the token endpoint only when the authorization request sent it (RFC 6749 4.1.3)', async () => {
    const single = await codeClient(app);
    const { location, verifier } = await authorize(agent, single.clientId, { redirect_uri: '' });
    const withoutIt = await exchange(app, single, location.searchParams.get('code')!, verifier, { redirect_uri: '' });
    expect(withoutIt.status).toBe(200);
    const sent = await codeFor(single);
    const missing = await exchange(app, single, sent.code, sent.verifier, { redirect_uri: '' });
    expect(missing.body.error).toBe('invalid_grant');
  });
});
