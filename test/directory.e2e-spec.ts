import { ClientsService } from '../src/clients/clients.service.js';
import { eventually, postForm, startTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { Agent, hidden } from './support/agent.js';
import { codeClient, signedIn, tokensFor } from './support/code-flow.js';

interface UserPage {
  data: { id: string; email: string }[];
  next_cursor: string | null;
}

/**
 * Issue 12.5: a private directory. GET /v1/users and /v1/users/{id} show a caller only what it may
 * see: everyone for admins and for clients an admin allowed the whole directory (or owned by an
 * admin, or made by an operator with no owner: the guide's demo client), otherwise its own record.
 */
describe('the user directory (GET /v1/users) is private', () => {
  let app: TestApp;
  let admin: { id: string; token: string };
  let dev: { id: string; email: string; password: string };
  let other: { id: string };
  let devToken: string;

  const get = async (token: string, path: string) => {
    const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as UserPage & Record<string, unknown> };
  };
  const call = async (token: string, method: string, path: string, body: unknown) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  /** A client of `ownerId` with users:read, its client-credentials token, and its client_id. */
  const ownClient = async (ownerId: string) => {
    const c = await app.createClient({ ownerId, scopes: ['users:read'] });
    const res = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret! });
    return { clientId: c.clientId, token: String(res.body.access_token) };
  };
  /** Every page of GET /v1/users, `limit` a page. */
  const walk = async (token: string, limit: number) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(token, `/v1/users?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      ids.push(...page.body.data.map((u) => u.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    return ids;
  };

  beforeAll(async () => {
    app = await startTestApp();
    const a = await app.createUser({ role: 'admin' });
    admin = { id: a.id, token: await app.tokenActingFor(a.id, ['users:read', 'admin']) };
    dev = await app.createUser();
    other = await app.createUser();
    devToken = (await ownClient(dev.id)).token;
  });
  afterAll(() => app.close());

  const everyone = async () =>
    (await app.running.db.dataSource.query<{ id: string }[]>('SELECT id FROM users ORDER BY created_at DESC, id DESC')).map((r) => r.id);

  it("a developer's own client with users:read sees only its owner, on every page, and no one else by id (404)", async () => {
    const list = await get(devToken, '/v1/users');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [expect.objectContaining({ id: dev.id, email: dev.email })], next_cursor: null });
    expect(await walk(devToken, 1)).toEqual([dev.id]);
    expect((await get(devToken, `/v1/users/${dev.id}`)).body.id).toBe(dev.id);
    for (const id of [other.id, admin.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await get(devToken, `/v1/users/${id}`);
      expect(res.status).toBe(404);
      expect(res.type).toContain('application/problem+json');
    }
    // A cursor from another caller's page shows nothing new.
    const adminPage = await get(admin.token, '/v1/users?limit=1');
    expect((await get(devToken, `/v1/users?cursor=${adminPage.body.next_cursor}`)).body.data.every((u) => u.id === dev.id)).toBe(true);
  });

  it('an admin sees everyone, page after page, in order, each exactly once', async () => {
    const all = await everyone();
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(await walk(admin.token, 2)).toEqual(all);
    expect((await get(admin.token, `/v1/users/${other.id}`)).status).toBe(200);
  });

  it('a code-flow token acts for its user: a developer sees only their own record, an admin everyone', async () => {
    const client = await codeClient(app);
    const devFlow = await tokensFor(app, client, (await signIn(dev)).agent);
    expect((await get(devFlow.access, '/v1/users')).body.data.map((u) => u.id)).toEqual([dev.id]);
    expect((await get(devFlow.access, `/v1/users/${other.id}`)).status).toBe(404);
    const adminFlow = await tokensFor(app, client, (await signedIn(app, 'admin')).agent);
    expect(await walk(adminFlow.access, 100)).toEqual(await everyone());
  });

  async function signIn(u: { email: string; password: string }) {
    const agent = new Agent(app.url);
    expect((await agent.signIn(u.email, u.password)).status).toBe(303);
    return { agent };
  }

  it('the guide: the demo client (owned by the admin) lists every user with client credentials', async () => {
    const rows = await app.running.db.dataSource.query<{ client_id: string }[]>(
      `SELECT c.client_id FROM clients c JOIN users u ON u.id = c.owner_id WHERE u.email = 'admin@gatehouse.local'`,
    );
    expect(rows).toHaveLength(1);
    const clients = app.get(ClientsService);
    const { clientSecret } = await clients.rotateSecret((await clients.findByClientId(rows[0].client_id))!, 0);
    const token = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: rows[0].client_id, client_secret: clientSecret });
    expect(await walk(String(token.body.access_token), 100)).toEqual(await everyone());
  });

  it('an admin allows a client the whole directory (API), which it then sees at once; and takes it back', async () => {
    const c = await ownClient(dev.id);
    expect((await get(c.token, '/v1/users')).body.data).toHaveLength(1);
    const on = await call(admin.token, 'PATCH', `/v1/admin/clients/${c.clientId}`, { directory_access: true });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ client_id: c.clientId, directory_access: true, status: 'active' });
    expect(await walk(c.token, 3)).toEqual(await everyone());
    expect((await get(c.token, `/v1/users/${other.id}`)).status).toBe(200);
    const off = await call(admin.token, 'PATCH', `/v1/admin/clients/${c.clientId}`, { directory_access: false });
    expect(off.body.directory_access).toBe(false);
    expect((await get(c.token, '/v1/users')).body.data.map((u) => u.id)).toEqual([dev.id]);
    expect((await call(admin.token, 'PATCH', `/v1/admin/clients/${c.clientId}`, {})).status).toBe(400);
    expect((await call(admin.token, 'PATCH', `/v1/admin/clients/${c.clientId}`, { directory_access: 'yes' })).status).toBe(400);
  });

  it('a developer cannot give their own client the directory: not on /v1/clients (400, as other admin fields), not on the admin API (403)', async () => {
    const manage = await app.tokenActingFor(dev.id, ['clients:manage', 'users:read', 'admin']);
    const created = await call(manage, 'POST', '/v1/clients', { name: 'greedy', scopes: ['users:read'], directory_access: true });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body)).toContain('directory_access');
    const ok = await call(manage, 'POST', '/v1/clients', { name: 'modest', scopes: ['users:read'] });
    expect(ok.status).toBe(201);
    expect(ok.body.directory_access).toBe(false);
    const id = String(ok.body.client_id);
    expect((await call(manage, 'PATCH', `/v1/clients/${id}`, { directory_access: true })).status).toBe(400);
    expect((await call(manage, 'PATCH', `/v1/admin/clients/${id}`, { directory_access: true })).status).toBe(403);
    const secret = String(ok.body.client_secret);
    const token = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: id, client_secret: secret });
    expect((await get(String(token.body.access_token), '/v1/users')).body.data.map((u) => u.id)).toEqual([dev.id]);
  });

  it('an admin allows it from the console (form with CSRF; a forged form changes nothing)', async () => {
    const c = await ownClient(dev.id);
    const console = await signedIn(app, 'admin');
    const page = await console.agent.get('/portal/admin/clients');
    expect(page.text).toContain('Allow directory');
    const csrf = hidden(page.text, 'csrf');
    const path = `/portal/admin/clients/${encodeURIComponent(c.clientId)}/directory`;
    expect((await console.agent.post(path, { csrf: 'forged', access: 'whole' })).status).toBe(403);
    expect((await get(c.token, '/v1/users')).body.data).toHaveLength(1);
    expect((await console.agent.post(path, { csrf, access: 'everything' })).status).toBe(400);
    expect((await console.agent.post(path, { csrf, access: 'whole' })).status).toBe(303);
    expect(await walk(c.token, 100)).toEqual(await everyone());
    expect((await console.agent.get('/portal/admin/clients')).text).toContain('whole (allowed)');
  });

  it("a client whose owner is made admin sees everyone; made developer again, only the owner's record", async () => {
    const u = await app.createUser();
    const c = await ownClient(u.id);
    expect((await get(c.token, '/v1/users')).body.data).toHaveLength(1);
    expect((await call(admin.token, 'PATCH', `/v1/admin/users/${u.id}`, { role: 'admin' })).status).toBe(200);
    expect((await get(c.token, '/v1/users?limit=100')).body.data.length).toBeGreaterThan(1);
    expect((await call(admin.token, 'PATCH', `/v1/admin/users/${u.id}`, { role: 'developer' })).status).toBe(200);
    expect((await get(c.token, '/v1/users?limit=100')).body.data.map((x) => x.id)).toEqual([u.id]);
  });
});

describe('the directory answer on two instances sharing a database', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startTestApp({ database: db });
    b = await startTestApp({ database: db });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('an admin allowing a client the directory on one instance reaches the other within a second (its cached answer is dropped)', async () => {
    const dev = await a.createUser();
    const adminUser = await a.createUser({ role: 'admin' });
    const adminToken = await a.tokenActingFor(adminUser.id, ['admin']);
    const c = await a.createClient({ ownerId: dev.id, scopes: ['users:read'] });
    const token = String(
      (await postForm(`${b.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret! })).body.access_token,
    );
    const seen = async () =>
      ((await (await fetch(`${b.url}/v1/users?limit=100`, { headers: { authorization: `Bearer ${token}` } })).json()) as UserPage).data.length;
    expect(await seen()).toBe(1);
    const res = await fetch(`${a.url}/v1/admin/clients/${c.clientId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ directory_access: true }),
    });
    expect(res.status).toBe(200);
    await eventually(async () => (await seen()) > 1, 1000);
  });
});
