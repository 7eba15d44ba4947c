import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { eventually, postForm, startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { codeClient, refresh, tokensFor } from './support/code-flow.js';
import { createTestDatabase } from './support/database.js';
import { decodePart } from './support/jwt.js';
import { call, keyOwner } from './support/keys.js';

interface AuditEvent {
  id: string;
  type: string;
  outcome: string;
  actor_user_id: string | null;
  actor_client_id: string | null;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  created_at: string;
}

/**
 * Every security event issue 6 names is in the audit trail, read back through the admin API with
 * actor, target, time, address and outcome, and never a secret: sign-in, failed sign-in, token
 * issued, client created, secret rotated, key created/rotated/revoked, refresh reuse detected,
 * consent withdrawn.
 */
describe('audit trail: every listed event, through GET /v1/admin/audit-events', () => {
  let app: TestApp;
  let adminToken: string;
  /** Every secret the suite saw: none may appear in any event. */
  const secrets: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const admin = await app.createUser({ role: 'admin' });
    adminToken = await app.tokenActingFor(admin.id, ['admin']);
    secrets.push(adminToken);
  });
  afterAll(() => app.close());

  async function events(query: string): Promise<AuditEvent[]> {
    const res = await fetch(`${app.url}/v1/admin/audit-events?limit=100&${query}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { data: AuditEvent[] }).data;
  }

  /** The event of this type that matches, once written (token events are written in batches, within about a second). */
  async function find(type: string, match: (e: AuditEvent) => boolean): Promise<AuditEvent> {
    let found: AuditEvent | undefined;
    await eventually(async () => {
      found = (await events(`type=${type}`)).find(match);
      return found !== undefined;
    }, 5000);
    expect(found!.type).toBe(type);
    return found!;
  }

  /** Actor, target, time, address and outcome, as the admin API shows them. */
  function expectEvent(e: AuditEvent, want: Partial<AuditEvent>, since: number): void {
    expect(e).toMatchObject({ ip: '127.0.0.1', outcome: 'success', ...want });
    const at = Date.parse(e.created_at);
    expect(at).toBeGreaterThanOrEqual(since - 1000);
    expect(at).toBeLessThanOrEqual(Date.now() + 1000);
  }

  it('sign-in and failed sign-in', async () => {
    const user = await app.createUser();
    secrets.push(user.password);
    const t0 = Date.now();
    const agent = new Agent(app.url);
    const page = await agent.get('/portal/signin');
    const wrong = await agent.post('/portal/signin', { csrf: hidden(page.text, 'csrf'), email: user.email, password: 'not the password!!' });
    expect(wrong.status).toBe(401);
    expect((await agent.signIn(user.email, user.password)).status).toBe(303);
    // The account is named by its id, never by what was typed (issue 13.7).
    const failed = await find('auth.sign_in_failed', (e) => e.target === user.id);
    expectEvent(failed, { outcome: 'failure', actor_user_id: user.id, target: user.id }, t0);
    const ok = await find('auth.sign_in', (e) => e.target === user.id);
    expectEvent(ok, { actor_user_id: user.id, target: user.id }, t0);
  });

  it('token issued (client credentials): the jti, never the token; written without the request waiting', async () => {
    const client = await app.createClient();
    secrets.push(client.clientSecret!);
    const t0 = Date.now();
    const res = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    expect(res.status).toBe(200);
    const token = String(res.body.access_token);
    secrets.push(token);
    const { jti } = decodePart(token, 1) as { jti: string };
    const e = await find('oauth.token_issued', (x) => x.details.jti === jti);
    expectEvent(e, { actor_client_id: client.clientId, target: client.clientId, actor_user_id: null }, t0);
    expect(e.details).toMatchObject({ grant_type: 'client_credentials', scope: 'users:read data:read' });
    // Filterable by the acting client.
    expect((await events(`actor_client_id=${client.clientId}`)).map((x) => x.type)).toEqual(['oauth.token_issued']);
  });

  it('token issued (authorization code), and refresh reuse detected', async () => {
    const client = await codeClient(app);
    secrets.push(client.clientSecret!);
    const t0 = Date.now();
    const { access, refresh: rt, agent } = await tokensFor(app, client);
    secrets.push(access, rt);
    const claims = decodePart(access, 1) as { jti: string; gid: string; sub: string };
    const issued = await find('oauth.token_issued', (x) => x.details.jti === claims.jti);
    expectEvent(issued, { actor_user_id: claims.sub, actor_client_id: client.clientId, target: claims.gid }, t0);
    expect(issued.details).toMatchObject({ grant_type: 'authorization_code', refresh_token: true });

    const first = await refresh(app, client, rt);
    expect(first.status).toBe(200);
    secrets.push(String(first.body.access_token), String(first.body.refresh_token));
    const again = await refresh(app, client, rt);
    expect(again.body.error).toBe('invalid_grant');
    const reuse = await find('oauth.refresh_reuse_detected', (x) => x.target === claims.gid);
    expectEvent(reuse, { outcome: 'failure', actor_user_id: claims.sub, actor_client_id: client.clientId, target: claims.gid }, t0);
    const refreshed = await find('oauth.token_issued', (x) => x.details.jti === decodePart(String(first.body.access_token), 1).jti);
    expect(refreshed.details).toMatchObject({ grant_type: 'refresh_token' });
    expect(agent).toBeDefined();
  });

  it('consent withdrawn', async () => {
    const client = await codeClient(app, { name: 'Withdrawn App' });
    const { agent, access } = await tokensFor(app, client);
    secrets.push(access);
    const { sub } = decodePart(access, 1) as { sub: string };
    const t0 = Date.now();
    const csrf = hidden((await agent.get('/portal')).text, 'csrf');
    expect((await agent.post(`/portal/connected-apps/${client.clientId}/revoke`, { csrf })).status).toBe(303);
    const e = await find('oauth.consent_withdrawn', (x) => x.target === client.clientId);
    expectEvent(e, { actor_user_id: sub, actor_client_id: client.clientId, target: client.clientId }, t0);
  });

  it('client created and secret rotated', async () => {
    const dev = await app.createUser();
    const token = await app.tokenActingFor(dev.id, ['clients:manage', 'data:read']); // data:read: the new client's default scope
    const t0 = Date.now();
    const created = await call(app, 'POST', '/v1/clients', { token, body: { name: 'Audited client' } });
    expect(created.status).toBe(201);
    const clientId = String(created.body.client_id);
    secrets.push(String(created.body.client_secret));
    const rotated = await call(app, 'POST', `/v1/clients/${clientId}/secret/rotate`, { token, body: { grace_period_seconds: 60 } });
    expect(rotated.status).toBe(201);
    secrets.push(String(rotated.body.client_secret));
    expectEvent(await find('client.created', (x) => x.target === clientId), { actor_user_id: dev.id, target: clientId }, t0);
    const r = await find('client.secret_rotated', (x) => x.target === clientId);
    expectEvent(r, { actor_user_id: dev.id, target: clientId }, t0);
    expect(r.details).toMatchObject({ grace_period_seconds: 60 });
  });

  it('API key created, rotated and revoked (by the owner, and by an admin)', async () => {
    const owner = await keyOwner(app);
    const t0 = Date.now();
    const key = await owner.createKey({ name: 'audited key' });
    secrets.push(key.key);
    const rotated = await call(app, 'POST', `/v1/api-keys/${key.id}/rotate`, { token: owner.token, body: { grace_period_seconds: 0 } });
    expect(rotated.status).toBe(201);
    secrets.push(String(rotated.body.key));
    expect((await call(app, 'DELETE', `/v1/api-keys/${String(rotated.body.id)}`, { token: owner.token })).status).toBe(204);
    const other = await owner.createKey({ name: 'revoked by an admin' });
    secrets.push(other.key);
    expect((await call(app, 'DELETE', `/v1/admin/api-keys/${other.id}`, { token: adminToken })).status).toBe(204);

    const created = await find('api_key.created', (x) => x.target === key.id);
    expectEvent(created, { actor_user_id: owner.user.id, target: key.id }, t0);
    expect(created.details).toMatchObject({ name: 'audited key', scopes: ['data:read', 'data:write'], start: key.start });
    const rot = await find('api_key.rotated', (x) => x.target === key.id);
    expectEvent(rot, { actor_user_id: owner.user.id, target: key.id }, t0);
    expect(rot.details).toMatchObject({ new_key_id: rotated.body.id, grace_period_seconds: 0 });
    const rev = await find('api_key.revoked', (x) => x.target === rotated.body.id);
    expectEvent(rev, { actor_user_id: owner.user.id, target: String(rotated.body.id) }, t0);
    expect(rev.details).toEqual({ by_admin: false });
    const byAdmin = await find('api_key.revoked', (x) => x.target === other.id);
    expect(byAdmin.details).toEqual({ by_admin: true });
    expect(byAdmin.actor_user_id).not.toBe(owner.user.id);
  });

  it('filters by outcome, actor and time; never holds a secret (run last: it reads everything)', async () => {
    const failures = await events('outcome=failure');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((e) => e.outcome === 'failure')).toBe(true);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(await events(`since=${encodeURIComponent(future)}`)).toEqual([]);

    const all: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const res = await fetch(`${app.url}/v1/admin/audit-events?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      const page = (await res.json()) as { data: AuditEvent[]; next_cursor: string | null };
      all.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor);
    const dump = JSON.stringify(all);
    expect([...new Set(all.map((e) => e.type))]).toEqual(
      expect.arrayContaining([
        'auth.sign_in',
        'auth.sign_in_failed',
        'oauth.token_issued',
        'oauth.refresh_reuse_detected',
        'oauth.consent_withdrawn',
        'client.created',
        'client.secret_rotated',
        'api_key.created',
        'api_key.rotated',
        'api_key.revoked',
      ]),
    );
    expect(secrets.length).toBeGreaterThanOrEqual(15);
    for (const s of secrets) expect(dump).not.toContain(s);
  });
});

describe('audit trail: buffered token events', () => {
  it('are written at shutdown, with their address, though no timed flush came yet', async () => {
    const db = await createTestDatabase();
    const app = await startTestApp({ database: db });
    let jtis: string[];
    try {
      const client = await app.createClient();
      const tokens = await Promise.all(
        Array.from({ length: 40 }, () =>
          postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret! }),
        ),
      );
      jtis = tokens.map((t) => String(decodePart(String(t.body.access_token), 1).jti));
    } finally {
      await app.close(); // long before the next timed flush: shutdown writes them
    }
    const pgc = new pg.Client({ connectionString: db.url });
    await pgc.connect();
    try {
      const { rows } = await pgc.query<{ jti: string; ip: string }>(
        `SELECT details->>'jti' AS jti, ip FROM audit_events WHERE type = 'oauth.token_issued' AND details->>'jti' = ANY($1)`,
        [jtis],
      );
      expect(rows.map((r) => r.jti).sort()).toEqual([...jtis].sort());
      expect(rows.every((r) => r.ip === '127.0.0.1')).toBe(true);
    } finally {
      await pgc.end();
      await db.drop();
    }
  });
});

describe('audit trail on embedded PGlite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-embedded-audit-'));
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ database: 'embedded', dataDir, env: { MASTER_KEY: '' } });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes buffered token events and immediate events there too', async () => {
    const admin = await app.createUser({ role: 'admin' });
    const token = await app.tokenActingFor(admin.id, ['admin', 'keys:manage', 'data:read']);
    const { jti } = decodePart(token, 1) as { jti: string };
    const key = await call(app, 'POST', '/v1/api-keys', { token, body: { name: 'embedded', scopes: ['data:read'] } });
    expect(key.status).toBe(201);
    await eventually(async () => {
      const res = await call(app, 'GET', '/v1/admin/audit-events?limit=100', { token });
      const types = (res.body.data as { type: string; details: { jti?: string } }[]).map((e) => (e.details.jti === jti ? 'token' : e.type));
      return types.includes('token') && types.includes('api_key.created');
    }, 5000);
  });
});
