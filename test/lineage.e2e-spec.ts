import { hidden, type Agent } from './support/agent.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { codeClient, signedIn, tokensFor } from './support/code-flow.js';
import { call } from './support/keys.js';

/**
 * Issue 12, "no credential outgrows or outlives what it came from": each attack of the issue now
 * fails with the documented error, and each legitimate use still works.
 */
describe('credential lineage: never more, never longer', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** A third-party app ("Reporting service", another developer's) the user allows `scope` through the real consent page. */
  async function delegated(scope: string, agent?: Agent) {
    const vendor = await app.createUser();
    const client = await codeClient(app, {
      name: 'Reporting service',
      ownerId: vendor.id,
      scopes: ['keys:manage', 'clients:manage', 'data:read', 'data:write', 'users:read'],
    });
    const t = await tokensFor(app, client, agent, { scope });
    return { client, vendor, ...t };
  }
  const cc = (clientId: string, secret: string) =>
    postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  /** RFC 7662 as the token's own client asks it (introspection answers only the client a token was issued to). */
  const introspect = async (token: string, client: { clientId: string; clientSecret?: string }) =>
    (await postForm(`${app.url}/oauth2/introspect`, { token, client_id: client.clientId, client_secret: client.clientSecret! })).body;
  const withdraw = async (agent: Agent, clientId: string) => {
    const csrf = hidden((await agent.get('/portal')).text, 'csrf');
    expect((await agent.post(`/portal/connected-apps/${clientId}/revoke`, { csrf })).status).toBe(303);
  };
  const expectInsufficient = (res: { status: number; headers: Headers; body: Record<string, unknown> }, missing: string) => {
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('insufficient_scope');
    expect(String(res.body.error_description)).toContain(missing);
    expect(res.headers.get('www-authenticate')).toContain(`scope="${missing}"`);
  };

  describe('never more', () => {
    it('an app allowed only keys:manage cannot create a key that reads or writes the data', async () => {
      const { access } = await delegated('keys:manage');
      const res = await call(app, 'POST', '/v1/api-keys', { token: access, body: { name: 'sneaky', scopes: ['data:read', 'data:write'] } });
      expectInsufficient(res, 'data:read data:write');
    });

    it('an app allowed keys:manage and data:read may create a data:read key (and not a data:write one); it records where it came from', async () => {
      const { access, client } = await delegated('keys:manage data:read');
      expectInsufficient(await call(app, 'POST', '/v1/api-keys', { token: access, body: { name: 'rw', scopes: ['data:read', 'data:write'] } }), 'data:write');
      const ok = await call(app, 'POST', '/v1/api-keys', { token: access, body: { name: 'reader', scopes: ['data:read'] } });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ scopes: ['data:read'], created_via: 'grant', created_by: { client_id: client.clientId, name: 'Reporting service' } });
      expect((await call(app, 'GET', '/v1/data', { key: String(ok.body.key) })).status).toBe(200);
    });

    it("rotating the owner's data:write key through a keys:manage-only token is refused; the key is untouched", async () => {
      const owner = await app.createUser();
      const portalKey = await app.tokenActingFor(owner.id, ['keys:manage', 'data:read', 'data:write']);
      const key = await call(app, 'POST', '/v1/api-keys', { token: portalKey, body: { name: 'prod', scopes: ['data:write'] } });
      expect(key.status).toBe(201);
      const narrow = await app.tokenActingFor(owner.id, ['keys:manage']);
      expectInsufficient(
        await call(app, 'POST', `/v1/api-keys/${String(key.body.id)}/rotate`, { token: narrow, body: { grace_period_seconds: 0 } }),
        'data:write',
      );
      expect((await call(app, 'POST', '/v1/data', { key: String(key.body.key), body: { data: { still: 'works' } } })).status).toBe(201);
      // A token that holds data:write may rotate it.
      const rotated = await call(app, 'POST', `/v1/api-keys/${String(key.body.id)}/rotate`, { token: portalKey, body: {} });
      expect(rotated.status).toBe(201);
      expect(rotated.body).toMatchObject({ scopes: ['data:write'], rotated_from: key.body.id, created_via: 'client' });
    });

    it('an app allowed only clients:manage cannot register, widen or take the secret of a client with more', async () => {
      const { access } = await delegated('clients:manage');
      const wide = await call(app, 'POST', '/v1/clients', {
        token: access,
        body: { name: 'escalate', scopes: ['data:read', 'data:write', 'users:read', 'keys:manage'] },
      });
      expectInsufficient(wide, 'data:read data:write users:read keys:manage');
      // The user's own client with data:write: neither its scopes nor its secret are the app's to take.
      const { agent, user } = await signedIn(app);
      const own = await app.createClient({ name: 'mine', ownerId: user.id, scopes: ['data:write'] });
      const { access: token } = await delegated('clients:manage', agent);
      expectInsufficient(await call(app, 'POST', `/v1/clients/${own.clientId}/secret/rotate`, { token, body: {} }), 'data:write');
      expectInsufficient(await call(app, 'PATCH', `/v1/clients/${own.clientId}`, { token, body: { grant_types: ['client_credentials'] } }), 'data:write');
    });

    it('an app allowed clients:manage and data:read registers a data:read client, which records the app and consent it came from', async () => {
      const { access, client } = await delegated('clients:manage data:read');
      const res = await call(app, 'POST', '/v1/clients', { token: access, body: { name: 'Nightly export', scopes: ['data:read'] } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ scopes: ['data:read'], created_via: 'grant', created_by: { client_id: client.clientId, name: 'Reporting service' } });
      expect((await cc(String(res.body.client_id), String(res.body.client_secret))).status).toBe(200);
    });

    it('the portal session acts with the user’s full rights: a data:write key and a users:read client', async () => {
      const { agent } = await signedIn(app);
      const csrf = String((await agent.get('/v1/api-keys')).headers.get('x-csrf-token'));
      const post = (path: string, body: unknown) =>
        fetch(`${app.url}${path}`, {
          method: 'POST',
          headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/json', 'x-csrf-token': csrf },
          body: JSON.stringify(body),
        });
      const key = await post('/v1/api-keys', { name: 'mine', scopes: ['data:read', 'data:write'] });
      expect(key.status).toBe(201);
      expect(await key.json()).toMatchObject({ created_via: 'session', created_by: null });
      expect((await post('/v1/clients', { name: 'mine', scopes: ['users:read', 'data:write'] })).status).toBe(201);
      expect((await post('/v1/clients', { name: 'not mine to give', scopes: ['admin'] })).status).toBe(400);
    });
  });

  describe('never longer', () => {
    /** An app allowed keys and clients, with a key and a client-credentials client it made for the user. */
    async function appWithChildren() {
      const d = await delegated('keys:manage clients:manage data:read');
      const key = await call(app, 'POST', '/v1/api-keys', { token: d.access, body: { name: 'made by app', scopes: ['data:read'] } });
      const made = await call(app, 'POST', '/v1/clients', { token: d.access, body: { name: 'made by app', scopes: ['data:read'] } });
      expect([key.status, made.status]).toEqual([201, 201]);
      const childId = String(made.body.client_id);
      const childSecret = String(made.body.client_secret);
      const childToken = String((await cc(childId, childSecret)).body.access_token);
      const alive = async () => ({
        key: (await call(app, 'GET', '/v1/data', { key: String(key.body.key) })).status,
        childTokens: (await cc(childId, childSecret)).status,
        childToken: (await call(app, 'GET', '/v1/data', { token: childToken })).status,
      });
      expect(await alive()).toEqual({ key: 200, childTokens: 200, childToken: 200 });
      return { ...d, alive, childToken };
    }
    const STOPPED = { key: 401, childTokens: 401, childToken: 401 };

    it('withdrawn consent stops the keys and clients the app made, and their tokens (introspection says inactive)', async () => {
      const t = await appWithChildren();
      await withdraw(t.agent, t.client.clientId);
      expect(await t.alive()).toEqual(STOPPED);
      expect(await introspect(t.access, t.client)).toEqual({ active: false });
    });

    it('a revoked refresh family (RFC 7009) stops what was made through it', async () => {
      const t = await appWithChildren();
      const res = await postForm(`${app.url}/oauth2/revoke`, { token: t.refresh, client_id: t.client.clientId, client_secret: t.client.clientSecret! });
      expect(res.status).toBe(200);
      expect(await t.alive()).toEqual(STOPPED);
    });

    it('a disabled app stops what it made; enabling it restores them', async () => {
      const t = await appWithChildren();
      const admin = await app.createUser({ role: 'admin' });
      const adminToken = await app.tokenActingFor(admin.id, ['admin']);
      const set = (status: string) => call(app, 'PATCH', `/v1/admin/clients/${t.client.clientId}`, { token: adminToken, body: { status } });
      expect((await set('disabled')).status).toBe(200);
      expect(await t.alive()).toEqual(STOPPED);
      expect((await set('active')).status).toBe(200);
      expect(await t.alive()).toEqual({ key: 200, childTokens: 200, childToken: 200 });
    });

    it('a deleted app takes what it made with it', async () => {
      const t = await appWithChildren();
      const vendorToken = await app.tokenActingFor(t.vendor.id, ['clients:manage']);
      expect((await call(app, 'DELETE', `/v1/clients/${t.client.clientId}`, { token: vendorToken })).status).toBe(204);
      expect(await t.alive()).toEqual(STOPPED);
    });

    it("a disabled user: their clients get no tokens, their clients' tokens, keys and sessions stop, introspection says inactive; enabling restores", async () => {
      const { agent, user } = await signedIn(app);
      const own = await app.createClient({ name: 'own', ownerId: user.id, scopes: ['users:read', 'keys:manage', 'data:read'] });
      const token = String((await cc(own.clientId, own.clientSecret!)).body.access_token);
      const key = await call(app, 'POST', '/v1/api-keys', { token, body: { name: 'k', scopes: ['data:read'] } });
      const admin = await app.createUser({ role: 'admin' });
      const adminToken = await app.tokenActingFor(admin.id, ['admin']);
      // A third-party app the user signed in to: it asks introspection about the user's token.
      const other = await delegated('data:read', agent);
      const state = async () => ({
        tokens: (await cc(own.clientId, own.clientSecret!)).status,
        users: (await call(app, 'GET', '/v1/users', { token })).status,
        key: (await call(app, 'GET', '/v1/data', { key: String(key.body.key) })).status,
        session: (await agent.get('/portal/keys')).status,
        introspected: (await introspect(other.access, other.client)).active,
      });
      expect(await state()).toEqual({ tokens: 200, users: 200, key: 200, session: 200, introspected: true });
      await call(app, 'PATCH', `/v1/admin/users/${user.id}`, { token: adminToken, body: { status: 'disabled' } });
      expect(await state()).toEqual({ tokens: 401, users: 401, key: 401, session: 303, introspected: false });
      await call(app, 'PATCH', `/v1/admin/users/${user.id}`, { token: adminToken, body: { status: 'active' } });
      // The session was ended by the sign-in check (as before); the rest comes back.
      expect({ ...(await state()), session: 0 }).toEqual({ tokens: 200, users: 200, key: 200, session: 0, introspected: true });
    });

    it("a disabled app owner (the vendor) stops the app's user tokens and what it made", async () => {
      const t = await appWithChildren();
      const admin = await app.createUser({ role: 'admin' });
      const adminToken = await app.tokenActingFor(admin.id, ['admin']);
      await call(app, 'PATCH', `/v1/admin/users/${t.vendor.id}`, { token: adminToken, body: { status: 'disabled' } });
      expect(await t.alive()).toEqual(STOPPED);
      expect((await call(app, 'GET', '/v1/users/me', { token: t.access })).status).toBe(401);
    });
  });
});
