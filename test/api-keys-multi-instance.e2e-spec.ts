import { ChangeBus } from '../src/platform/change-bus/change-bus.service.js';
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

  it('when the listening connection drops, misses nothing: the cache is bypassed, then the bus reconnects', async () => {
    const owner = await keyOwner(a);
    const { id, key } = await owner.createKey();
    expect((await call(b, 'GET', '/v1/data', { key })).status).toBe(200);
    await b.running.db.dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gatehouse-listen' AND datname = current_database()`,
    );
    // Revoked while nobody listens: b must not serve its cached copy.
    expect((await call(a, 'DELETE', `/v1/api-keys/${id}`, { token: owner.token })).status).toBe(204);
    expect((await call(b, 'GET', '/v1/data', { key })).status).toBe(401);
    const bus = b.get(ChangeBus);
    const start = Date.now();
    while (!bus.live && Date.now() - start < 5000) await sleep(50);
    expect(bus.live).toBe(true);
    const other = await owner.createKey();
    expect((await call(b, 'GET', '/v1/data', { key: other.key })).status).toBe(200);
    expect((await call(a, 'DELETE', `/v1/api-keys/${other.id}`, { token: owner.token })).status).toBe(204);
    expect(await untilRefused(other.key)).toBeLessThan(1000);
  });
});
