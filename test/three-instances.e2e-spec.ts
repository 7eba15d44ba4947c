import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { SigningKeysService } from '../src/oauth/signing-keys.service.js';
import { UsersService } from '../src/users/users.service.js';
import { Agent, hidden } from './support/agent.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { ensureBuilt, ROOT, runNode } from './support/build.js';
import { codeClient, me, refresh, signedIn, tokensFor, type FlowClient } from './support/code-flow.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { TEST_MASTER_KEY } from './support/env.js';
import { decodePart } from './support/jwt.js';
import { call, keyOwner, sleep } from './support/keys.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** What the issue asks: a change on one instance is seen by the others within this. */
const DEADLINE_MS = 1000;

/**
 * Three instances on one PostgreSQL database and one Redis, as behind a load balancer: a token from
 * any is accepted by all, a revocation or rotation on one is seen by the others within one second
 * (the caches stay: the change bus drops their entries), and rate limits are shared.
 */
describe('three instances on one database and one Redis', () => {
  let db: TestDatabase;
  let apps: TestApp[];
  let a: TestApp;
  let others: TestApp[];
  const timings: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    // Long cache lifetimes would hide nothing here: only the change bus can make the others forget in time.
    // A Redis key prefix of this run's own: counters of other suites on this Redis do not count here.
    const env = { PUBLIC_URL: 'https://gatehouse.example', REDIS_URL, REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:`, API_KEY_CACHE_TTL: '600' };
    apps = await Promise.all([0, 1, 2].map(() => startTestApp({ database: db, env })));
    [a, ...others] = apps;
  }, 60_000);
  afterAll(async () => {
    await Promise.all((apps ?? []).map((x) => x.close()));
    await db?.drop();
    // The figures the issue asks for, printed once.
    // eslint-disable-next-line no-console -- the measured times are part of what this suite reports
    if (timings.length) console.log(`three instances, time until every other instance saw the change:\n  ${timings.join('\n  ')}`);
  });

  /**
   * Polls `check` on every other instance until it holds on all of them; fails past one second.
   * Returns (and records) the time the slowest took.
   */
  async function seenByOthers(label: string, check: (app: TestApp) => Promise<boolean>, targets: TestApp[] = others): Promise<number> {
    const start = Date.now();
    const times = await Promise.all(
      targets.map(async (app) => {
        for (;;) {
          if (await check(app)) return Date.now() - start;
          if (Date.now() - start > DEADLINE_MS) return Infinity;
          await sleep(10);
        }
      }),
    );
    const worst = Math.max(...times);
    timings.push(`${label}: ${Number.isFinite(worst) ? `${worst} ms` : 'NOT within 1 s'}`);
    expect({ label, worst }).toEqual({ label, worst: expect.any(Number) });
    expect(worst).toBeLessThan(DEADLINE_MS);
    return worst;
  }

  const cc = (app: TestApp, clientId: string, secret: string) =>
    postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  const bearer = (app: TestApp, token: string, path = '/v1/users/me') => fetch(`${app.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const status = async (p: Promise<{ status: number }>) => (await p).status;

  describe('tokens', () => {
    it('a client-credentials token from any instance is accepted by all', async () => {
      const c = await a.createClient();
      for (const issuer of apps) {
        const res = await cc(issuer, c.clientId, c.clientSecret!);
        expect(res.status).toBe(200);
        for (const verifier of apps) expect(await status(bearer(verifier, String(res.body.access_token), '/v1/users'))).toBe(200);
      }
    });

    it('a code-flow token from any instance is accepted by all, and its refresh token rotates on any', async () => {
      const client = await codeClient(a);
      const t = await tokensFor(a, client);
      let refreshToken = t.refresh;
      for (const app of apps) {
        const r = await refresh(app, client, refreshToken);
        expect(r.status).toBe(200);
        refreshToken = String(r.body.refresh_token);
        for (const verifier of apps) expect(await status(me(verifier, String(r.body.access_token)))).toBe(200);
      }
    });
  });

  describe('revocations and rotations on one instance are seen by the others within one second', () => {
    let client: FlowClient;
    beforeAll(async () => {
      client = await codeClient(a);
    });

    /** Tokens of a fresh grant, verified (so cached as alive) on every instance first. */
    async function liveGrant() {
      const t = await tokensFor(a, client);
      for (const app of apps) expect(await status(me(app, t.access))).toBe(200);
      return t;
    }

    it('a refresh token revoked on one (RFC 7009): its access tokens are refused by the others', async () => {
      const t = await liveGrant();
      const res = await postForm(`${a.url}/oauth2/revoke`, { token: t.refresh, client_id: client.clientId, client_secret: client.clientSecret! });
      expect(res.status).toBe(200);
      await seenByOthers('refresh token revoked -> access token refused', async (app) => (await me(app, t.access)).status === 401);
      for (const app of others) expect((await refresh(app, client, t.refresh)).body.error).toBe('invalid_grant');
    });

    it('a rotated refresh token replayed on one revokes the family on every instance', async () => {
      const t = await liveGrant();
      const r1 = await refresh(a, client, t.refresh);
      const successorAccess = String(r1.body.access_token);
      for (const app of apps) expect(await status(me(app, successorAccess))).toBe(200);
      expect((await refresh(a, client, t.refresh)).body.error).toBe('invalid_grant'); // the replay
      await seenByOthers('refresh token replayed -> family refused', async (app) => (await me(app, successorAccess)).status === 401);
    });

    it('an access token revoked on one is refused by the others', async () => {
      const t = await liveGrant();
      const res = await postForm(`${a.url}/oauth2/revoke`, { token: t.access, client_id: client.clientId, client_secret: client.clientSecret! });
      expect(res.status).toBe(200);
      await seenByOthers('access token revoked (jti) -> refused', async (app) => (await me(app, t.access)).status === 401);
      // The grant itself lives on: its refresh token still works.
      expect((await refresh(others[0], client, t.refresh)).status).toBe(200);
    });

    it("consent withdrawn on one (portal): the grant's access tokens are refused by the others", async () => {
      const t = await liveGrant();
      const page = await t.agent.get('/portal');
      const res = await t.agent.post(`/portal/connected-apps/${encodeURIComponent(client.clientId)}/revoke`, { csrf: hidden(page.text, 'csrf') });
      expect(res.status).toBe(303);
      await seenByOthers('consent withdrawn -> access token refused', async (app) => (await me(app, t.access)).status === 401);
    });

    it('a user disabled on one: their tokens are refused by the others', async () => {
      const t = await liveGrant();
      const id = String(decodePart(t.access, 1).sub);
      await a.get(UsersService).setStatusAndRole(id, { status: 'disabled' });
      await seenByOthers('user disabled -> access token refused', async (app) => (await me(app, t.access)).status === 401);
    });

    it("a user disabled on one: that user's client tokens, keys and sessions stop on the others (issue 12)", async () => {
      const { agent, user } = await signedIn(a);
      const own = await a.createClient({ ownerId: user.id, scopes: ['users:read', 'keys:manage', 'data:read'] });
      const token = String((await cc(a, own.clientId, own.clientSecret!)).body.access_token);
      const { key } = (await call(a, 'POST', '/v1/api-keys', { token, body: { name: 'k', scopes: ['data:read'] } })).body as { key: string };
      // The session cookie, sent to each instance.
      const session = (app: TestApp) => fetch(`${app.url}/v1/api-keys`, { headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const app of apps) {
        expect([(await cc(app, own.clientId, own.clientSecret!)).status, await status(bearer(app, token, '/v1/users'))]).toEqual([200, 200]);
        expect([(await call(app, 'GET', '/v1/data', { key })).status, (await session(app)).status]).toEqual([200, 200]);
      }
      await a.get(UsersService).setStatusAndRole(user.id, { status: 'disabled' });
      await seenByOthers('user disabled -> client token, new tokens, key, session refused', async (app) => {
        const answers = [(await cc(app, own.clientId, own.clientSecret!)).status, await status(bearer(app, token, '/v1/users'))];
        answers.push((await call(app, 'GET', '/v1/data', { key })).status, (await session(app)).status);
        return answers.every((s) => s === 401);
      });
    });

    it('consent withdrawn on one: the key the app made through it is refused by the others (issue 12)', async () => {
      const client = await codeClient(a, { scopes: ['keys:manage', 'data:read'] });
      const t = await tokensFor(a, client, undefined, { scope: 'keys:manage data:read' });
      const made = await call(a, 'POST', '/v1/api-keys', { token: t.access, body: { name: 'by app', scopes: ['data:read'] } });
      const key = String(made.body.key);
      for (const app of apps) expect((await call(app, 'GET', '/v1/data', { key })).status).toBe(200);
      const csrf = hidden((await t.agent.get('/portal')).text, 'csrf');
      expect((await t.agent.post(`/portal/connected-apps/${client.clientId}/revoke`, { csrf })).status).toBe(303);
      await seenByOthers('consent withdrawn -> key made through it refused', async (app) => (await call(app, 'GET', '/v1/data', { key })).status === 401);
    });

    it('an API key revoked on one is refused by the others', async () => {
      const owner = await keyOwner(a);
      const { id, key } = await owner.createKey();
      for (const app of apps) expect((await call(app, 'GET', '/v1/data', { key })).status).toBe(200);
      expect((await call(a, 'DELETE', `/v1/api-keys/${id}`, { token: owner.token })).status).toBe(204);
      await seenByOthers('API key revoked -> refused', async (app) => (await call(app, 'GET', '/v1/data', { key })).status === 401);
    });

    it('an API key rotated (no grace) on one: the old key is refused by the others, the new one accepted', async () => {
      const owner = await keyOwner(a);
      const { id, key } = await owner.createKey();
      for (const app of apps) expect((await call(app, 'GET', '/v1/data', { key })).status).toBe(200);
      const rot = await call(a, 'POST', `/v1/api-keys/${id}/rotate`, { token: owner.token, body: { grace_period_seconds: 0 } });
      expect(rot.status).toBe(201);
      await seenByOthers('API key rotated -> old key refused', async (app) => (await call(app, 'GET', '/v1/data', { key })).status === 401);
      for (const app of others) expect((await call(app, 'GET', '/v1/data', { key: String(rot.body.key) })).status).toBe(200);
    });

    /** A confidential client owned by a user, with a token to manage it; its secret authenticated on every instance. */
    async function managedClient() {
      const user = await a.createUser();
      const manager = await a.tokenActingFor(user.id, ['clients:manage', 'data:read', 'users:read']); // it holds what it registers (issue 12)
      const created = await call(a, 'POST', '/v1/clients', { token: manager, body: { name: 'managed', scopes: ['data:read', 'users:read'] } });
      expect(created.status).toBe(201);
      const clientId = String(created.body.client_id);
      const secret = String(created.body.client_secret);
      for (const app of apps) expect((await cc(app, clientId, secret)).status).toBe(200);
      return { manager, clientId, secret };
    }

    it('a client secret rotated (no grace) on one: the old secret is refused by the others, the new one accepted', async () => {
      const m = await managedClient();
      const rot = await call(a, 'POST', `/v1/clients/${m.clientId}/secret/rotate`, { token: m.manager, body: { grace_period_seconds: 0 } });
      expect(rot.status).toBe(201);
      await seenByOthers('client secret rotated -> old secret refused', async (app) => (await cc(app, m.clientId, m.secret)).status === 401);
      for (const app of others) expect((await cc(app, m.clientId, String(rot.body.client_secret))).status).toBe(200);
    });

    it('a client deleted on one gets no more tokens from the others', async () => {
      const m = await managedClient();
      expect((await call(a, 'DELETE', `/v1/clients/${m.clientId}`, { token: m.manager })).status).toBe(204);
      await seenByOthers('client deleted -> token refused', async (app) => (await cc(app, m.clientId, m.secret)).status === 401);
    });

    it('a client whose scopes are narrowed on one is refused the removed scope by the others', async () => {
      const m = await managedClient();
      const ask = (app: TestApp) =>
        postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: m.clientId, client_secret: m.secret, scope: 'users:read' });
      for (const app of apps) expect((await ask(app)).status).toBe(200);
      expect((await call(a, 'PATCH', `/v1/clients/${m.clientId}`, { token: m.manager, body: { scopes: ['data:read'] } })).status).toBe(200);
      await seenByOthers('client scopes narrowed -> scope refused', async (app) => (await ask(app)).body.error === 'invalid_scope');
    });

    const kidsOf = async (app: TestApp): Promise<string[]> => {
      const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      return jwks.keys.map((k) => k.kid);
    };
    const signingKid = async (app: TestApp, c: { clientId: string; clientSecret?: string }): Promise<string> =>
      String(decodePart(String((await cc(app, c.clientId, c.clientSecret!)).body.access_token), 0).kid);

    it('a signing key rotated on one (SigningKeysService) is published and used by the others', async () => {
      const c = await a.createClient();
      const before = await signingKid(others[0], c);
      const kid = await a.get(SigningKeysService).rotate(0);
      expect(kid).not.toBe(before);
      await seenByOthers(
        'signing key rotated (service) -> in JWKS and signing',
        async (app) => (await kidsOf(app)).includes(kid) && (await signingKid(app, c)) === kid,
      );
      // Tokens signed with the old key stay valid everywhere.
      const old = await cc(a, c.clientId, c.clientSecret!);
      for (const app of apps) expect(await status(bearer(app, String(old.body.access_token), '/v1/users'))).toBe(200);
    });

    it('a signing key rotated by the command line (signing-keys:rotate) is published and used by every instance', async () => {
      await ensureBuilt();
      const c = await a.createClient();
      const run = await runNode([resolve(ROOT, 'dist/src/cli/main.js'), 'signing-keys:rotate', '--json'], {
        cwd: tmpdir(),
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          MASTER_KEY: TEST_MASTER_KEY,
          DATABASE_URL: db.url,
          SIGNING_KEY_ACTIVATION_DELAY: '0',
        },
      });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
      const kid = String((JSON.parse(run.stdout) as { kid: string }).kid);
      // Every instance is "another" here: the command line made the change.
      await seenByOthers(
        'signing key rotated (CLI) -> in JWKS and signing',
        async (app) => (await kidsOf(app)).includes(kid) && (await signingKid(app, c)) === kid,
        apps,
      );
    }, 60_000);
  });
});

/**
 * Counters in one Redis: a limit reached through any mix of instances holds on all of them. Small
 * limits, and a key prefix of this run's own so other suites (and earlier runs) on this Redis do not count.
 */
describe('rate limits shared by three instances through one Redis [F49] [F50]', () => {
  let db: TestDatabase;
  let apps: TestApp[];
  const TOKEN_PER_MINUTE = 9;
  const PAIR = 3;
  const ADDRESS = 12;
  const SIGN_UPS = 4;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      PUBLIC_URL: 'https://gatehouse.example',
      REDIS_URL,
      REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:`,
      RATE_LIMIT_TOKEN_PER_MINUTE: String(TOKEN_PER_MINUTE),
      RATE_LIMIT_CLIENT_AUTH_FAILURES: '4',
      RATE_LIMIT_SIGN_IN_ACCOUNT_ADDRESS_FAILURES: String(PAIR),
      RATE_LIMIT_SIGN_IN_ADDRESS_FAILURES: String(ADDRESS),
      RATE_LIMIT_SIGN_UPS_PER_ADDRESS: String(SIGN_UPS),
      // No TRUSTED_PROXIES: X-Forwarded-For from this peer means nothing.
    };
    apps = await Promise.all([0, 1, 2].map(() => startTestApp({ database: db, env })));
  }, 60_000);
  afterAll(async () => {
    await Promise.all((apps ?? []).map((x) => x.close()));
    await db?.drop();
  });

  /** A sign-in form post on instance `i % 3`, with a made-up X-Forwarded-For each time. */
  async function signIn(i: number, email: string, password: string) {
    const agent = new Agent(apps[i % 3].url);
    const page = await agent.get('/portal/signin');
    return agent.post('/portal/signin', { csrf: hidden(page.text, 'csrf'), email, password }, { 'x-forwarded-for': `203.0.113.${(i * 37) % 250}` });
  }

  it('the token endpoint: per address, counted by every instance (429 with Retry-After and RateLimit headers on all)', async () => {
    const c = await apps[0].createClient();
    const ask = (i: number) =>
      postForm(`${apps[i % 3].url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret! });
    for (let i = 0; i < TOKEN_PER_MINUTE; i++) expect((await ask(i)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await ask(i);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(res.headers.get('ratelimit-policy')).toBe(`"token";q=${TOKEN_PER_MINUTE};w=60`);
      expect(res.headers.get('ratelimit')).toMatch(/^"token";r=0;t=\d+$/);
    }
  });

  it('sign-in: failures on any instance refuse the address for the account on all, whether or not it exists; the page is the same', async () => {
    const user = await apps[0].createUser();
    const pages: string[] = [];
    for (const email of [user.email, `ghost-${randomBytes(4).toString('hex')}@example.com`]) {
      for (let i = 0; i < PAIR; i++) expect((await signIn(i, email, 'wrong password!!')).status).toBe(401);
      for (let i = 0; i < 3; i++) {
        // Even the right password, on any instance, from this address (X-Forwarded-For is not believed here).
        const res = await signIn(i, email, email === user.email ? user.password : 'wrong password!!');
        expect(res.status).toBe(429);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        pages.push(res.text.replaceAll(email, 'EMAIL').replace(/value="[^"]{20,}"/g, 'value="CSRF"'));
      }
    }
    expect(new Set(pages).size).toBe(1);
  });

  it('sign-in: a success on one instance clears the address for the account on all', async () => {
    const user = await apps[0].createUser();
    for (let i = 0; i < PAIR - 1; i++) expect((await signIn(i, user.email, 'wrong password!!')).status).toBe(401);
    expect((await signIn(2, user.email, user.password)).status).toBe(303);
    // The count starts again: as many failures as before are allowed, and then the right password still works.
    for (let i = 0; i < PAIR - 1; i++) expect((await signIn(i + 1, user.email, 'wrong password!!')).status).toBe(401);
    expect((await signIn(0, user.email, user.password)).status).toBe(303);
  });

  it('sign-up: attempts per address counted by every instance', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_UPS + 2; i++) {
      const agent = new Agent(apps[i % 3].url);
      const csrf = hidden((await agent.get('/portal/signup')).text, 'csrf');
      statuses.push(
        (await agent.post('/portal/signup', { csrf, email: `bulk${i}@example.com`, password: 'x' }, { 'x-forwarded-for': `198.51.100.${i}` })).status,
      );
    }
    expect(statuses).toEqual([...Array<number>(SIGN_UPS).fill(400), 429, 429]);
  });

  it('sign-in: failures across accounts lock the address on every instance; a rotating X-Forwarded-For from an untrusted peer does not reset it (run last)', async () => {
    let i = 0;
    let status = 0;
    // Earlier tests already failed some attempts from this address: spray until refused.
    for (; i < ADDRESS + 1 && status !== 429; i++) status = (await signIn(i, `spray${i}@example.com`, 'Winter2026!')).status;
    expect(status).toBe(429);
    const user = await apps[0].createUser();
    for (let k = 0; k < 3; k++) expect((await signIn(i + k, user.email, user.password)).status).toBe(429);
  });
});
