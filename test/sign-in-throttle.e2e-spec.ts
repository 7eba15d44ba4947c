import { SLOWDOWN_BASE_MS } from '../src/portal/sign-in-throttle.js';
import { eventually, postForm, startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden, type AgentResponse } from './support/agent.js';
import { signedIn } from './support/code-flow.js';

const PAIR = 5;
const ADDRESS = 8;
const ACCOUNT = 3;

/**
 * Issue 12.6: no lock-out by strangers. Behind a trusted proxy (X-Forwarded-For names the client), an
 * attacker's address is refused on its own; the owner's right password from another address always
 * gets in, at worst slowed down. Admins unlock through the API, the console and the command line
 * (cli.e2e-spec.ts). Issue 13.7: the audit trail never keeps a typed identifier that names no account.
 */
describe('sign-in throttling per account and address, per address, and a per-account slow-down [F50]', () => {
  let app: TestApp;
  let adminToken: string;
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        TRUSTED_PROXIES: '127.0.0.1',
        RATE_LIMIT_SIGN_IN_ACCOUNT_ADDRESS_FAILURES: String(PAIR),
        RATE_LIMIT_SIGN_IN_ADDRESS_FAILURES: String(ADDRESS),
        RATE_LIMIT_SIGN_IN_ACCOUNT_FAILURES: String(ACCOUNT),
      },
    });
    const admin = await app.createUser({ role: 'admin' });
    adminToken = await app.tokenActingFor(admin.id, ['admin']);
  });
  afterAll(() => app.close());

  async function signIn(from: string, email: string, password: string): Promise<AgentResponse> {
    const agent = new Agent(app.url);
    const csrf = hidden((await agent.get('/portal/signin', { 'x-forwarded-for': from })).text, 'csrf');
    return agent.post('/portal/signin', { csrf, email, password }, { 'x-forwarded-for': from });
  }

  const events = (type: string, target: string) =>
    sql<{ details: Record<string, unknown>; ip: string }>(`SELECT details, ip FROM audit_events WHERE type = $1 AND target = $2 ORDER BY created_at`, [
      type,
      target,
    ]);

  it("an attacker's address failing on an account is refused for it, even with the right password; the owner from another address gets in", async () => {
    const user = await app.createUser();
    for (let i = 0; i < PAIR; i++) expect((await signIn('198.51.100.7', user.email, 'wrong password!!')).status).toBe(401);
    for (const password of ['wrong password!!', user.password]) {
      const refused = await signIn('198.51.100.7', user.email, password);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.text).toContain('Too many failed sign-ins');
    }
    expect((await signIn('203.0.113.20', user.email, user.password)).status).toBe(303);
    // The audit trail names the account by id and says which limit refused.
    await eventually(async () => (await events('auth.sign_in', user.id)).length === 1);
    const failed = await events('auth.sign_in_failed', user.id);
    expect(failed.filter((e) => e.details.reason === 'throttled').map((e) => [e.ip, e.details.limit])).toEqual([
      ['198.51.100.7', 'account_address'],
      ['198.51.100.7', 'account_address'],
    ]);
  });

  it('an address failing across accounts is refused for every account; other addresses are not', async () => {
    const user = await app.createUser();
    let status = 0;
    for (let i = 0; i < ADDRESS + 1 && status !== 429; i++) status = (await signIn('198.51.100.66', `spray${i}@example.com`, 'Winter2026!')).status;
    expect(status).toBe(429);
    expect((await signIn('198.51.100.66', user.email, user.password)).status).toBe(429);
    expect((await signIn('203.0.113.21', user.email, user.password)).status).toBe(303);
  });

  it('an account failing from many addresses slows every attempt on it down, never refusing the owner', async () => {
    const user = await app.createUser();
    // A botnet: each address stays under its own limits. Five failures, then the owner: the sixth attempt, 2^(6-3-1) x base.
    for (let i = 0; i < ACCOUNT + 2; i++) expect((await signIn(`192.0.2.${i + 1}`, user.email, 'wrong password!!')).status).toBe(401);
    const started = Date.now();
    expect((await signIn('203.0.113.22', user.email, user.password)).status).toBe(303);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * SLOWDOWN_BASE_MS);
    await eventually(async () => (await events('auth.sign_in', user.id)).length === 1);
    expect((await events('auth.sign_in', user.id))[0].details).toEqual({ slowed_ms: 4 * SLOWDOWN_BASE_MS });
  });

  it('an admin unlocks an account through the API (audited); a developer cannot; an unknown id is 404', async () => {
    const user = await app.createUser();
    for (let i = 0; i < PAIR; i++) await signIn('198.51.100.8', user.email, 'wrong password!!');
    expect((await signIn('198.51.100.8', user.email, user.password)).status).toBe(429);
    const unlock = (token: string, id: string) =>
      fetch(`${app.url}/v1/admin/users/${id}/unlock`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

    const dev = await app.createUser();
    expect((await unlock(await app.tokenActingFor(dev.id, ['admin']), user.id)).status).toBe(403);
    expect((await signIn('198.51.100.8', user.email, user.password)).status).toBe(429);
    const missing = await unlock(adminToken, '00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await unlock(adminToken, 'not-a-uuid')).status).toBe(404);

    expect((await unlock(adminToken, user.id)).status).toBe(204);
    expect((await signIn('198.51.100.8', user.email, user.password)).status).toBe(303);
    await eventually(async () => (await events('admin.user_unlocked', user.id)).length === 1);
  });

  it('an admin unlocks an account from the console (form with CSRF; without it, 403 and nothing changes)', async () => {
    const user = await app.createUser();
    for (let i = 0; i < PAIR; i++) await signIn('198.51.100.9', user.email, 'wrong password!!');
    const admin = await signedIn(app, 'admin');
    const page = await admin.agent.get('/portal/admin/users');
    expect(page.text).toContain('Unlock sign-in');
    const csrf = hidden(page.text, 'csrf');
    expect((await admin.agent.post(`/portal/admin/users/${user.id}`, { csrf: 'forged', action: 'unlock', back: '' })).status).toBe(403);
    expect((await signIn('198.51.100.9', user.email, user.password)).status).toBe(429);
    const done = await admin.agent.post(`/portal/admin/users/${user.id}`, { csrf, action: 'unlock', back: '' });
    expect(done.status).toBe(303);
    expect((await signIn('198.51.100.9', user.email, user.password)).status).toBe(303);
    await eventually(async () => (await events('admin.user_unlocked', user.id)).length === 1);
  });

  it('13.7: a failed sign-in keeps an unknown identifier (maybe a password) only as a keyed digest, a known one as the account id', async () => {
    const typed = 'MyS3cret-Passw0rd!';
    expect((await signIn('203.0.113.30', typed, 'x')).status).toBe(401);
    const unknown = 'nobody-here@example.com';
    expect((await signIn('203.0.113.30', unknown, 'wrong password!!')).status).toBe(401);
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE type = 'auth.sign_in_failed' AND ip = '203.0.113.30'`)).length === 2);
    const rows = await sql<{ target: string; details: unknown; actor_user_id: string | null }>(
      `SELECT target, details, actor_user_id FROM audit_events WHERE type = 'auth.sign_in_failed' AND ip = '203.0.113.30' ORDER BY created_at`,
    );
    expect(rows.map((r) => r.target)).toEqual([expect.stringMatching(/^hmac:[\w-]{22}$/), expect.stringMatching(/^hmac:[\w-]{22}$/)]);
    const dump = JSON.stringify(await sql(`SELECT * FROM audit_events`));
    expect(dump).not.toContain(typed.toLowerCase());
    expect(dump).not.toContain(typed);
    expect(dump).not.toContain(unknown);
    // The same identifier gives the same digest: attempts on one can still be followed.
    expect((await signIn('203.0.113.31', unknown, 'wrong password!!')).status).toBe(401);
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE target = $1`, [rows[1].target])).length === 2);
  });
});

describe('client-secret failures lock only the failing address [F49]', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUSTED_PROXIES: '127.0.0.1', RATE_LIMIT_CLIENT_AUTH_FAILURES: '3', RATE_LIMIT_ADDRESS_AUTH_FAILURES: '6' } });
  });
  afterAll(() => app.close());

  const token = (from: string, clientId: string, secret: string) =>
    postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret }, { 'x-forwarded-for': from });

  it('bad secrets from one address refuse that address for the client; the real client from its own address is not locked', async () => {
    const c = await app.createClient();
    for (let i = 0; i < 3; i++) expect((await token('198.51.100.40', c.clientId, 'wrong')).status).toBe(401);
    expect((await token('198.51.100.40', c.clientId, c.clientSecret!)).status).toBe(429);
    expect((await token('203.0.113.40', c.clientId, c.clientSecret!)).status).toBe(200);
  });

  it('bad secrets across clients from one address refuse the address for all of them, and no other address', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => app.createClient()));
    for (let i = 0; i < 6; i++) expect((await token('198.51.100.41', clients[i % 3].clientId, 'wrong')).status).toBe(401);
    const refused = await token('198.51.100.41', clients[0].clientId, clients[0].clientSecret!);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    for (const c of clients) expect((await token('203.0.113.41', c.clientId, c.clientSecret!)).status).toBe(200);
  });
});
