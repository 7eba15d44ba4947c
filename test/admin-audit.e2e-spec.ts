import { startTestApp, type TestApp } from './support/app.js';

/** The audit trail through the admin API: security events, filterable, never a secret. */
describe('management API: /v1/admin/audit-events', () => {
  let app: TestApp;
  let admin: string;
  let dev: string;

  const tokenFor = (userId: string, scopes: string[]) => app.tokenActingFor(userId, scopes);
  const get = async (token: string, path: string) => {
    const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { data: { type: string; target: string; actor_user_id: string; details: unknown }[] } };
  };

  beforeAll(async () => {
    app = await startTestApp();
    const a = await app.createUser({ role: 'admin' });
    admin = await tokenFor(a.id, ['admin']);
    const d = await app.createUser();
    dev = await tokenFor(d.id, ['admin', 'clients:manage', 'data:read']); // data:read: the new client's default scope (it holds what it registers)
  });
  afterAll(() => app.close());

  it('records client creation and secret rotation with actor and target, and no secret', async () => {
    const created = await fetch(`${app.url}/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Audited' }),
    });
    const { client_id: clientId, client_secret: secret } = (await created.json()) as { client_id: string; client_secret: string };
    const rotated = await fetch(`${app.url}/v1/clients/${clientId}/secret/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dev}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const { client_secret: second } = (await rotated.json()) as { client_secret: string };
    await new Promise((r) => setTimeout(r, 200)); // records are written fire-and-forget

    const all = await get(admin, '/v1/admin/audit-events?limit=100');
    expect(all.status).toBe(200);
    const mine = all.body.data.filter((e) => e.target === clientId).map((e) => e.type);
    expect(mine).toEqual(expect.arrayContaining(['client.created', 'client.secret_rotated']));
    const text = JSON.stringify(all.body);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(second);

    const filtered = await get(admin, '/v1/admin/audit-events?type=client.secret_rotated');
    expect(filtered.body.data.every((e) => e.type === 'client.secret_rotated')).toBe(true);
    expect(filtered.body.data.length).toBeGreaterThanOrEqual(1);
  });

  it('is for admin users only, and refuses bad filters with 400', async () => {
    expect((await get(dev, '/v1/admin/audit-events')).status).toBe(403);
    expect((await get(admin, '/v1/admin/audit-events?since=yesterday')).status).toBe(400);
    expect((await get(admin, "/v1/admin/audit-events?type=x'%20OR%201=1")).status).toBe(400);
    expect((await get(admin, '/v1/admin/audit-events?actor_user_id=nope')).status).toBe(400);
  });
});
