import { eventually, postForm, startTestApp, type TestApp } from './support/app.js';

interface Json {
  [k: string]: unknown;
}

/**
 * The clients management API: a developer's own clients, validation as docs/security.md says, secrets
 * shown once and rotated with a grace period, another owner's client always 404. docs/security.md E47, E48.
 */
describe('management API: /v1/clients', () => {
  let app: TestApp;
  let alice: string; // a token acting for Alice
  let bob: string;
  let admin: string;

  /** A client-credentials token whose client is owned by the user: it acts for that user. */
  async function tokenFor(role: 'developer' | 'admin', scopes: string[]): Promise<string> {
    const user = await app.createUser({ role });
    return app.tokenActingFor(user.id, scopes);
  }

  const call = async (token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : {} };
  };

  beforeAll(async () => {
    app = await startTestApp();
    // Whatever a token registers, it holds itself (issue 12: never more than the creating token).
    alice = await tokenFor('developer', ['clients:manage', 'users:read', 'data:read']);
    bob = await tokenFor('developer', ['clients:manage', 'users:read', 'data:read']);
    admin = await tokenFor('admin', ['clients:manage', 'admin']);
  });
  afterAll(() => app.close());

  it('creates a confidential client, shows its secret once, and the secret works at the token endpoint', async () => {
    const created = await call(alice, 'POST', '/v1/clients', { name: 'Reporting', scopes: ['users:read'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Reporting', type: 'confidential', grant_types: ['client_credentials'], scopes: ['users:read'] });
    const secret = String(created.body.client_secret);
    expect(secret).toMatch(/^gth_cs_[0-9A-Za-z]{43}$/);

    const got = await call(alice, 'GET', `/v1/clients/${String(created.body.client_id)}`);
    expect(got.status).toBe(200);
    expect(got.body.client_secret).toBeUndefined();
    const list = await call(alice, 'GET', '/v1/clients');
    expect(JSON.stringify(list.body)).not.toContain(secret);

    const token = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: String(created.body.client_id),
      client_secret: secret,
    });
    expect(token.status).toBe(200);
    // Only a digest is stored (E47).
    const rows = await app.running.db.dataSource.query('SELECT encode(secret_hash, $1) AS h, hint FROM client_secrets', ['escape']);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it.each([
    ['http on a public host', { redirect_uris: ['http://app.example.com/cb'] }, 'redirect_uris'],
    ['a fragment', { redirect_uris: ['https://app.example.com/cb#x'] }, 'redirect_uris'],
    ['a wildcard', { redirect_uris: ['https://*.example.com/cb'] }, 'redirect_uris'],
    ['javascript:', { redirect_uris: ['javascript:alert(1)'] }, 'redirect_uris'],
    ['data:', { redirect_uris: ['data:text/html,hi'] }, 'redirect_uris'],
    ['a relative URI', { redirect_uris: ['/cb'] }, 'redirect_uris'],
    ['the password grant', { grant_types: ['password'] }, 'grant_types'],
    ['implicit', { grant_types: ['implicit'] }, 'grant_types'],
    ['an unknown scope', { scopes: ['everything'] }, 'scopes'],
    ['the admin scope as a developer', { scopes: ['admin'] }, 'scopes'],
    ['client_credentials on a public client', { type: 'public', grant_types: ['client_credentials'] }, 'grant_types'],
    ['the code flow without redirect URIs', { grant_types: ['authorization_code'] }, 'redirect_uris'],
    ['a native confidential client', { application_type: 'native' }, 'application_type'],
    ['an unknown application type', { type: 'public', application_type: 'desktop' }, 'application_type'],
  ])('refuses %s with 400 problem details naming the field [E48]', async (_name, extra, field) => {
    const res = await call(alice, 'POST', '/v1/clients', { name: 'x', ...extra });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
  });

  it.each([
    ['client_id', { client_id: 'chosen-by-me' }],
    ['owner_id', { owner_id: '00000000-0000-0000-0000-000000000000' }],
    ['trusted', { trusted: true }],
    ['first_party', { first_party: true }],
  ])('refuses a mass-assigned %s instead of applying it [E48]', async (field, extra) => {
    const res = await call(alice, 'POST', '/v1/clients', { name: 'x', ...extra });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain(field);
  });

  it('accepts loopback http redirect URIs for native apps and https ones', async () => {
    const res = await call(alice, 'POST', '/v1/clients', {
      name: 'CLI',
      type: 'public',
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1:8765/cb', 'http://[::1]/cb', 'https://app.example.com/cb'],
    });
    expect(res.status).toBe(201);
    expect(res.body.client_secret).toBeUndefined();
    expect(res.body.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(res.body.application_type).toBe('native');
  });

  it('registers web clients by default; a public client can become native and back, a confidential one cannot', async () => {
    const pub = await call(alice, 'POST', '/v1/clients', { name: 'SPA', type: 'public', redirect_uris: ['https://app.example.com/cb'] });
    expect(pub.body.application_type).toBe('web');
    const id = String(pub.body.client_id);
    expect((await call(alice, 'PATCH', `/v1/clients/${id}`, { application_type: 'native' })).body.application_type).toBe('native');
    expect((await call(alice, 'GET', `/v1/clients/${id}`)).body.application_type).toBe('native');
    expect((await call(alice, 'PATCH', `/v1/clients/${id}`, { application_type: 'web' })).body.application_type).toBe('web');

    const conf = await call(alice, 'POST', '/v1/clients', { name: 'Server' });
    expect(conf.body.application_type).toBe('web');
    const refused = await call(alice, 'PATCH', `/v1/clients/${String(conf.body.client_id)}`, { application_type: 'native' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.errors)).toContain('only a public client can be a native app');
  });

  it("answers 404 for another owner's client on read, change, rotate and delete [C42]", async () => {
    const mine = await call(alice, 'POST', '/v1/clients', { name: 'Alice app' });
    const id = String(mine.body.client_id);
    expect((await call(bob, 'GET', `/v1/clients/${id}`)).status).toBe(404);
    expect((await call(bob, 'PATCH', `/v1/clients/${id}`, { name: 'pwned' })).status).toBe(404);
    expect((await call(bob, 'POST', `/v1/clients/${id}/secret/rotate`, {})).status).toBe(404);
    expect((await call(bob, 'DELETE', `/v1/clients/${id}`)).status).toBe(404);
    const bobsList = await call(bob, 'GET', '/v1/clients');
    expect(JSON.stringify(bobsList.body)).not.toContain(id);
    expect((await call(alice, 'GET', `/v1/clients/${id}`)).body.name).toBe('Alice app');
  });

  it('rotates the secret: the old one works during the grace period, and not with grace 0 [E47]', async () => {
    const created = await call(alice, 'POST', '/v1/clients', { name: 'Rotating' });
    const id = String(created.body.client_id);
    const first = String(created.body.client_secret);
    const tokenWith = async (secret: string) =>
      (await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: id, client_secret: secret })).status;

    const r1 = await call(alice, 'POST', `/v1/clients/${id}/secret/rotate`, { grace_period_seconds: 3600 });
    expect(r1.status).toBe(201);
    const second = String(r1.body.client_secret);
    expect(new Date(String(r1.body.previous_secret_expires_at)).getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(await tokenWith(first)).toBe(200);
    expect(await tokenWith(second)).toBe(200);

    const r2 = await call(alice, 'POST', `/v1/clients/${id}/secret/rotate`, { grace_period_seconds: 0 });
    const third = String(r2.body.client_secret);
    expect(await tokenWith(first)).toBe(401);
    expect(await tokenWith(second)).toBe(401);
    expect(await tokenWith(third)).toBe(200);
  });

  it('defaults the grace period to 24 hours', async () => {
    const created = await call(alice, 'POST', '/v1/clients', { name: 'Default grace' });
    const r = await call(alice, 'POST', `/v1/clients/${String(created.body.client_id)}/secret/rotate`);
    const expires = new Date(String(r.body.previous_secret_expires_at)).getTime();
    expect(Math.abs(expires - (Date.now() + 86400_000))).toBeLessThan(60_000);
  });

  it('updates and deletes; a deleted client cannot get tokens', async () => {
    const created = await call(alice, 'POST', '/v1/clients', { name: 'Short-lived', scopes: ['data:read', 'users:read'] });
    const id = String(created.body.client_id);
    const patched = await call(alice, 'PATCH', `/v1/clients/${id}`, { name: 'Renamed', scopes: ['data:read'] });
    expect(patched.body).toMatchObject({ name: 'Renamed', scopes: ['data:read'] });
    expect((await call(alice, 'PATCH', `/v1/clients/${id}`, { redirect_uris: ['javascript:x'] })).status).toBe(400);
    expect((await call(alice, 'DELETE', `/v1/clients/${id}`)).status).toBe(204);
    expect((await call(alice, 'GET', `/v1/clients/${id}`)).status).toBe(404);
    const t = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: id, client_secret: String(created.body.client_secret) });
    expect(t.status).toBe(401);
  });

  it('needs the clients:manage scope, and a client owned by a user', async () => {
    const narrow = await tokenFor('developer', ['data:read']);
    const res = await call(narrow, 'GET', '/v1/clients');
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="clients:manage"');
    const ownerless = await app.createClient({ scopes: ['clients:manage'] });
    const t = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: ownerless.clientId,
      client_secret: ownerless.clientSecret!,
    });
    const r = await call(String(t.body.access_token), 'GET', '/v1/clients');
    expect(r.status).toBe(403);
    expect(String(r.body.detail)).toContain('no owner');
  });

  it('lets admins list and delete every client, and nobody else', async () => {
    const bobs = await call(bob, 'POST', '/v1/clients', { name: 'Bob app' });
    const all = await call(admin, 'GET', '/v1/admin/clients?limit=100');
    expect(all.status).toBe(200);
    expect(JSON.stringify(all.body)).toContain(String(bobs.body.client_id));
    expect((await call(alice, 'GET', '/v1/admin/clients')).status).toBe(403);
    expect((await call(admin, 'DELETE', `/v1/admin/clients/${String(bobs.body.client_id)}`)).status).toBe(204);
    expect((await call(bob, 'GET', `/v1/clients/${String(bobs.body.client_id)}`)).status).toBe(404);
  });

  it("refuses a deleted client's access tokens at once, not when they expire", async () => {
    const created = await call(alice, 'POST', '/v1/clients', { name: 'Deleted soon', scopes: ['users:read'] });
    const id = String(created.body.client_id);
    const t = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: id, client_secret: String(created.body.client_secret) });
    const users = () => fetch(`${app.url}/v1/users`, { headers: { authorization: `Bearer ${String(t.body.access_token)}` } });
    expect((await users()).status).toBe(200);
    expect((await call(alice, 'DELETE', `/v1/clients/${id}`)).status).toBe(204);
    const after = await users();
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(after.headers.get('www-authenticate')).toContain('deleted or disabled');
  });

  it('lets admins filter every client by q (name or client_id), owner_id and status', async () => {
    const owner = await app.createUser({ role: 'developer' });
    const ownerToken = await app.tokenActingFor(owner.id, ['clients:manage', 'data:read']); // data:read: the new client's default scope
    const mine = await call(ownerToken, 'POST', '/v1/clients', { name: 'Filterable 100%_app' });
    const id = String(mine.body.client_id);
    const ids = (r: { body: Json }) => (r.body.data as { client_id: string }[]).map((c) => c.client_id);
    expect(ids(await call(admin, 'GET', `/v1/admin/clients?q=${encodeURIComponent('100%_')}`))).toEqual([id]);
    expect(ids(await call(admin, 'GET', `/v1/admin/clients?q=${id.slice(4, 14)}`))).toEqual([id]);
    expect(ids(await call(admin, 'GET', '/v1/admin/clients?q=%25'))).toEqual([id]); // a literal %, not a wildcard
    const byOwner = ids(await call(admin, 'GET', `/v1/admin/clients?owner_id=${owner.id}`));
    expect(byOwner).toContain(id);
    expect(byOwner.length).toBe(2); // the client behind ownerToken, and this one
    expect(ids(await call(admin, 'GET', `/v1/admin/clients?status=disabled&owner_id=${owner.id}`))).toEqual([]);
    for (const bad of ['status=gone', 'owner_id=not-a-uuid', `q=${'x'.repeat(201)}`, 'colour=red']) {
      const res = await call(admin, 'GET', `/v1/admin/clients?${bad}`);
      expect(res.status).toBe(400);
    }
  });

  it('lets admins disable a client (no tokens, its access tokens refused at once, audited) and enable it again; nobody else', async () => {
    const created = await call(bob, 'POST', '/v1/clients', { name: 'To disable', scopes: ['users:read'] });
    const id = String(created.body.client_id);
    const token = () =>
      postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: id, client_secret: String(created.body.client_secret) });
    const before = String((await token()).body.access_token);
    const users = () => fetch(`${app.url}/v1/users`, { headers: { authorization: `Bearer ${before}` } });
    expect((await users()).status).toBe(200);

    expect((await call(bob, 'PATCH', `/v1/admin/clients/${id}`, { status: 'disabled' })).status).toBe(403);
    expect((await call(admin, 'PATCH', `/v1/admin/clients/${id}`, { status: 'gone' })).status).toBe(400);
    expect((await call(admin, 'PATCH', '/v1/admin/clients/gth_nosuchclient', { status: 'disabled' })).status).toBe(404);
    const disabled = await call(admin, 'PATCH', `/v1/admin/clients/${id}`, { status: 'disabled' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ client_id: id, status: 'disabled' });
    expect((await token()).status).toBe(401);
    expect((await users()).status).toBe(401);
    const filtered = await call(admin, 'GET', '/v1/admin/clients?status=disabled&limit=100');
    expect((filtered.body.data as { client_id: string }[]).map((c) => c.client_id)).toContain(id);
    // The event is written after the answer: read until it is there.
    let events: { type: string; target: string }[] = [];
    await eventually(async () => {
      events = (await call(admin, 'GET', '/v1/admin/audit-events?type=client.disabled&limit=100')).body.data as typeof events;
      return events.some((e) => e.target === id);
    });
    expect(events.filter((e) => e.target === id)).toEqual([expect.objectContaining({ type: 'client.disabled', target: id })]);

    expect((await call(admin, 'PATCH', `/v1/admin/clients/${id}`, { status: 'active' })).body).toMatchObject({ status: 'active' });
    expect((await users()).status).toBe(200);
    expect((await token()).status).toBe(200);
  });

  it.each([
    ['a NUL in the name', { name: 'a\u0000b' }],
    ['a huge name', { name: 'x'.repeat(10_000) }],
    ['a name of the wrong type', { name: { $ne: 1 } }],
    ['scopes as a string', { name: 'x', scopes: 'users:read' }],
    ['200 redirect URIs', { name: 'x', redirect_uris: Array.from({ length: 200 }, (_, i) => `https://a.example/${i}`) }],
    ['__proto__', JSON.parse('{"name":"x","__proto__":{"admin":true}}') as Json],
  ])('answers %s with 400, never 500', async (_n, body) => {
    const res = await call(alice, 'POST', '/v1/clients', body);
    expect(res.status).toBe(400);
  });

  it('answers a NUL in the path or a malformed JSON body with 400', async () => {
    expect((await call(alice, 'GET', '/v1/clients/abc%00def')).status).toBe(400);
    const res = await fetch(`${app.url}/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it("answers a malformed percent-encoding or a 201-character client_id in the path with 400 problem+json, not Fastify's raw JSON (found by test/fuzz-authenticated)", async () => {
    // Fastify's router refused these before Nest ran: {"statusCode":400,"code":"FST_ERR_BAD_URL"} and an undocumented 414 FST_ERR_MAX_PARAM_LENGTH.
    for (const [method, path, detail] of [
      ['GET', '/v1/clients/%', 'percent-encoding'],
      ['GET', `/v1/clients/${'a'.repeat(201)}`, 'longer than 200 characters'],
      ['POST', `/v1/clients/${'a'.repeat(201)}/secret/rotate`, 'longer than 200 characters'],
    ]) {
      const res = await call(alice, method, path, method === 'POST' ? {} : undefined);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'bad_request', status: 400 });
      expect(String(res.body.detail)).toContain(detail);
      // The router's refusals skip Fastify's hooks: the headers every response carries are set for them too.
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    }
    // 200 characters are still routed: an unknown client.
    expect((await call(alice, 'GET', `/v1/clients/${'a'.repeat(200)}`)).status).toBe(404);
  });

  it('serves a client at once when its client_id was asked for (and cached as unknown) just before it was created', async () => {
    const clientId = `late-${Date.now()}`;
    const before = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: 'x' });
    expect(before.status).toBe(401);
    const created = await app.createClient({ clientId });
    const after = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: created.clientSecret! });
    expect(after.status).toBe(200);
  });
});
