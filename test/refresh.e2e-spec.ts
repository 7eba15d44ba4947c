import { REVOCATION_CACHE_SECONDS } from '../src/oauth/store/revocation-list.js';
import { eventually, startTestApp, type TestApp } from './support/app.js';
import { hidden } from './support/agent.js';
import { codeClient, me, refresh, tokensFor, type FlowClient } from './support/code-flow.js';

/** Refresh tokens: rotation, reuse detection, lifetimes (docs/security.md A18-A23, RFC 9700 4.14). */
describe('refresh token grant with rotation', () => {
  let app: TestApp;
  let client: FlowClient;

  beforeAll(async () => {
    app = await startTestApp();
    client = await codeClient(app);
  });
  afterAll(() => app.close());

  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const gidOf = (access: string) => (JSON.parse(Buffer.from(access.split('.')[1], 'base64url').toString()) as { gid: string }).gid;

  it('rotates on every use; the old refresh token is then refused [A18]', async () => {
    const t = await tokensFor(app, client);
    const r1 = await refresh(app, client, t.refresh);
    expect(r1.status).toBe(200);
    expect(r1.headers.get('cache-control')).toBe('no-store');
    expect(r1.body).toMatchObject({ token_type: 'Bearer', scope: 'profile data:read users:read' });
    expect(r1.body.refresh_token).not.toBe(t.refresh);
    expect(gidOf(String(r1.body.access_token))).toBe(gidOf(t.access));
    const r2 = await refresh(app, client, String(r1.body.refresh_token));
    expect(r2.status).toBe(200);
    const old = await refresh(app, client, t.refresh);
    expect(old.status).toBe(400);
    expect(old.body.error).toBe('invalid_grant');
  });

  it('revokes the whole family when a rotated token is replayed, and audits it [A19]', async () => {
    const t = await tokensFor(app, client);
    const r1 = await refresh(app, client, t.refresh);
    const newAccess = String(r1.body.access_token);
    expect((await me(app, newAccess)).status).toBe(200);
    const replay = await refresh(app, client, t.refresh);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(replay.body.error_description).toContain('revoked');
    // The legitimate successor dies too, and so do the access tokens of the family (at once on this instance).
    expect((await refresh(app, client, String(r1.body.refresh_token))).body.error).toBe('invalid_grant');
    expect((await me(app, newAccess)).status).toBe(401);
    expect((await me(app, t.access)).status).toBe(401);
    const gid = gidOf(t.access);
    const grant = await sql<{ revoked_reason: string }>(`SELECT revoked_reason FROM grants WHERE id = $1`, [gid]);
    expect(grant[0].revoked_reason).toBe('refresh_token_reuse');
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE type = 'oauth.refresh_reuse_detected' AND target = $1`, [gid])).length === 1);
  });

  it('lets exactly one of 10 concurrent refreshes of one token succeed when there is no grace window [A20]', async () => {
    const t = await tokensFor(app, client);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(app, client, t.refresh)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.body.error === 'invalid_grant')).toHaveLength(9);
    const members = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM refresh_tokens WHERE grant_id = $1`, [gidOf(t.access)]);
    expect(members[0].n).toBe(2); // the original and exactly one successor
  });

  it('refuses a wider scope without spending the token; a narrower one is granted and the family keeps its scope [A21]', async () => {
    const t = await tokensFor(app, client, undefined, { scope: 'profile data:read' });
    const wider = await refresh(app, client, t.refresh, { scope: 'profile data:read users:read' });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_scope');
    const narrow = await refresh(app, client, t.refresh, { scope: 'data:read' });
    expect(narrow.status).toBe(200);
    expect(narrow.body.scope).toBe('data:read');
    const again = await refresh(app, client, String(narrow.body.refresh_token));
    expect(again.body.scope).toBe('profile data:read');
  });

  it("refuses another client's refresh token [A22]", async () => {
    const t = await tokensFor(app, client);
    const other = await codeClient(app);
    const res = await refresh(app, other, t.refresh);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect((await refresh(app, client, t.refresh)).status).toBe(200);
  });

  it('refuses a refresh token past its absolute lifetime [A23]', async () => {
    const t = await tokensFor(app, client);
    await sql(`UPDATE grants SET expires_at = now() - interval '1 second' WHERE id = $1`, [gidOf(t.access)]);
    const res = await refresh(app, client, t.refresh);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_description).toContain('absolute lifetime');
  });

  it('refuses a refresh token unused past the idle lifetime', async () => {
    const t = await tokensFor(app, client);
    await sql(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE grant_id = $1`, [gidOf(t.access)]);
    const res = await refresh(app, client, t.refresh);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_description).toContain('unused');
  });

  it('sets idle expiry from REFRESH_TOKEN_IDLE_TTL and the family expiry from REFRESH_TOKEN_TTL', async () => {
    const t = await tokensFor(app, client);
    const [row] = await sql<{ idle: number; abs: number }>(
      `SELECT extract(epoch FROM rt.expires_at - rt.created_at)::int AS idle, extract(epoch FROM g.expires_at - g.created_at)::int AS abs
         FROM refresh_tokens rt JOIN grants g ON g.id = rt.grant_id WHERE g.id = $1`,
      [gidOf(t.access)],
    );
    expect(row.idle).toBe(app.config.refreshTokenIdleTtl);
    expect(row.abs).toBe(app.config.refreshTokenTtl);
  });

  it('refuses refresh and kills access tokens when the user is disabled [A23]', async () => {
    const t = await tokensFor(app, client);
    const [{ sub }] = [JSON.parse(Buffer.from(t.access.split('.')[1], 'base64url').toString()) as { sub: string }];
    await sql(`UPDATE users SET status = 'disabled' WHERE id = $1`, [sub]);
    expect((await refresh(app, client, t.refresh)).body.error).toBe('invalid_grant');
    expect((await me(app, t.access)).status).toBe(401);
  });

  it('refuses refresh and kills access tokens after a password change [A23]', async () => {
    const t = await tokensFor(app, client);
    expect((await me(app, t.access)).status).toBe(200); // now cached as alive
    const { sub } = JSON.parse(Buffer.from(t.access.split('.')[1], 'base64url').toString()) as { sub: string };
    await sql(`UPDATE users SET password_changed_at = now() + interval '1 second' WHERE id = $1`, [sub]);
    const res = await refresh(app, client, t.refresh);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.error_description).toContain('password');
    // Changed behind the server's back (as another instance would): noticed within the cache lifetime.
    await new Promise((r) => setTimeout(r, REVOCATION_CACHE_SECONDS * 1000 + 200));
    expect((await me(app, t.access)).status).toBe(401);
  }, 20_000);

  it('refuses refresh and kills access tokens when the user withdraws consent [A23]', async () => {
    const t = await tokensFor(app, client);
    const page = await t.agent.get('/portal');
    const res = await t.agent.post(`/portal/connected-apps/${encodeURIComponent(client.clientId)}/revoke`, { csrf: hidden(page.text, 'csrf') });
    expect(res.status).toBe(303);
    expect((await refresh(app, client, t.refresh)).body.error).toBe('invalid_grant');
    expect((await me(app, t.access)).status).toBe(401);
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE type = 'oauth.consent_withdrawn'`)).length > 0);
    // Consent is asked again next time.
    const again = await t.agent.get(`/oauth2/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=https://app.example/cb&state=s`);
    expect(again.status).toBe(200);
    expect(again.text).toContain('name="decision"');
  });

  it('refuses withdrawal without the CSRF token (403)', async () => {
    const t = await tokensFor(app, client);
    const res = await t.agent.post(`/portal/connected-apps/${encodeURIComponent(client.clientId)}/revoke`, {});
    expect(res.status).toBe(403);
    expect((await refresh(app, client, t.refresh)).status).toBe(200);
  });
});

describe('refresh token grace window (REFRESH_REUSE_GRACE_SECONDS)', () => {
  let app: TestApp;
  let client: FlowClient;

  beforeAll(async () => {
    app = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '10' } });
    client = await codeClient(app);
  });
  afterAll(() => app.close());

  it('gives every concurrent retry the same successor and keeps the family alive [A20]', async () => {
    const t = await tokensFor(app, client);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(app, client, t.refresh)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body.refresh_token)).size).toBe(1);
    const next = await refresh(app, client, String(results[0].body.refresh_token));
    expect(next.status).toBe(200);
  });

  it('treats a replay as reuse once the successor was used', async () => {
    const t = await tokensFor(app, client);
    const r1 = await refresh(app, client, t.refresh);
    await refresh(app, client, String(r1.body.refresh_token));
    const replay = await refresh(app, client, t.refresh);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await me(app, t.access)).status).toBe(401);
  });

  it('treats a replay after the window as reuse', async () => {
    const t = await tokensFor(app, client);
    await refresh(app, client, t.refresh);
    await app.running.db.dataSource.query(`UPDATE refresh_tokens SET used_at = now() - interval '11 seconds' WHERE used_at IS NOT NULL`);
    expect((await refresh(app, client, t.refresh)).body.error).toBe('invalid_grant');
  });
});
