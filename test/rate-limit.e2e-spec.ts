import { postForm, startTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Abuse at the token endpoint: 429 with Retry-After and RateLimit headers, never a lock-out for good. docs/security.md F49. */
describe('rate limits at the token endpoint', () => {
  describe('in one instance', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ env: { RATE_LIMIT_CLIENT_AUTH_FAILURES: '3', RATE_LIMIT_FAILURE_WINDOW: '2' } });
    });
    afterAll(() => app.close());

    const attempt = (clientId: string, secret: string) =>
      postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

    it('answers a burst of bad secrets with 429, then lets the real client back in after the window [F49]', async () => {
      const c = await app.createClient();
      const other = await app.createClient();
      for (let i = 0; i < 3; i++) expect((await attempt(c.clientId, 'wrong')).status).toBe(401);

      const blocked = await attempt(c.clientId, c.clientSecret!);
      expect(blocked.status).toBe(429);
      expect(blocked.body.error).toBe('invalid_request');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(blocked.headers.get('ratelimit-policy')).toBe('"client-auth-failures";q=3;w=2');
      expect(blocked.headers.get('ratelimit')).toMatch(/^"client-auth-failures";r=0;t=\d+$/);
      expect(blocked.headers.get('cache-control')).toBe('no-store');

      // Another client from the same address is not affected.
      expect((await attempt(other.clientId, other.clientSecret!)).status).toBe(200);
      // Not locked out for good: after the window the right secret works again.
      await sleep(2100);
      expect((await attempt(c.clientId, c.clientSecret!)).status).toBe(200);
    });
  });

  describe('per address', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ env: { RATE_LIMIT_TOKEN_PER_MINUTE: '5' } });
    });
    afterAll(() => app.close());

    it('refuses the sixth token request in a minute from one address', async () => {
      const c = await app.createClient();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push(
          (await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret! })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    });
  });

  describe('shared through Redis by several instances', () => {
    let db: TestDatabase;
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      db = await createTestDatabase();
      const env = {
        PUBLIC_URL: 'https://gatehouse.example',
        REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        RATE_LIMIT_CLIENT_AUTH_FAILURES: '4',
        RATE_LIMIT_ADDRESS_AUTH_FAILURES: '0',
        RATE_LIMIT_FAILURE_WINDOW: '30',
      };
      a = await startTestApp({ database: db, env });
      b = await startTestApp({ database: db, env });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await db.drop();
    });

    it('counts failures on one instance against requests on the other', async () => {
      const c = await a.createClient();
      const bad = (app: TestApp) => postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: 'wrong' });
      expect((await bad(a)).status).toBe(401);
      expect((await bad(b)).status).toBe(401);
      expect((await bad(a)).status).toBe(401);
      expect((await bad(b)).status).toBe(401);
      expect((await bad(a)).status).toBe(429);
      expect((await bad(b)).status).toBe(429);
    });
  });
});
