import { postForm, startTestApp, type TestApp } from './support/app.js';
import { call, keyOwner, userToken } from './support/keys.js';

/** The Data API with Bearer tokens, and who may manage keys: user tokens, client-credentials tokens, admins. */
describe('Data API and key management by token kind', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const ccToken = async (ownerId: string | null, scopes: string[], scope?: string) => {
    const c = await app.createClient({ ownerId, scopes });
    const res = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: c.clientId,
      client_secret: c.clientSecret!,
      ...(scope ? { scope } : {}),
    });
    return { token: String(res.body.access_token), clientId: c.clientId };
  };

  it('stores, lists newest first, pages, reads and deletes records with a user token', async () => {
    const u = await keyOwner(app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(app, 'POST', '/v1/data', { token: u.token, body: { data: { i, nested: { ok: true } } } });
      expect(res.status).toBe(201);
      expect(res.body.data).toEqual({ i, nested: { ok: true } });
      ids.push(String(res.body.id));
    }
    const page1 = await call(app, 'GET', '/v1/data?limit=2', { token: u.token });
    expect((page1.body.data as { id: string }[]).map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const page2 = await call(app, 'GET', `/v1/data?limit=2&cursor=${String(page1.body.next_cursor)}`, { token: u.token });
    expect((page2.body.data as { id: string }[]).map((r) => r.id)).toEqual([ids[0]]);
    expect(page2.body.next_cursor).toBeNull();
    expect((await call(app, 'GET', `/v1/data/${ids[0]}`, { token: u.token })).status).toBe(200);
    expect((await call(app, 'DELETE', `/v1/data/${ids[0]}`, { token: u.token })).status).toBe(204);
    expect((await call(app, 'GET', `/v1/data/${ids[0]}`, { token: u.token })).status).toBe(404);
    expect((await call(app, 'DELETE', `/v1/data/${ids[0]}`, { token: u.token })).status).toBe(404);
  });

  it('validates records: a JSON object, at most 16 KB', async () => {
    const u = await keyOwner(app);
    for (const body of [{}, { data: [1, 2] }, { data: 'text' }, { data: null }, { data: {}, extra: 1 }]) {
      const res = await call(app, 'POST', '/v1/data', { token: u.token, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await call(app, 'POST', '/v1/data', { token: u.token, body: { data: { big: 'x'.repeat(17_000) } } })).status).toBe(413);
    const proto = await fetch(`${app.url}/v1/data`, {
      method: 'POST',
      headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
      body: '{"data":{"__proto__":{"admin":true}}}',
    });
    expect(proto.status).toBe(400);
    for (const id of ['not-a-uuid', '00000000-0000-0000-0000-000000000000', "1' OR '1'='1"]) {
      expect((await call(app, 'GET', `/v1/data/${encodeURIComponent(id)}`, { token: u.token })).status).toBe(404);
    }
  });

  it('refuses a body nested more than 64 levels deep with 400 problem+json, never a 500 (found by test/fuzz-authenticated)', async () => {
    const u = await keyOwner(app);
    const post = (body: string) =>
      fetch(`${app.url}/v1/data`, { method: 'POST', headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' }, body });
    // 2000 nested arrays overflowed the stack of the validation pipe's class-transformer: 500.
    for (const body of ['['.repeat(2000) + ']'.repeat(2000), `{"data":${'{"a":'.repeat(64)}1${'}'.repeat(64)}}`]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(((await res.json()) as { detail: string }).detail).toContain('nested too deeply');
    }
    // 64 levels (the body's object and 63 below it) are still stored.
    expect((await post(`{"data":${'{"a":'.repeat(63)}1${'}'.repeat(63)}}`)).status).toBe(201);
  });

  it('needs data:read / data:write on tokens too', async () => {
    const u = await app.createUser();
    const readOnly = await userToken(app, u.id, ['data:read']);
    expect((await call(app, 'GET', '/v1/data', { token: readOnly })).status).toBe(200);
    const res = await call(app, 'POST', '/v1/data', { token: readOnly, body: { data: {} } });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('Bearer realm="gatehouse", error="insufficient_scope"');
  });

  it("lets a client-credentials token act for its client's owner, and refuses a client without one", async () => {
    const owner = await keyOwner(app);
    const rec = await call(app, 'POST', '/v1/data', { token: owner.token, body: { data: { mine: true } } });
    const withOwner = await ccToken(owner.user.id, ['data:read', 'keys:manage']);
    const list = await call(app, 'GET', '/v1/data', { token: withOwner.token });
    expect((list.body.data as { id: string }[]).map((r) => r.id)).toEqual([rec.body.id]);
    const orphan = await ccToken(null, ['data:read', 'keys:manage']);
    const refused = await call(app, 'GET', '/v1/data', { token: orphan.token });
    expect(refused.status).toBe(403);
    expect(String(refused.body.detail)).toMatch(/no owner/);
    expect((await call(app, 'GET', '/v1/api-keys', { token: orphan.token })).status).toBe(403);
  });

  it('lets a client token grant a key only the data scopes it holds, and binds the key to the client', async () => {
    const owner = await keyOwner(app);
    const cc = await ccToken(owner.user.id, ['data:read', 'keys:manage']);
    const tooMuch = await call(app, 'POST', '/v1/api-keys', { token: cc.token, body: { name: 'k', scopes: ['data:write'] } });
    // Issue 12: 403 insufficient_scope naming the scope the token lacks (was a 400 validation error).
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body).toMatchObject({ error: 'insufficient_scope' });
    expect(String(tooMuch.body.error_description)).toContain('data:write');
    const ok = await call(app, 'POST', '/v1/api-keys', { token: cc.token, body: { name: 'k', scopes: ['data:read'] } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ client_id: cc.clientId, owner_id: owner.user.id });
    expect((await call(app, 'GET', '/v1/data', { key: String(ok.body.key) })).status).toBe(200);
  });

  it('stops a key bound to a client as soon as that client is disabled or deleted, though the key was cached', async () => {
    const owner = await keyOwner(app);
    const cc = await ccToken(owner.user.id, ['data:read', 'keys:manage']);
    const key = String((await call(app, 'POST', '/v1/api-keys', { token: cc.token, body: { name: 'bound', scopes: ['data:read'] } })).body.key);
    const read = async () => (await call(app, 'GET', '/v1/data', { key })).status;
    expect(await read()).toBe(200);
    expect(await read()).toBe(200); // now served from the verified-key cache
    const admin = await app.createUser({ role: 'admin' });
    const adminToken = await app.tokenActingFor(admin.id, ['clients:manage', 'admin']);
    const setStatus = (status: string) => call(app, 'PATCH', `/v1/admin/clients/${cc.clientId}`, { token: adminToken, body: { status } });
    expect((await setStatus('disabled')).status).toBe(200);
    expect(await read()).toBe(401);
    expect((await setStatus('active')).status).toBe(200);
    expect(await read()).toBe(200);
    const ownerClients = await app.tokenActingFor(owner.user.id, ['clients:manage']);
    expect((await call(app, 'DELETE', `/v1/clients/${cc.clientId}`, { token: ownerClients })).status).toBe(204);
    expect(await read()).toBe(401);
  });

  it('refuses key scopes other than data:read / data:write, and other bad bodies, with field errors', async () => {
    const u = await keyOwner(app);
    const other = await keyOwner(app);
    const otherClient = await app.createClient({ ownerId: other.user.id });
    const bad: Record<string, unknown>[] = [
      { name: 'k', scopes: ['admin'] },
      { name: 'k', scopes: ['keys:manage'] },
      { name: 'k', scopes: [] },
      { name: 'k', scopes: 'data:read' },
      { name: '', scopes: ['data:read'] },
      { name: 'a\u0000b', scopes: ['data:read'] },
      { name: 'x'.repeat(101), scopes: ['data:read'] },
      { name: 'k', scopes: ['data:read'], expires_at: '2020-01-01T00:00:00Z' },
      { name: 'k', scopes: ['data:read'], expires_at: 'tomorrow' },
      { name: 'k', scopes: ['data:read'], environment: 'prod' },
      { name: 'k', scopes: ['data:read'], client_id: otherClient.clientId },
      { name: 'k', scopes: ['data:read'], owner_id: other.user.id },
      { name: 'k', scopes: ['data:read'], key: 'gth_live_chosen' },
    ];
    for (const body of bad) {
      const res = await call(app, 'POST', '/v1/api-keys', { token: u.token, body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      // A NUL anywhere in a JSON body is refused before validation (no field list); the rest name their field.
      if (!JSON.stringify(body).includes('\\u0000')) expect(Array.isArray(res.body.errors)).toBe(true);
    }
    const test = await u.createKey({ environment: 'test' });
    expect(test.key).toMatch(/^gth_test_/);
    expect((await call(app, 'GET', '/v1/data', { key: test.key })).status).toBe(200);
  });

  it('lets admins list and revoke anyone’s keys, and nobody else', async () => {
    const admin = await keyOwner(app, 'admin');
    const dev = await keyOwner(app);
    const { id, key } = await dev.createKey();
    const all = await call(app, 'GET', `/v1/admin/api-keys?owner_id=${dev.user.id}`, { token: admin.token });
    expect(all.status).toBe(200);
    expect((all.body.data as { id: string }[]).map((k) => k.id)).toEqual([id]);
    const devWithAdminScope = await userToken(app, dev.user.id, ['admin', 'keys:manage']);
    expect((await call(app, 'GET', '/v1/admin/api-keys', { token: devWithAdminScope })).status).toBe(403);
    expect((await call(app, 'DELETE', `/v1/admin/api-keys/${id}`, { token: devWithAdminScope })).status).toBe(403);
    expect((await call(app, 'GET', '/v1/admin/api-keys', { token: dev.token })).status).toBe(403); // no admin scope
    expect((await call(app, 'GET', '/v1/admin/api-keys?owner_id=nope', { token: admin.token })).status).toBe(400);
    expect((await call(app, 'DELETE', `/v1/admin/api-keys/${id}`, { token: admin.token })).status).toBe(204);
    expect((await call(app, 'GET', '/v1/data', { key })).status).toBe(401);
    expect((await call(app, 'DELETE', '/v1/admin/api-keys/00000000-0000-0000-0000-000000000000', { token: admin.token })).status).toBe(404);
  });

  it("stops a disabled user's keys and tokens at once", async () => {
    const admin = await keyOwner(app, 'admin');
    const dev = await keyOwner(app);
    const { key } = await dev.createKey();
    expect((await call(app, 'GET', '/v1/data', { key })).status).toBe(200); // cached from here on
    const off = await call(app, 'PATCH', `/v1/admin/users/${dev.user.id}`, { token: admin.token, body: { status: 'disabled' } });
    expect(off.status).toBe(200);
    const refused = await call(app, 'GET', '/v1/data', { key });
    expect(refused.status).toBe(401);
    expect(String(refused.body.error_description)).toMatch(/owner account is disabled/);
    // The user's token dies too: its grant's cached status is dropped when the user changes (401 invalid_token).
    const token = await call(app, 'GET', '/v1/data', { token: dev.token });
    expect(token.status).toBe(401);
    expect(token.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });
});
