import { startTestApp, type TestApp } from './support/app.js';
import { TEST_MASTER_KEY } from './support/env.js';
import { raw, selfSignedCert } from './support/tls.js';

/** HTTPS, HSTS, HTTPS-only in production, and the HTTP edge (methods, header size). docs/security.md F50, G51. */
describe('transport security', () => {
  const { cert, key, ca, remove } = selfSignedCert();
  afterAll(remove);

  describe('TLS_CERT_FILE / TLS_KEY_FILE', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ https: true, env: { TLS_CERT_FILE: cert, TLS_KEY_FILE: key } });
    });
    afterAll(() => app.close());

    it('serves HTTPS with HSTS on every response, errors included', async () => {
      const ok = await raw(`${app.url}/health/live`, { ca });
      expect(ok.status).toBe(200);
      expect(ok.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      const err = await raw(`${app.url}/v1/users`, { ca });
      expect(err.status).toBe(401);
      expect(err.headers['strict-transport-security']).toBeDefined();
      const meta = JSON.parse((await raw(`${app.url}/.well-known/oauth-authorization-server`, { ca })).body) as { token_endpoint: string };
      expect(meta.token_endpoint).toBe(`${app.url}/oauth2/token`);
    });
  });

  describe('production over plain HTTP', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({
        env: { NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', MASTER_KEY: TEST_MASTER_KEY, TRUSTED_PROXIES: '127.0.0.1' },
      });
    });
    afterAll(() => app.close());

    it('refuses token and API requests with a message saying HTTPS is required', async () => {
      const token = await raw(`${app.url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(token.status).toBe(400);
      expect(JSON.parse(token.body)).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('HTTPS is required') });
      const api = await raw(`${app.url}/v1/users`);
      expect(api.status).toBe(403);
      expect(api.body).toContain('HTTPS is required');
      expect(api.headers['strict-transport-security']).toBeUndefined();
    });

    it('believes X-Forwarded-Proto: https from a trusted proxy, and adds HSTS', async () => {
      const res = await raw(`${app.url}/v1/users`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(res.status).toBe(401); // through to the guard: no token
      expect(res.headers['strict-transport-security']).toBeDefined();
    });

    it('lets load-balancer health probes through on plain HTTP', async () => {
      expect((await raw(`${app.url}/health/live`)).status).toBe(200);
    });

    it('creates no demo client in production', () => {
      expect(app.running.firstStart?.demoClient).toBeUndefined();
    });
  });

  describe('X-Forwarded-Proto from an untrusted address', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ env: { NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', MASTER_KEY: TEST_MASTER_KEY } });
    });
    afterAll(() => app.close());

    it('is ignored: still refused', async () => {
      const res = await raw(`${app.url}/v1/users`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(res.status).toBe(403);
    });
  });

  describe('the HTTP edge', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp();
    });
    afterAll(() => app.close());

    it.each(['TRACE', 'PROPFIND', 'MKCOL', 'LOCK'])('answers %s with 405 [G51]', async (method) => {
      const res = await raw(`${app.url}/oauth2/token`, { method });
      expect(res.status).toBe(405);
    });

    it('answers 64 KB of headers with 431 [F50]', async () => {
      const res = await raw(`${app.url}/health/live`, { headers: { 'x-big': 'a'.repeat(64 * 1024) } });
      expect(res.status).toBe(431);
    });

    it('sends nosniff, no-referrer and anti-framing headers on every response', async () => {
      for (const path of ['/health/live', '/v1/users', '/nope', '/docs']) {
        const res = await raw(`${app.url}${path}`);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      }
    });
  });
});
