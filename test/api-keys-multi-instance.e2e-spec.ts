import { startTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { call, keyOwner, sleep } from './support/keys.js';

/** Revocation and rotation reach every instance within a second, though each caches verified keys. */
describe('API keys on two instances', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    // A long cache TTL: only the change bus (LISTEN/NOTIFY) can make b forget a revoked key in time.
    const env = { PUBLIC_URL: 'https://gatehouse.example', API_KEY_CACHE_TTL: '600' };
    [a, b] = await Promise.all([startTestApp({ database: db, env }), startTestApp({ database: db, env })]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await db.drop();
  });

  /** Polls b until the key stops working; returns how long that took. */
  const untilRefused = async (key: string): Promise<number> => {
    const start = Date.now();
    while (Date.now() - start < 3000) {
      if ((await call(b, 'GET', '/v1/data', { key })).status === 401) return Date.now() - start;
      await sleep(20);
    }
    return Infinity;
  };

  it('a key revoked on one instance is refused by the other within one second', async () => {
    const owner = await keyOwner(a);
    const { id, key } = await owner.createKey();
    // b verifies it (and caches it) first.
    for (let i = 0; i < 3; i++) expect((await call(b, 'GET', '/v1/data', { key })).status).toBe(200);
    expect((await call(a, 'DELETE', `/v1/api-keys/${id}`, { token: owner.token })).status).toBe(204);
    const ms = await untilRefused(key);
    expect(ms).toBeLessThan(1000);
    const res = await call(b, 'GET', '/v1/data', { key });
    expect(String(res.body.error_description)).toMatch(/revoked/);
  });

  it('a rotation with grace 0 on one instance stops the old key on the other within one second', async () => {
    const owner = await keyOwner(a);
    const { id, key } = await owner.createKey();
    expect((await call(b, 'GET', '/v1/data', { key })).status).toBe(200);
    const rot = await call(a, 'POST', `/v1/api-keys/${id}/rotate`, { token: owner.token, body: { grace_period_seconds: 0 } });
    expect(rot.status).toBe(201);
    expect(await untilRefused(key)).toBeLessThan(1000);
    expect((await call(b, 'GET', '/v1/data', { key: String(rot.body.key) })).status).toBe(200);
  });
});
