import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { call, keyOwner } from './support/keys.js';

const LIMIT = 5;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** RATE_LIMIT_API_KEY_PER_MINUTE on the Data API: per key, 429 with Retry-After and the IETF RateLimit headers. */
describe('per-key rate limit on /v1/data [F49]', () => {
  describe('one instance', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ env: { RATE_LIMIT_API_KEY_PER_MINUTE: String(LIMIT) } });
    });
    afterAll(() => app.close());

    it('counts down in RateLimit, then answers 429 problem details with Retry-After and RateLimit-Policy', async () => {
      const owner = await keyOwner(app);
      const { key } = await owner.createKey();
      for (let i = 0; i < LIMIT; i++) {
        const res = await call(app, 'GET', '/v1/data', { key });
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-policy')).toBe(`"api-key";q=${LIMIT};w=60`);
        expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"api-key";r=${LIMIT - 1 - i};t=\\d+$`));
      }
      for (const method of ['GET', 'POST']) {
        const res = await call(app, method, '/v1/data', { key, body: method === 'POST' ? { data: { x: 1 } } : undefined });
        expect(res.status).toBe(429);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
        expect(res.headers.get('ratelimit-policy')).toBe(`"api-key";q=${LIMIT};w=60`);
        expect(res.headers.get('ratelimit')).toMatch(/^"api-key";r=0;t=\d+$/);
      }
      // The refused write stored nothing.
      const records = await app.running.db.dataSource.query('SELECT count(*)::int AS n FROM data_records WHERE owner_id = $1', [owner.user.id]);
      expect(records[0].n).toBe(0);
    });

    it('is per key: another key of the same owner, and Bearer requests, are not affected', async () => {
      const owner = await keyOwner(app);
      const first = await owner.createKey();
      const second = await owner.createKey();
      for (let i = 0; i < LIMIT + 1; i++) await call(app, 'GET', '/v1/data', { key: first.key });
      expect((await call(app, 'GET', '/v1/data', { key: first.key })).status).toBe(429);
      expect((await call(app, 'GET', '/v1/data', { key: second.key })).status).toBe(200);
      for (let i = 0; i < LIMIT + 2; i++) {
        const res = await call(app, 'GET', '/v1/data', { token: owner.token });
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit')).toBeNull();
      }
    });

    it('an unknown or malformed key is 401, never 429, and creates no counter', async () => {
      for (let i = 0; i < LIMIT + 2; i++) {
        expect((await call(app, 'GET', '/v1/data', { key: 'gth_live_' + 'A'.repeat(40) + '_AAAAAA' })).status).toBe(401);
        expect((await call(app, 'GET', '/v1/data', { key: 'nonsense' })).status).toBe(401);
      }
    });
  });

  describe('two instances sharing Redis', () => {
    let db: TestDatabase;
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      db = await createTestDatabase();
      const env = {
        PUBLIC_URL: 'https://gatehouse.example',
        REDIS_URL,
        REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:`,
        RATE_LIMIT_API_KEY_PER_MINUTE: String(LIMIT),
      };
      [a, b] = await Promise.all([startTestApp({ database: db, env }), startTestApp({ database: db, env })]);
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await db.drop();
    });

    it('counts a key on every instance together', async () => {
      const owner = await keyOwner(a);
      const { key } = await owner.createKey();
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT + 2; i++) statuses.push((await call(i % 2 ? b : a, 'GET', '/v1/data', { key })).status);
      expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429, 429]);
    });
  });
});
