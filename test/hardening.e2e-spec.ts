import { execFileSync } from 'node:child_process';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { codeClient, tokensFor } from './support/code-flow.js';
import { call, keyOwner } from './support/keys.js';

/** RFC 6749 5.2: error_description is %x20-21 / %x23-5B / %x5D-7E. */
const DESCRIPTION = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Checklist lines not covered elsewhere by a test of their own. */
describe('security checklist: errors, foreign records, page sizes, secrets at rest', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('[A2] every token-endpoint error but invalid_client is 400 {error, error_description} in the RFC 6749 character set', async () => {
    const c = await app.createClient();
    const pub = await app.createClient({ type: 'public', grantTypes: ['authorization_code'], redirectUris: ['https://app.example/cb'] });
    const good = { client_id: c.clientId, client_secret: c.clientSecret! };
    const cases: [string, Record<string, string> | string, string][] = [
      ['no grant_type', good, 'invalid_request'],
      [
        'repeated grant_type',
        `grant_type=client_credentials&grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret!}`,
        'invalid_request',
      ],
      ['password grant', { grant_type: 'password', username: 'a', password: 'b', ...good }, 'unsupported_grant_type'],
      ['unknown grant with quotes and backslashes', { grant_type: 'x"\\\u00e9\u0001', ...good }, 'unsupported_grant_type'],
      ['scope not allowed', { grant_type: 'client_credentials', scope: 'admin', ...good }, 'invalid_scope'],
      ['bad code', { grant_type: 'authorization_code', code: 'nope', redirect_uri: 'https://app.example/cb', ...good }, 'unauthorized_client'],
      ['bad refresh token', { grant_type: 'refresh_token', refresh_token: 'nope', client_id: pub.clientId }, 'unauthorized_client'],
    ];
    for (const [name, body, error] of cases) {
      const res = await postForm(`${app.url}/oauth2/token`, body);
      expect({ name, status: res.status, error: res.body.error }).toEqual({ name, status: 400, error });
      expect(String(res.body.error_description)).toMatch(DESCRIPTION);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    // The one exception: a client that fails to authenticate is 401 invalid_client.
    const wrong = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: 'wrong' });
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
  });

  it("[C42] A's token or key on B's record is 404, for reading and deleting, and B's record stays", async () => {
    const a = await keyOwner(app);
    const b = await keyOwner(app);
    const record = await call(app, 'POST', '/v1/data', { token: b.token, body: { data: { secret: 'of b' } } });
    expect(record.status).toBe(201);
    const id = String(record.body.id);
    const { key } = await a.createKey();
    for (const auth of [{ token: a.token }, { key }]) {
      for (const method of ['GET', 'DELETE']) {
        const res = await call(app, method, `/v1/data/${id}`, auth);
        expect(res.status).toBe(404);
        expect(JSON.stringify(res.body)).not.toContain('of b');
      }
      const list = await call(app, 'GET', '/v1/data?limit=100', auth);
      expect(JSON.stringify(list.body)).not.toContain(id);
    }
    expect((await call(app, 'GET', `/v1/data/${id}`, { token: b.token })).status).toBe(200);
  });

  it('[F50] page sizes are capped: limit=1e6 (or 101, or negative) is refused with 400 naming limit, never served; 100 at most', async () => {
    const admin = await keyOwner(app, 'admin');
    const token = await app.tokenActingFor(admin.user.id, ['users:read', 'clients:manage', 'keys:manage', 'data:read', 'admin']);
    for (let i = 0; i < 3; i++) await call(app, 'POST', '/v1/data', { token: admin.token, body: { data: { i } } });
    for (const path of ['/v1/data', '/v1/users', '/v1/clients', '/v1/api-keys', '/v1/admin/users', '/v1/admin/clients', '/v1/admin/audit-events']) {
      for (const limit of ['1000000', '1e6', '101', '-1', '0', '99999999999999999999']) {
        const res = await call(app, 'GET', `${path}?limit=${limit}`, { token: path === '/v1/data' ? admin.token : token });
        expect({ path, limit, status: res.status }).toEqual({ path, limit, status: 400 });
        expect(JSON.stringify(res.body)).toContain('limit');
      }
      const max = await call(app, 'GET', `${path}?limit=100`, { token: path === '/v1/data' ? admin.token : token });
      expect({ path, status: max.status }).toEqual({ path, status: 200 });
      expect((max.body.data as unknown[]).length).toBeLessThanOrEqual(100);
    }
  });

  it('[F50] a 2 MB body is refused with 413 on the token endpoint, the API and the portal', async () => {
    const big = 'a'.repeat(2 * 1024 * 1024);
    const token = await fetch(`${app.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&x=${big}`,
    });
    expect(token.status).toBe(413);
    expect(((await token.json()) as { error: string }).error).toBe('invalid_request');
    const owner = await keyOwner(app);
    const api = await call(app, 'POST', '/v1/data', { token: owner.token, body: { data: { big } } });
    expect(api.status).toBe(413);
    const portal = await fetch(`${app.url}/portal/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `x=${big}`,
    });
    expect(portal.status).toBe(413);
  });

  it('[E47] passwords are argon2id; secrets, keys and tokens are random (>= 128 bits) and a dump of the database holds none of them', async () => {
    const user = await app.createUser({ password: 'a very particular passphrase 7' });
    const hash = await app.running.db.dataSource.query<{ password_hash: string }[]>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(hash[0].password_hash).toMatch(/^\$argon2id\$/);

    const c = await app.createClient();
    const owner = await keyOwner(app);
    const { key } = await owner.createKey();
    const flow = await codeClient(app);
    const t = await tokensFor(app, flow);
    const secrets = { password: user.password, clientSecret: c.clientSecret!, flowSecret: flow.clientSecret!, key, refresh: t.refresh, access: t.access };
    // At least 128 bits: base62/base64url strings of 22+ characters after their prefix.
    expect(c.clientSecret!.replace(/^gth_cs_/, '').length).toBeGreaterThanOrEqual(22);
    expect(t.refresh.length).toBeGreaterThanOrEqual(22);
    const more = await Promise.all(Array.from({ length: 10 }, () => app.createClient()));
    expect(new Set(more.map((m) => m.clientSecret)).size).toBe(10);

    const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', app.db!.url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(dump).toContain(user.email); // the dump is real
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, found: dump.includes(value) }).toEqual({ name, found: false });
      // Not even the random middle part of it.
      const middle = value.slice(Math.floor(value.length / 2) - 8, Math.floor(value.length / 2) + 8);
      expect({ name, found: dump.includes(middle) }).toEqual({ name, found: false });
    }
  });
});
