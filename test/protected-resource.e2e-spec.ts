import { startTestApp, type TestApp } from './support/app.js';

const PUBLIC_DOCUMENTS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
  '/.well-known/jwks.json',
  '/.well-known/oauth-protected-resource',
  '/.well-known/oauth-protected-resource/v1',
];
const SOME_SITE = 'https://spa.example.net';

/**
 * RFC 9728 protected-resource metadata of the /v1 API, the `resource_metadata` of its Bearer
 * challenges, and CORS for every origin on the public metadata documents (no CORS_ORIGINS here).
 */
describe('protected-resource metadata and public CORS', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp();
    const user = await app.createUser();
    token = await app.tokenActingFor(user.id, ['data:read']);
  });
  afterAll(() => app.close());

  const metadataUrl = () => `${app.url}/.well-known/oauth-protected-resource/v1`;

  it('describes the /v1 API: its audience, the issuer, its scopes, header-only bearer tokens, the keys and the docs', async () => {
    const res = await fetch(`${app.url}/.well-known/oauth-protected-resource`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toEqual({
      resource: `${app.url}/v1`,
      resource_name: 'Gatehouse API',
      authorization_servers: [app.url],
      scopes_supported: expect.arrayContaining(['users:read', 'data:read', 'data:write', 'profile', 'admin']) as unknown,
      bearer_methods_supported: ['header'],
      jwks_uri: `${app.url}/.well-known/jwks.json`,
      resource_documentation: `${app.url}/docs`,
    });
    expect(doc.scopes_supported).not.toContain('openid');
    expect(doc.resource).toBe(app.config.audience);
    // Every URL in it answers.
    expect((await fetch(String(doc.jwks_uri))).status).toBe(200);
    const as = (await (await fetch(`${app.url}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    expect(as.issuer).toBe((doc.authorization_servers as string[])[0]);
  });

  it('is also where RFC 9728 3.1 puts it for the resource $PUBLIC_URL/v1, with the same content', async () => {
    const root = await (await fetch(`${app.url}/.well-known/oauth-protected-resource`)).json();
    const res = await fetch(metadataUrl());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(root);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('every Bearer challenge of /v1 names it in resource_metadata: no token, a bad token, too few scopes [C37] [C38] [C39]', async () => {
    const none = await fetch(`${app.url}/v1/users`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="gatehouse", resource_metadata="${metadataUrl()}"`);
    const bad = await fetch(`${app.url}/v1/users`, { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="gatehouse", error="invalid_token", error_description="[^"]*", resource_metadata="([^"]+)"$/,
    );
    expect(bad.headers.get('www-authenticate')).toContain(`resource_metadata="${metadataUrl()}"`);
    const scope = await fetch(`${app.url}/v1/users`, { headers: { authorization: `Bearer ${token}` } });
    expect(scope.status).toBe(403);
    expect(scope.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(scope.headers.get('www-authenticate')).toContain(`resource_metadata="${metadataUrl()}"`);
    // The body stays the RFC 6750 JSON.
    expect(await bad.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('an API-key challenge and the token endpoint carry no resource_metadata (they are not Bearer challenges of the resource)', async () => {
    const key = await fetch(`${app.url}/v1/data`, { headers: { 'x-api-key': 'gth_live_nope' } });
    expect(key.status).toBe(401);
    expect(key.headers.get('www-authenticate')).toMatch(/^ApiKey /);
    expect(key.headers.get('www-authenticate')).not.toContain('resource_metadata');
    const tokenEndpoint = await fetch(`${app.url}/oauth2/token`, { method: 'POST', headers: { authorization: 'Basic Og==' } });
    expect(tokenEndpoint.headers.get('www-authenticate') ?? '').not.toContain('resource_metadata');
  });

  it.each(PUBLIC_DOCUMENTS)('%s answers any origin with Access-Control-Allow-Origin: *, never with credentials', async (path) => {
    const res = await fetch(`${app.url}${path}`, { headers: { origin: SOME_SITE } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    const head = await fetch(`${app.url}${path}`, { method: 'HEAD', headers: { origin: 'null' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('access-control-allow-origin')).toBe('*');
  });

  it.each(PUBLIC_DOCUMENTS)('%s answers a preflight from any origin with 204, GET and the headers asked for', async (path) => {
    const res = await fetch(`${app.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin: SOME_SITE, 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept, x-requested-with' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
    expect(res.headers.get('access-control-allow-headers')).toBe('accept, x-requested-with');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('a preflight asking for odd header names gets no Access-Control-Allow-Headers; a plain OPTIONS gets 204 with Allow', async () => {
    for (const asked of ['a b', 'x'.repeat(65), Array.from({ length: 21 }, (_, i) => `h${i}`).join(','), 'ok, ']) {
      const res = await fetch(`${app.url}/.well-known/jwks.json`, {
        method: 'OPTIONS',
        headers: { origin: SOME_SITE, 'access-control-request-method': 'GET', 'access-control-request-headers': asked },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-headers')).toBeNull();
    }
    const plain = await fetch(`${app.url}/.well-known/jwks.json`, { method: 'OPTIONS' });
    expect(plain.status).toBe(204);
    expect(plain.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('the rest keeps its CORS rules: no CORS_ORIGINS means no CORS on the token endpoint, the API, authorize or the portal [B36]', async () => {
    for (const path of ['/oauth2/token', '/v1/users', '/oauth2/authorize', '/portal/signin', '/health/live']) {
      const res = await fetch(`${app.url}${path}`, { headers: { origin: SOME_SITE } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const pre = await fetch(`${app.url}${path}`, { method: 'OPTIONS', headers: { origin: SOME_SITE, 'access-control-request-method': 'POST' } });
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('POST on a metadata document is 404/405 in the documented format, never a 500', async () => {
    const res = await fetch(`${app.url}/.well-known/oauth-protected-resource`, { method: 'POST', body: 'x' });
    expect([404, 405]).toContain(res.status);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

describe('protected-resource metadata with another API_AUDIENCE', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { API_AUDIENCE: 'https://api.example.com' } });
  });
  afterAll(() => app.close());

  it('names the audience as the resource at the root document, and the challenges point there', async () => {
    const doc = (await (await fetch(`${app.url}/.well-known/oauth-protected-resource`)).json()) as Record<string, unknown>;
    expect(doc.resource).toBe('https://api.example.com');
    const none = await fetch(`${app.url}/v1/users`);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="gatehouse", resource_metadata="${app.url}/.well-known/oauth-protected-resource"`);
  });

  it('answers /.well-known/oauth-protected-resource/v1 with a 404 problem that says where the metadata is (and still CORS *)', async () => {
    const res = await fetch(`${app.url}/.well-known/oauth-protected-resource/v1`, { headers: { origin: SOME_SITE } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as { detail: string };
    expect(body.detail).toContain('https://api.example.com');
    expect(body.detail).toContain(`${app.url}/.well-known/oauth-protected-resource`);
  });
});
