import * as oauth from 'oauth4webapi';
import { postForm, startTestApp, type TestApp } from './support/app.js';

/** The guide's first example: client credentials at POST /oauth2/token, then GET /v1/users. docs/security.md A. */
describe('client credentials (RFC 6749 4.4)', () => {
  let app: TestApp;
  let as: oauth.AuthorizationServer;
  let clientId: string;
  let secret: string;

  beforeAll(async () => {
    app = await startTestApp();
    const c = await app.createClient();
    clientId = c.clientId;
    secret = c.clientSecret!;
    const issuer = new URL(app.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
  });
  afterAll(() => app.close());

  const token = (body: Record<string, string> | string, headers?: Record<string, string>) => postForm(`${app.url}/oauth2/token`, body, headers);

  it.each([
    ['client_secret_post', () => oauth.ClientSecretPost(secret)],
    ['client_secret_basic', () => oauth.ClientSecretBasic(secret)],
  ])('oauth4webapi gets a token with %s and the token opens GET /v1/users', async (_name, auth) => {
    const res = await oauth.clientCredentialsGrantRequest(
      as,
      { client_id: clientId },
      auth(),
      { scope: 'users:read' },
      { [oauth.allowInsecureRequests]: true },
    );
    const result = await oauth.processClientCredentialsResponse(as, { client_id: clientId }, res);
    expect(result.token_type).toBe('bearer');
    expect(result.expires_in).toBe(900);
    expect(result.scope).toBe('users:read');
    expect(result.refresh_token).toBeUndefined();
    const users = await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${result.access_token}` } });
    expect(users.status).toBe(200);
    const body = (await users.json()) as { data: { email: string }[] };
    expect(body.data.map((u) => u.email)).toContain(app.config.adminEmail);
  });

  it('answers the guide request exactly: 200, Bearer, no-store, no refresh token [A1]', async () => {
    const res = await token(`grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'users:read data:read' });
    expect(res.body.refresh_token).toBeUndefined();
  });

  it('issues an RFC 9068 JWT with the documented claims, signed by a key in the JWKS', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
    const [h, p] = String(res.body.access_token).split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>;
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(claims).toMatchObject({ iss: app.url, sub: clientId, client_id: clientId, aud: `${app.url}/v1`, scope: 'users:read data:read' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
    expect(typeof claims.jti).toBe('string');
    const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string; kty: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('grants a narrower scope, in any order, and echoes it [A9]', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'data:read users:read' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('data:read users:read');
  });

  it('refuses a scope the client is not allowed: invalid_scope naming it [A9]', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'users:read admin' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
    expect(res.body.error_description).toContain('admin');
  });

  it('refuses a wrong secret sent with Basic: 401 invalid_client + WWW-Authenticate Basic [A3]', async () => {
    const res = await token({ grant_type: 'client_credentials' }, { Authorization: `Basic ${Buffer.from(`${clientId}:wrong`).toString('base64')}` });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="gatehouse"/);
  });

  it('says the same for an unknown client as for a wrong secret, without WWW-Authenticate for post', async () => {
    const wrong = await token({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'wrong' });
    const unknown = await token({ grant_type: 'client_credentials', client_id: 'gth_doesnotexist', client_secret: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.get('www-authenticate')).toBeNull();
  });

  it('refuses Basic and a body secret together [A4]', async () => {
    const res = await token(
      { grant_type: 'client_credentials', client_secret: secret },
      { Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('form-url-decodes both Basic parts, so ids and secrets may hold ":" and "%" [A5]', async () => {
    const odd = await app.createClient({ clientId: 'odd:client%id' });
    const basic = Buffer.from(`${encodeURIComponent('odd:client%id')}:${encodeURIComponent(odd.clientSecret!)}`).toString('base64');
    const res = await token({ grant_type: 'client_credentials' }, { Authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
  });

  it.each([
    'Basic',
    'Basic !!!notbase64',
    `Basic ${Buffer.from('no-colon').toString('base64')}`,
    `Basic ${Buffer.from(':').toString('base64')}`,
    `Basic ${Buffer.from('a:%zz').toString('base64')}`,
  ])('answers a malformed Basic header "%s" with 401 invalid_client, never 5xx [A5]', async (header) => {
    const res = await token({ grant_type: 'client_credentials' }, { Authorization: header });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('refuses a missing grant_type and a repeated parameter with invalid_request [A6]', async () => {
    expect((await token({ client_id: clientId, client_secret: secret })).body.error).toBe('invalid_request');
    const repeated = await token(`grant_type=client_credentials&grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`);
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');
    expect(repeated.body.error_description).toContain('grant_type');
  });

  it('ignores unknown parameters and treats empty ones as absent [A6]', async () => {
    const res = await token(`grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}&scope=&foo=bar`);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('users:read data:read');
  });

  it.each(['password', 'implicit', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'CLIENT_CREDENTIALS'])(
    'answers grant_type=%s with unsupported_grant_type [A7]',
    async (grant) => {
      const res = await token({ grant_type: grant, client_id: clientId, client_secret: secret, username: 'a', password: 'b' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_grant_type');
    },
  );

  it('refuses client_credentials to a public client and to a client not allowed it: unauthorized_client [A8]', async () => {
    const pub = await app.createClient({ type: 'public', grantTypes: ['authorization_code'], redirectUris: ['http://127.0.0.1:9/cb'] });
    const res = await token({ grant_type: 'client_credentials', client_id: pub.clientId });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
    const codeOnly = await app.createClient({ grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb'] });
    const res2 = await token({ grant_type: 'client_credentials', client_id: codeOnly.clientId, client_secret: codeOnly.clientSecret! });
    expect(res2.body.error).toBe('unauthorized_client');
  });

  it('answers GET /oauth2/token with 405 and Allow: POST [A10]', async () => {
    const res = await fetch(`${app.url}/oauth2/token`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('refuses a JSON body with invalid_request saying the body must be a form', async () => {
    const res = await fetch(`${app.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toContain('application/x-www-form-urlencoded');
  });

  it('publishes RFC 8414 metadata describing what is supported', async () => {
    const res = await fetch(`${app.url}/.well-known/oauth-authorization-server`);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(app.url);
    expect(meta.token_endpoint).toBe(`${app.url}/oauth2/token`);
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials']));
    expect(meta.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post']));
    expect(meta.grant_types_supported).not.toContain('password');
    // The OpenID Provider document holds the same fields, and adds its own (test/oidc.e2e-spec.ts).
    const openid = await fetch(`${app.url}/.well-known/openid-configuration`);
    expect(await openid.json()).toMatchObject(meta);
  });
});
