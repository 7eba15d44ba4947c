import { jest } from '@jest/globals';
import { ApiKeyUsageService } from '../src/api-keys/api-key-usage.service.js';
import { checksumOf } from '../src/api-keys/api-key-format.js';
import { startTestApp, type TestApp } from './support/app.js';
import { call, keyOwner, sleep } from './support/keys.js';

/** API keys end to end on the real database: docs/security.md D43-D47. */
describe('API keys', () => {
  let app: TestApp;
  let alice: Awaited<ReturnType<typeof keyOwner>>;
  let bob: Awaited<ReturnType<typeof keyOwner>>;

  beforeAll(async () => {
    app = await startTestApp();
    alice = await keyOwner(app);
    bob = await keyOwner(app);
  });
  afterAll(() => app.close());

  const data = (c: Parameters<typeof call>[3], path = '/v1/data') => call(app, 'GET', path, c);
  const challenge = (h: Headers) => h.get('www-authenticate') ?? '';

  it('creates a key shown once, in the documented format, and lists it by prefix and last 4 only', async () => {
    const res = await call(app, 'POST', '/v1/api-keys', { token: alice.token, body: { name: 'reporting', scopes: ['data:read'] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'reporting', scopes: ['data:read'], expires_at: null, status: 'active' });
    const key = String(res.body.key);
    expect(key).toMatch(/^gth_live_[0-9A-Za-z]{40}_[0-9A-Za-z]{6}$/);
    expect(typeof res.body.created_at).toBe('string');
    const list = await call(app, 'GET', '/v1/api-keys', { token: alice.token });
    expect(list.status).toBe(200);
    const listed = (list.body.data as Record<string, unknown>[]).find((k) => k.id === res.body.id)!;
    expect(listed.last4).toBe(key.slice(-4));
    expect(key.startsWith(String(listed.start))).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain(key.slice(9, -7));
    const one = await call(app, 'GET', `/v1/api-keys/${String(res.body.id)}`, { token: alice.token });
    expect(one.status).toBe(200);
    expect(one.body.key).toBeUndefined();
    expect(one.body).toHaveProperty('last_used_at', null);
  });

  it('never stores the key itself: the table holds only its digest [E47]', async () => {
    const { key } = await alice.createKey();
    const rows = await app.running.db.dataSource.query(`SELECT row_to_json(k)::text AS j, encode(key_hash, 'hex') AS h FROM api_keys k`);
    const secret = key.slice(9 + 12, -7); // the part after the public id
    for (const r of rows as { j: string }[]) {
      expect(r.j).not.toContain(key);
      expect(r.j).not.toContain(secret);
    }
  });

  it('opens GET /v1/data with the key in X-API-Key', async () => {
    const { key } = await alice.createKey();
    const res = await data({ key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], next_cursor: null });
    expect(res.headers.get('deprecation')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store'); // X-API-Key is not Authorization: shared caches would keep it
  });

  it('verifies a known key from memory: no database look-up after the first use', async () => {
    const { key } = await alice.createKey();
    expect((await data({ key })).status).toBe(200);
    const spy = jest.spyOn(app.running.db.dataSource, 'query');
    try {
      for (let i = 0; i < 10; i++) expect((await data({ key })).status).toBe(200);
      expect(spy.mock.calls.filter(([sql]) => /FROM api_keys/.test(String(sql)))).toHaveLength(0);
      // The spy does see the verifier's look-ups: an unknown key (right checksum) costs one.
      const body = `gth_live_${'B'.repeat(40)}`;
      expect((await data({ key: `${body}_${checksumOf(body)}` })).status).toBe(401);
      expect(spy.mock.calls.filter(([sql]) => /FROM api_keys/.test(String(sql)))).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('opens it with ?api_key= too, marked deprecated, uncacheable and unreferred [D45]', async () => {
    const { key } = await alice.createKey();
    const res = await data({ queryKey: key });
    expect(res.status).toBe(200);
    expect(res.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(res.headers.get('link')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/docs#\/Data>; rel="deprecation"/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('refuses a mistyped key by its checksum, before any database look-up', async () => {
    const { key } = await alice.createKey();
    const typo = `${key.slice(0, 20)}${key[20] === 'x' ? 'y' : 'x'}${key.slice(21)}`;
    const ds = app.running.db.dataSource;
    const spy = jest.spyOn(ds, 'query');
    try {
      const res = await data({ key: typo });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: 'The API key is malformed or mistyped (its checksum does not match)' });
      expect(challenge(res.headers)).toMatch(/^ApiKey realm="gatehouse", error="invalid_token"/);
      expect(spy.mock.calls.filter(([sql]) => String(sql).includes('api_keys'))).toHaveLength(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses an unknown key (valid checksum) saying it is unknown [D43]', async () => {
    const body = `gth_live_${'A'.repeat(40)}`;
    const res = await data({ key: `${body}_${checksumOf(body)}` });
    expect(res.status).toBe(401);
    expect(String(res.body.error_description)).toMatch(/not known to this server/);
    expect(challenge(res.headers)).toContain('error="invalid_token"');
  });

  it('refuses a key whose public id is right but whose secret is not, as unknown', async () => {
    const { key } = await alice.createKey();
    const body = `${key.slice(0, 9 + 12)}${'Z'.repeat(28)}`;
    const res = await data({ key: `${body}_${checksumOf(body)}` });
    expect(res.status).toBe(401);
    expect(String(res.body.error_description)).toMatch(/not known to this server/);
  });

  it('refuses an expired key saying when it expired', async () => {
    const { key } = await alice.createKey({ expires_at: new Date(Date.now() + 1500).toISOString() });
    expect((await data({ key })).status).toBe(200); // now cached
    await sleep(1700);
    const res = await data({ key });
    expect(res.status).toBe(401);
    expect(String(res.body.error_description)).toMatch(/expired at \d{4}-/);
  });

  it('refuses a key at once after revocation, saying it was revoked [D43]', async () => {
    const { id, key } = await alice.createKey();
    expect((await data({ key })).status).toBe(200);
    expect((await call(app, 'DELETE', `/v1/api-keys/${id}`, { token: alice.token })).status).toBe(204);
    const res = await data({ key });
    expect(res.status).toBe(401);
    expect(String(res.body.error_description)).toMatch(/revoked at \d{4}-/);
    expect((await call(app, 'DELETE', `/v1/api-keys/${id}`, { token: alice.token })).status).toBe(204); // idempotent
    expect((await call(app, 'GET', `/v1/api-keys/${id}`, { token: alice.token })).body.status).toBe('revoked');
  });

  it('rotates: the new key works, the old one during its grace period only', async () => {
    const { id, key: old } = await alice.createKey({ name: 'rotating', scopes: ['data:read'] });
    expect((await data({ key: old })).status).toBe(200);
    const rot = await call(app, 'POST', `/v1/api-keys/${id}/rotate`, { token: alice.token, body: { grace_period_seconds: 2 } });
    expect(rot.status).toBe(201);
    expect(rot.body).toMatchObject({ name: 'rotating', scopes: ['data:read'], rotated_from: id });
    const fresh = String(rot.body.key);
    expect(fresh).not.toBe(old);
    const deadline = Date.parse(String(rot.body.previous_key_expires_at));
    expect(deadline - Date.now()).toBeGreaterThan(1000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(2000);
    expect((await data({ key: old })).status).toBe(200);
    expect((await data({ key: fresh })).status).toBe(200);
    await sleep(deadline - Date.now() + 200);
    const after = await data({ key: old });
    expect(after.status).toBe(401);
    expect(String(after.body.error_description)).toMatch(/rotated and its grace period ended/);
    expect((await data({ key: fresh })).status).toBe(200);
    const again = await call(app, 'POST', `/v1/api-keys/${id}/rotate`, { token: alice.token, body: {} });
    expect(again.status).toBe(409);
  });

  it('rotates with grace 0: the old key stops at once; the default grace is 24 h', async () => {
    const { id, key: old } = await alice.createKey();
    expect((await data({ key: old })).status).toBe(200);
    const rot = await call(app, 'POST', `/v1/api-keys/${id}/rotate`, { token: alice.token, body: { grace_period_seconds: 0 } });
    expect(rot.status).toBe(201);
    expect((await data({ key: old })).status).toBe(401);
    expect((await data({ key: String(rot.body.key) })).status).toBe(200);
    const second = await call(app, 'POST', `/v1/api-keys/${String(rot.body.id)}/rotate`, { token: alice.token, body: {} });
    expect(Date.parse(String(second.body.previous_key_expires_at)) - Date.now()).toBeGreaterThan(86_390_000);
    for (const grace of [-1, 1.5, 'soon', 99_999_999]) {
      const bad = await call(app, 'POST', `/v1/api-keys/${String(second.body.id)}/rotate`, { token: alice.token, body: { grace_period_seconds: grace } });
      expect(bad.status).toBe(400);
    }
  });

  it('answers a key without the scope with 403 insufficient_scope', async () => {
    const { key } = await alice.createKey({ scopes: ['data:read'] });
    const res = await call(app, 'POST', '/v1/data', { key, body: { data: { a: 1 } } });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(challenge(res.headers)).toMatch(/^ApiKey realm="gatehouse", error="insufficient_scope".*scope="data:write"/);
  });

  it("never shows, rotates or revokes another owner's key: 404 [D46]", async () => {
    const { id, key } = await alice.createKey();
    for (const [method, path] of [
      ['GET', `/v1/api-keys/${id}`],
      ['POST', `/v1/api-keys/${id}/rotate`],
      ['DELETE', `/v1/api-keys/${id}`],
    ] as const) {
      const res = await call(app, method, path, { token: bob.token, body: method === 'POST' ? {} : undefined });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const list = await call(app, 'GET', '/v1/api-keys', { token: bob.token });
    expect((list.body.data as { id: string }[]).map((k) => k.id)).not.toContain(id);
    expect((await data({ key })).status).toBe(200);
  });

  it("keeps a key to its owner's records: another owner's record is 404", async () => {
    const a = await alice.createKey();
    const b = await bob.createKey();
    const rec = await call(app, 'POST', '/v1/data', { key: a.key, body: { data: { owner: 'alice' } } });
    expect(rec.status).toBe(201);
    const rid = String(rec.body.id);
    expect((await data({ key: a.key }, `/v1/data/${rid}`)).status).toBe(200);
    expect((await data({ key: b.key }, `/v1/data/${rid}`)).status).toBe(404);
    expect((await call(app, 'DELETE', `/v1/data/${rid}`, { key: b.key })).status).toBe(404);
    const bobs = await data({ key: b.key });
    expect((bobs.body.data as { id: string }[]).map((r) => r.id)).not.toContain(rid);
  });

  it('refuses a header key with a query key, or a key with a Bearer token: 400 invalid_request [D44]', async () => {
    const { key } = await alice.createKey();
    const both = await data({ key, queryKey: key });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
    expect(both.headers.get('cache-control')).toBe('no-store');
    const withBearer = await data({ key, token: alice.token });
    expect(withBearer.status).toBe(400);
    expect(withBearer.body.error).toBe('invalid_request');
  });

  it('does not open Bearer-only routes with a key: 401 [D44]', async () => {
    const { key } = await alice.createKey();
    for (const c of [{ key }, { queryKey: key }]) {
      const res = await call(app, 'GET', '/v1/users', c);
      expect(res.status).toBe(401);
      expect(challenge(res.headers)).toMatch(/^Bearer realm="gatehouse"/);
    }
    expect((await call(app, 'GET', '/v1/api-keys', { key })).status).toBe(401);
  });

  it('has no unauthenticated benchmark routes unless BENCH_ROUTES=true', async () => {
    expect((await fetch(`${app.url}/v1/ping`)).status).toBe(404);
    expect((await fetch(`${app.url}/v1/data-open?owner_id=${alice.user.id}`)).status).toBe(404);
    expect((await fetch(`${app.url}/v1/users-open?limit=1`)).status).toBe(404);
  });

  it('answers no credentials on the Data API with 401 naming both ways', async () => {
    const res = await data({});
    expect(res.status).toBe(401);
    expect(String(res.body.error_description)).toContain('X-API-Key');
    expect(String(res.body.error_description)).toContain('Authorization: Bearer');
  });

  it('sets last_used_at, in a batch rather than on every request', async () => {
    const { id, key } = await alice.createKey();
    const spy = jest.spyOn(app.running.db.dataSource, 'query');
    try {
      for (let i = 0; i < 20; i++) expect((await data({ key })).status).toBe(200);
      // At most one batched UPDATE (if the 5 s flush timer fired meanwhile), not one per request.
      expect(spy.mock.calls.filter(([sql]) => /UPDATE api_keys/.test(String(sql))).length).toBeLessThanOrEqual(1);
    } finally {
      spy.mockRestore();
    }
    await app.get(ApiKeyUsageService).flush();
    const after = await call(app, 'GET', `/v1/api-keys/${id}`, { token: alice.token });
    expect(Date.now() - Date.parse(String(after.body.last_used_at))).toBeLessThan(10_000);
  });
});
