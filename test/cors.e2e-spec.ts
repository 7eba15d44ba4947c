import { startTestApp, type TestApp } from './support/app.js';
import { codeClient } from './support/code-flow.js';

const ALLOWED = 'https://app.example';
const OTHER = 'https://evil.example';

/** CORS_ORIGINS: exact origins only, on the API and the token endpoints, never on /oauth2/authorize or the portal. */
describe('CORS', () => {
  let app: TestApp;
  let token: string;
  let client: { clientId: string; clientSecret: string | undefined };

  beforeAll(async () => {
    app = await startTestApp({ env: { CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` } });
    const user = await app.createUser();
    token = await app.tokenActingFor(user.id, ['data:read']);
    client = await app.createClient();
  });
  afterAll(() => app.close());

  const tokenRequest = (origin: string, secret = client.clientSecret!) =>
    fetch(`${app.url}/oauth2/token`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret }).toString(),
    });
  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(`${app.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
    });

  it('an allowed origin gets Access-Control-Allow-Origin naming it (never *, never credentials) on the token endpoint, errors included', async () => {
    for (const res of [await tokenRequest(ALLOWED), await tokenRequest(ALLOWED, 'wrong')]) {
      expect([200, 401]).toContain(res.status);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('vary')).toMatch(/Origin/);
      expect(res.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
    }
    const second = await tokenRequest('http://localhost:5173');
    expect(second.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('an allowed origin gets it on the API, on revoke and on introspect', async () => {
    const data = await fetch(`${app.url}/v1/data`, { headers: { origin: ALLOWED, authorization: `Bearer ${token}` } });
    expect(data.status).toBe(200);
    expect(data.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    for (const path of ['/oauth2/revoke', '/oauth2/introspect']) {
      const res = await fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: { origin: ALLOWED, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: 'x', client_id: client.clientId, client_secret: client.clientSecret! }).toString(),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    }
  });

  it('another origin, a look-alike, a null origin or a different scheme or port gets no CORS header at all', async () => {
    for (const origin of [OTHER, 'https://app.example.evil.example', 'null', 'http://app.example', 'https://app.example:8443', 'https://APP.example.', '*']) {
      const res = await tokenRequest(origin);
      expect(res.status).toBe(200); // CORS is not authentication: the browser is what refuses to hand over the answer
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const data = await fetch(`${app.url}/v1/data`, { headers: { origin, authorization: `Bearer ${token}` } });
      expect(data.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('a preflight from an allowed origin is answered 204 with the methods and headers; from another, without any CORS header', async () => {
    const ok = await preflight('/v1/data', ALLOWED, 'GET');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, POST, PATCH, DELETE');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/X-API-Key/);
    expect(Number(ok.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    const token = await preflight('/oauth2/token', ALLOWED);
    expect(token.status).toBe(204);
    expect(token.headers.get('access-control-allow-methods')).toBe('POST');

    const refused = await preflight('/v1/data', OTHER, 'GET');
    expect(refused.status).not.toBe(204);
    expect(refused.status).toBeLessThan(500);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('[B36] never on /oauth2/authorize or the portal, not even for an allowed origin', async () => {
    const c = await codeClient(app);
    const authorize = `/oauth2/authorize?response_type=code&client_id=${c.clientId}&redirect_uri=${encodeURIComponent('https://app.example/cb')}&state=s`;
    for (const path of [authorize, '/oauth2/authorize', '/portal', '/portal/signin', '/portal/signup', '/docs']) {
      const get = await fetch(`${app.url}${path}`, { headers: { origin: ALLOWED }, redirect: 'manual' });
      expect(get.headers.get('access-control-allow-origin')).toBeNull();
      const pre = await preflight(path, ALLOWED);
      expect(pre.status).not.toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-methods')).toBeNull();
    }
    const post = await fetch(`${app.url}/portal/signin`, {
      method: 'POST',
      headers: { origin: ALLOWED, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40b.example&password=x',
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS by default (no CORS_ORIGINS)', () => {
  it('gives no origin any CORS header', async () => {
    const app = await startTestApp();
    try {
      const c = await app.createClient();
      const res = await fetch(`${app.url}/oauth2/token`, {
        method: 'POST',
        headers: { origin: ALLOWED, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret! }).toString(),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const pre = await fetch(`${app.url}/v1/data`, { method: 'OPTIONS', headers: { origin: ALLOWED, 'access-control-request-method': 'GET' } });
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await app.close();
    }
  });
});
