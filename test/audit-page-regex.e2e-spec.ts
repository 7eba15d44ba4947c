import { eventually, startTestApp, type TestApp } from './support/app.js';
import { signedIn } from './support/code-flow.js';

/**
 * Issue #13 item 3: the admin audit page masks secrets in each event's details with a regular
 * expression that was quadratic on `eyJeyJeyJ...`; redirect URIs full of it made every visit block
 * the event loop for seconds. Now the expression is linear and details are bounded when stored.
 */
describe('the admin audit page on pathological details', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('stores bounded details and answers the audit page (and health) promptly', async () => {
    const user = await app.createUser();
    const token = await app.tokenActingFor(user.id, ['clients:manage', 'profile']);
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await call('POST', '/v1/clients', {
      name: 'eyJ',
      grant_types: ['authorization_code'],
      scopes: ['profile'],
      redirect_uris: ['https://a.example/cb'],
    });
    expect(created.status).toBe(201);
    const { client_id } = (await created.json()) as { client_id: string };
    const uris = Array.from({ length: 20 }, (_, i) => `https://a.example/${i}${'eyJ'.repeat(600)}`);
    expect((await call('PATCH', `/v1/clients/${client_id}`, { redirect_uris: uris })).status).toBe(200);

    // The audit event is written after the response (fire and forget): wait for it.
    const sizes = () =>
      app.running.db.dataSource.query<{ size: number }[]>(`SELECT length(details::text) AS size FROM audit_events WHERE type = 'client.updated'`);
    await eventually(async () => (await sizes()).length > 0);
    const rows = await sizes();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Number(r.size)).toBeLessThanOrEqual(8300);

    const { agent } = await signedIn(app, 'admin');
    const started = performance.now();
    const [page, health] = await Promise.all([agent.get('/portal/admin/audit?type=client.updated'), fetch(`${app.url}/health/live`)]);
    const ms = performance.now() - started;
    expect(page.status).toBe(200);
    expect(health.status).toBe(200);
    expect(ms).toBeLessThan(1500); // generous: the quadratic expression took tens of seconds here
  });

  it('masks a 100 KB eyJ run stored before details were bounded, promptly', async () => {
    const raw = JSON.stringify({ redirectUris: ['eyJ'.repeat(34_000)], token: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' });
    await app.running.db.dataSource.query(`INSERT INTO audit_events (type, outcome, details, created_at) VALUES ('client.updated', 'success', $1, now())`, [
      raw,
    ]);
    const { agent } = await signedIn(app, 'admin');
    const started = performance.now();
    const page = await agent.get('/portal/admin/audit?type=client.updated');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('eyJzdWIiOiJ4In0');
  });
});
