import { startTestApp, type TestApp } from './support/app.js';

/** The admin console's user management: admins only (scope and role), never on themselves. */
describe('management API: /v1/admin/users', () => {
  let app: TestApp;
  let adminToken: string;
  let adminId: string;
  let devToken: string;

  const tokenFor = (userId: string, scopes: string[]) => app.tokenActingFor(userId, scopes);
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await app.createUser({ role: 'admin', email: 'root@example.com' });
    adminId = admin.id;
    adminToken = await tokenFor(admin.id, ['admin']);
    const dev = await app.createUser({ email: 'dev_100%@example.com' });
    devToken = await tokenFor(dev.id, ['admin', 'clients:manage']);
  });
  afterAll(() => app.close());

  it('lists and searches users; LIKE wildcards are literal', async () => {
    const all = await call(adminToken, 'GET', '/v1/admin/users?limit=100');
    expect(all.status).toBe(200);
    expect((all.body.data as unknown[]).length).toBeGreaterThanOrEqual(3);
    const found = await call(adminToken, 'GET', `/v1/admin/users?q=${encodeURIComponent('100%')}`);
    expect((found.body.data as { email: string }[]).map((u) => u.email)).toEqual(['dev_100%@example.com']);
    const none = await call(adminToken, 'GET', `/v1/admin/users?q=${encodeURIComponent('_%')}`);
    expect(none.body.data).toEqual([]);
    const admins = await call(adminToken, 'GET', '/v1/admin/users?role=admin');
    expect((admins.body.data as { role: string }[]).every((u) => u.role === 'admin')).toBe(true);
  });

  it('refuses a developer even with the admin scope', async () => {
    expect((await call(devToken, 'GET', '/v1/admin/users')).status).toBe(403);
  });

  it('disables a user, whose client-credentials tokens then act for nobody; enables again', async () => {
    const victim = await app.createUser();
    const theirs = await tokenFor(victim.id, ['clients:manage']);
    expect((await call(theirs, 'GET', '/v1/clients')).status).toBe(200);
    const off = await call(adminToken, 'PATCH', `/v1/admin/users/${victim.id}`, { status: 'disabled' });
    expect(off.body.status).toBe('disabled');
    // Issue 12: the token itself stops (its client's owner is disabled), no longer merely acting for nobody.
    expect((await call(theirs, 'GET', '/v1/clients')).status).toBe(401);
    await call(adminToken, 'PATCH', `/v1/admin/users/${victim.id}`, { status: 'active', role: 'admin' });
    expect((await call(theirs, 'GET', '/v1/clients')).status).toBe(200);
  });

  it('refuses to change the caller itself, bad values, and unknown users', async () => {
    expect((await call(adminToken, 'PATCH', `/v1/admin/users/${adminId}`, { status: 'disabled' })).status).toBe(400);
    const u = await app.createUser();
    expect((await call(adminToken, 'PATCH', `/v1/admin/users/${u.id}`, { role: 'owner' })).status).toBe(400);
    expect((await call(adminToken, 'PATCH', `/v1/admin/users/${u.id}`, { password_hash: 'x' })).status).toBe(400);
    expect((await call(adminToken, 'PATCH', `/v1/admin/users/${u.id}`, {})).body.detail).toBe('Nothing to change: send status and/or role');
    expect((await call(adminToken, 'PATCH', '/v1/admin/users/00000000-0000-0000-0000-000000000000', { status: 'disabled' })).status).toBe(404);
    expect((await call(adminToken, 'GET', '/v1/admin/users?status=zombie')).status).toBe(400);
  });
});
