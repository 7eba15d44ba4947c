import { eventually, postForm, startTestApp, type TestApp } from './support/app.js';
import { hidden, type Agent } from './support/agent.js';
import { codeClient, refresh, signedIn, tokensFor, type FlowClient } from './support/code-flow.js';

/**
 * Introspection for resource servers (RFC 7662): a confidential client an admin marked as a resource
 * server of the API audience may introspect any access token issued for it, so an API that is not
 * Gatehouse honours revocation before expiry. Anyone else still learns only about its own tokens.
 */
describe('introspection by resource servers', () => {
  let app: TestApp;
  let adminToken: string;
  let admin: { agent: Agent; user: { id: string } };
  let app1: FlowClient;
  let api: { clientId: string; clientSecret: string | undefined };
  let ordinary: { clientId: string; clientSecret: string | undefined };

  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const patch = async (clientId: string, body: unknown, token = adminToken) => {
    const res = await fetch(`${app.url}/v1/admin/clients/${clientId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
  };
  const introspect = (c: { clientId: string; clientSecret: string | undefined }, token: string) =>
    postForm(`${app.url}/oauth2/introspect`, { token }, { authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}` });
  const flag = async (clientId: string) =>
    (await sql<{ resource_server: boolean }>('SELECT resource_server FROM clients WHERE client_id = $1', [clientId]))[0].resource_server;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await signedIn(app, 'admin');
    adminToken = await app.tokenActingFor(admin.user.id, ['admin']);
    app1 = await codeClient(app);
    api = await app.createClient({ name: 'Orders API', scopes: ['data:read'] });
    ordinary = await app.createClient({ name: 'Some other client', scopes: ['data:read'] });
  });
  afterAll(() => app.close());

  it('an admin marks a confidential client a resource server (PATCH /v1/admin/clients), audited; it starts false', async () => {
    expect(await flag(api.clientId)).toBe(false);
    const res = await patch(api.clientId, { resource_server: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ client_id: api.clientId, resource_server: true, type: 'confidential' });
    expect(await flag(api.clientId)).toBe(true);
    await eventually(
      async () =>
        (
          await sql(
            `SELECT 1 FROM audit_events WHERE type = 'client.updated' AND target = $1 AND actor_user_id = $2 AND details->>'resource_server' = 'true'`,
            [api.clientId, admin.user.id],
          )
        ).length === 1,
    );
  });

  it("the resource server sees another client's access token active with its claims, then inactive once that client revokes it [A25]", async () => {
    await patch(api.clientId, { resource_server: true });
    const t = await tokensFor(app, app1);
    const live = await introspect(api, t.access);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({
      active: true,
      token_type: 'Bearer',
      client_id: app1.clientId,
      scope: 'profile data:read users:read',
      aud: app.config.audience,
      iss: app.url,
    });
    expect(typeof live.body.sub).toBe('string');
    expect(typeof live.body.exp).toBe('number');
    expect(typeof live.body.jti).toBe('string');

    const revoked = await postForm(`${app.url}/oauth2/revoke`, { token: t.access, client_id: app1.clientId, client_secret: app1.clientSecret! });
    expect(revoked.status).toBe(200);
    const after = await introspect(api, t.access);
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ active: false });
  });

  it("sees an access token inactive once its client revokes the refresh token it came from, and never sees another client's refresh token [A25]", async () => {
    await patch(api.clientId, { resource_server: true });
    const t = await tokensFor(app, app1);
    expect((await introspect(api, t.refresh)).body).toEqual({ active: false });
    expect((await introspect(api, t.access)).body.active).toBe(true);
    await postForm(`${app.url}/oauth2/revoke`, { token: t.refresh, client_id: app1.clientId, client_secret: app1.clientSecret! });
    expect((await introspect(api, t.access)).body).toEqual({ active: false });
  });

  it('an ordinary client still learns nothing about tokens of other clients, and its own stay visible to it [A25]', async () => {
    const t = await tokensFor(app, app1);
    expect((await introspect(ordinary, t.access)).body).toEqual({ active: false });
    const own = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: ordinary.clientId,
      client_secret: ordinary.clientSecret!,
    });
    expect((await introspect(ordinary, String(own.body.access_token))).body).toMatchObject({ active: true, client_id: ordinary.clientId });
    // The resource server sees it too; the owning client is unaffected by that.
    await patch(api.clientId, { resource_server: true });
    expect((await introspect(api, String(own.body.access_token))).body).toMatchObject({ active: true, client_id: ordinary.clientId });
  });

  it('taking the mark back ends it at once (the client cache is invalidated)', async () => {
    await patch(api.clientId, { resource_server: true });
    const t = await tokensFor(app, app1);
    expect((await introspect(api, t.access)).body.active).toBe(true);
    const off = await patch(api.clientId, { resource_server: false });
    expect(off.body.resource_server).toBe(false);
    expect((await introspect(api, t.access)).body).toEqual({ active: false });
    expect((await refresh(app, app1, t.refresh)).status).toBe(200);
  });

  it('a public client cannot be marked: 400 problem naming why, and nothing else in the request is applied', async () => {
    const pub = await codeClient(app, { type: 'public' });
    const res = await patch(pub.clientId, { resource_server: true, status: 'disabled' });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(String(res.body.detail)).toMatch(/only a confidential client can be a resource server/);
    const [row] = await sql<{ resource_server: boolean; status: string }>('SELECT resource_server, status FROM clients WHERE client_id = $1', [pub.clientId]);
    expect(row).toEqual({ resource_server: false, status: 'active' });
    // Taking it back from a public client is harmless (it never had it).
    expect((await patch(pub.clientId, { resource_server: false })).status).toBe(200);
  });

  it('hostile updates: a non-boolean, an unknown client, a non-admin token, and the owner-facing API refuse the field [E48]', async () => {
    expect((await patch(api.clientId, { resource_server: 'yes' })).status).toBe(400);
    expect((await patch(api.clientId, { resource_server: 1 })).status).toBe(400);
    expect((await patch('gth_nope', { resource_server: true })).status).toBe(404);
    const dev = await app.createUser();
    const manage = await app.tokenActingFor(dev.id, ['clients:manage']);
    expect((await patch(api.clientId, { resource_server: true }, manage)).status).toBe(403);
    const created = await fetch(`${app.url}/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manage}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'sneaky', scopes: ['data:read'], resource_server: true }),
    });
    expect(created.status).toBe(400);
    expect(await created.text()).toContain('resource_server');
  });

  it('the admin console marks and unmarks with a CSRF form; a public client gets the reason; a form without CSRF is 403', async () => {
    const page = await admin.agent.get('/portal/admin/clients');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Introspects');
    const csrf = hidden(page.text, 'csrf');
    const target = await app.createClient({ name: 'Billing API' });
    const on = await admin.agent.post(`/portal/admin/clients/${target.clientId}/resource-server`, { csrf, introspect: 'any' });
    expect(on.status).toBe(303);
    expect(on.location).toBe('/portal/admin/clients?done=client-resource-server');
    expect(await flag(target.clientId)).toBe(true);
    expect((await admin.agent.get('/portal/admin/clients')).text).toContain('any access token (resource server)');
    const offForm = await admin.agent.post(`/portal/admin/clients/${target.clientId}/resource-server`, { csrf, introspect: 'own' });
    expect(offForm.status).toBe(303);
    expect(await flag(target.clientId)).toBe(false);

    expect((await admin.agent.post(`/portal/admin/clients/${target.clientId}/resource-server`, { csrf: 'x', introspect: 'any' })).status).toBe(403);
    expect((await admin.agent.post(`/portal/admin/clients/${target.clientId}/resource-server`, { csrf, introspect: 'all' })).status).toBe(400);
    const pub = await codeClient(app, { type: 'public' });
    const refused = await admin.agent.post(`/portal/admin/clients/${pub.clientId}/resource-server`, { csrf, introspect: 'any' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('only a confidential client can be a resource server');
    expect(await flag(pub.clientId)).toBe(false);
    expect(await flag(target.clientId)).toBe(false);
  });
});
