import { postForm, startTestApp, type TestApp } from './support/app.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './support/throwaway-postgres.js';

/**
 * The database goes away under a running server, then comes back: 503 with Retry-After (never a
 * 401 or a 500), readiness says so, JWT reads that need no database keep working, and everything
 * recovers without a restart. A real PostgreSQL stopped with pg_ctl. SECURITY-CHECKLIST H52, H53.
 */
describe('database outage and recovery', () => {
  let pg: ThrowawayPostgres;
  let app: TestApp;
  let client: { clientId: string; clientSecret: string | undefined };
  let token: string;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    app = await startTestApp({ database: { url: pg.url, name: 'postgres', drop: () => Promise.resolve() } });
    client = await app.createClient();
    const res = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    token = String(res.body.access_token);
  });
  afterAll(async () => {
    await app?.close();
    pg?.destroy();
  });

  const tokenRequest = () =>
    postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret! });

  it('while the database is down: 503s with Retry-After, readiness false, liveness true', async () => {
    pg.stop();
    // Past the client cache (5 s) so the token endpoint has to reach the database.
    await new Promise((r) => setTimeout(r, 5200));

    const t = await tokenRequest();
    expect(t.status).toBe(503);
    expect(t.body.error).toBe('server_error');
    expect(t.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(t.headers.get('cache-control')).toBe('no-store');

    const users = await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${token}` } });
    expect(users.status).toBe(503);
    expect(users.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(users.headers.get('content-type')).toContain('application/problem+json');

    // A bad token is still a 401 (verification needs no database), not a 503.
    const bad = await fetch(`${app.url}/v1/users`, { headers: { Authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);

    expect((await fetch(`${app.url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
  }, 30_000);

  it('recovers by itself when the database returns', async () => {
    pg.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await tokenRequest()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  }, 30_000);
});
