import { startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { signedIn } from './support/code-flow.js';

interface Res {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { data?: Record<string, unknown>[] };
}

/** A JSON request with the agent's cookies (the browser's session), and whatever headers a test adds. */
async function send(agent: Agent, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  if (agent.cookies.size) headers.cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${agent.base}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Res['body']) : {} };
}

/**
 * The portal session as a credential of the management API (docs/contract.md: /v1/clients and /v1/api-keys
 * take a Bearer token or the portal session): acts for the signed-in user with clients:manage and keys:manage
 * only; unsafe methods need X-CSRF-Token; other sites are refused; Authorization always wins.
 */
describe('portal session on the management API', () => {
  let app: TestApp;
  let dev: { agent: Agent; user: { id: string; email: string } };
  let csrf: string;

  beforeAll(async () => {
    app = await startTestApp();
    dev = await signedIn(app);
    csrf = hidden((await dev.agent.get('/portal')).text, 'csrf');
  });
  afterAll(() => app.close());

  it('lists, creates, reads, rotates and deletes clients with the session and its CSRF token', async () => {
    const empty = await send(dev.agent, 'GET', '/v1/clients');
    expect(empty.status).toBe(200);
    expect(empty.body.data).toEqual([]);
    // The CSRF token comes back on every session-authenticated answer, which is never cached.
    expect(empty.headers.get('x-csrf-token')).toBe(csrf);
    expect(empty.headers.get('cache-control')).toBe('no-store');

    const created = await send(dev.agent, 'POST', '/v1/clients', { body: { name: 'From the browser' }, headers: { 'X-CSRF-Token': csrf } });
    expect(created.status).toBe(201);
    expect(created.body.owner_id).toBe(dev.user.id);
    expect(String(created.body.client_secret)).toMatch(/^gth_cs_/);
    const id = String(created.body.client_id);

    const listed = await send(dev.agent, 'GET', '/v1/clients');
    expect(listed.body.data!.map((c) => c.client_id)).toEqual([id]);
    const rotated = await send(dev.agent, 'POST', `/v1/clients/${id}/secret/rotate`, { body: { grace_period_seconds: 0 }, headers: { 'X-CSRF-Token': csrf } });
    expect(rotated.status).toBe(201);
    const patched = await send(dev.agent, 'PATCH', `/v1/clients/${id}`, { body: { name: 'Renamed' }, headers: { 'X-CSRF-Token': csrf } });
    expect(patched.body.name).toBe('Renamed');

    const deleted = await send(dev.agent, 'DELETE', `/v1/clients/${id}`, { headers: { 'X-CSRF-Token': csrf } });
    expect(deleted.status).toBe(204);
    expect((await send(dev.agent, 'GET', `/v1/clients/${id}`)).status).toBe(404);
  });

  it('lists, creates, rotates and revokes API keys with the session; the key works on /v1/data', async () => {
    const created = await send(dev.agent, 'POST', '/v1/api-keys', { body: { name: 'browser key', scopes: ['data:read'] }, headers: { 'X-CSRF-Token': csrf } });
    expect(created.status).toBe(201);
    const key = String(created.body.key);
    expect(created.body.owner_id).toBe(dev.user.id);
    expect((await fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': key } })).status).toBe(200);

    const listed = await send(dev.agent, 'GET', '/v1/api-keys');
    expect(listed.status).toBe(200);
    expect(listed.body.data!.map((k) => k.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(key);

    const rotated = await send(dev.agent, 'POST', `/v1/api-keys/${String(created.body.id)}/rotate`, {
      body: { grace_period_seconds: 0 },
      headers: { 'X-CSRF-Token': csrf },
    });
    expect(rotated.status).toBe(201);
    const revoked = await send(dev.agent, 'DELETE', `/v1/api-keys/${String(rotated.body.id)}`, { headers: { 'X-CSRF-Token': csrf } });
    expect(revoked.status).toBe(204);
    expect((await fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': String(rotated.body.key) } })).status).toBe(401);
  });

  it.each([
    ['no X-CSRF-Token', {}],
    ['an empty X-CSRF-Token', { 'X-CSRF-Token': '' }],
    ['a wrong X-CSRF-Token', { 'X-CSRF-Token': 'A'.repeat(43) }],
    ['the token in the wrong header', { 'X-XSRF-Token': 'CSRF' }],
  ])('refuses unsafe requests with %s (403), and changes nothing', async (_name, headers) => {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('CSRF', csrf)]));
    const before = (await send(dev.agent, 'GET', '/v1/clients')).body.data!.length;
    const res = await send(dev.agent, 'POST', '/v1/clients', { body: { name: 'forged' }, headers: h });
    expect(res.status).toBe(403);
    expect(String(res.body.detail)).toContain('X-CSRF-Token');
    expect((await send(dev.agent, 'POST', '/v1/api-keys', { body: { name: 'forged', scopes: ['data:read'] }, headers: h })).status).toBe(403);
    expect((await send(dev.agent, 'DELETE', '/v1/api-keys/00000000-0000-0000-0000-000000000000', { headers: h })).status).toBe(403);
    expect((await send(dev.agent, 'GET', '/v1/clients')).body.data!.length).toBe(before);
  });

  it.each([
    ['Origin of another site', { Origin: 'https://evil.example' }],
    ['Origin null', { Origin: 'null' }],
    ['Origin on another port', { Origin: 'http://127.0.0.1:1' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
  ])('refuses a request with the session from %s (403), even with the CSRF token', async (_name, headers) => {
    const post = await send(dev.agent, 'POST', '/v1/clients', { body: { name: 'cross' }, headers: { ...headers, 'X-CSRF-Token': csrf } });
    expect(post.status).toBe(403);
    const get = await send(dev.agent, 'GET', '/v1/api-keys', { headers });
    expect(get.status).toBe(403);
    expect(get.headers.get('x-csrf-token')).toBeNull();
  });

  it('accepts its own origin and same-origin fetch metadata', async () => {
    const res = await send(dev.agent, 'POST', '/v1/clients', {
      body: { name: 'same origin' },
      headers: { Origin: app.url, 'Sec-Fetch-Site': 'same-origin', 'X-CSRF-Token': csrf },
    });
    expect(res.status).toBe(201);
  });

  it('is never an admin credential: /v1/admin/* with an admin session is 401', async () => {
    const admin = await signedIn(app, 'admin');
    for (const path of ['/v1/admin/users', '/v1/admin/clients', '/v1/admin/api-keys', '/v1/admin/audit-events']) {
      const res = await send(admin.agent, 'GET', path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="gatehouse", resource_metadata="${app.url}/.well-known/oauth-protected-resource/v1"`);
    }
    // Nor on Bearer-only resources.
    expect((await send(admin.agent, 'GET', '/v1/users')).status).toBe(401);
    expect((await send(admin.agent, 'GET', '/v1/data')).status).toBe(401);
  });

  it('uses the Authorization header when both are sent, and never falls back to the cookie', async () => {
    const other = await app.createUser();
    const token = await app.tokenActingFor(other.id, ['clients:manage']);
    const mine = await send(dev.agent, 'POST', '/v1/clients', { body: { name: 'mine' }, headers: { 'X-CSRF-Token': csrf } });
    const asOther = await send(dev.agent, 'GET', '/v1/clients', { headers: { Authorization: `Bearer ${token}` } });
    expect(asOther.status).toBe(200);
    expect(asOther.body.data!.map((c) => c.client_id)).not.toContain(mine.body.client_id);
    expect(asOther.headers.get('x-csrf-token')).toBeNull();
    const bad = await send(dev.agent, 'GET', '/v1/clients', { headers: { Authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
    const basic = await send(dev.agent, 'GET', '/v1/clients', { headers: { Authorization: 'Basic eDp5' } });
    expect(basic.status).toBe(401);
    const withKey = await send(dev.agent, 'GET', '/v1/clients', { headers: { 'X-API-Key': 'gth_live_x' } });
    expect(withKey.status).toBe(401);
    // Another owner's client is 404 with the session too.
    const theirs = await send(new Agent(app.url), 'POST', '/v1/clients', { body: { name: 'theirs' }, headers: { Authorization: `Bearer ${token}` } });
    expect((await send(dev.agent, 'GET', `/v1/clients/${String(theirs.body.client_id)}`)).status).toBe(404);
    expect((await send(dev.agent, 'DELETE', `/v1/clients/${String(theirs.body.client_id)}`, { headers: { 'X-CSRF-Token': csrf } })).status).toBe(404);
  });

  it('leaves a page its query string: ?access_token on a signed-in page is not an API call (page or sign-in, never a 400)', async () => {
    const page = await dev.agent.get('/portal?access_token=x');
    expect(page.status).toBe(200);
    expect(page.text).toContain('csrf');
    const stranger = await fetch(`${app.url}/portal?access_token=x`, { redirect: 'manual' });
    expect(stranger.status).toBe(303);
    expect(stranger.headers.get('location')).toMatch(/^\/portal\/signin/);
    // The API still refuses a token in the URL.
    expect((await send(dev.agent, 'GET', '/v1/clients?access_token=x')).status).toBe(400);
  });

  it('says "send one credential" the same way whichever scheme sees the second one', async () => {
    const token = await app.tokenActingFor(dev.user.id, ['data:read']);
    const both = await send(new Agent(app.url), 'GET', '/v1/data', { headers: { Authorization: `Bearer ${token}`, 'X-API-Key': 'gth_live_x' } });
    expect(both.status).toBe(400);
    expect(both.body.error_description).toBe('Send one credential: an API key and an access token were both sent');
  });

  it('answers 401 invalid_token once the session is signed out, expired, or its user disabled', async () => {
    const sql = (q: string, p: unknown[]) => app.running.db.dataSource.query(q, p);
    const out = await signedIn(app);
    const outCsrf = hidden((await out.agent.get('/portal')).text, 'csrf');
    const cookie = out.agent.cookies.get('gh_session')!;
    expect((await out.agent.post('/portal/signout', { csrf: outCsrf })).status).toBe(303);
    const stale = new Agent(app.url);
    stale.cookies.set('gh_session', cookie);
    const res = await send(stale, 'GET', '/v1/clients');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_token", error_description="The portal session has expired/);
    expect((await send(stale, 'POST', '/v1/clients', { body: { name: 'x' }, headers: { 'X-CSRF-Token': outCsrf } })).status).toBe(401);

    const expired = await signedIn(app);
    await sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [expired.user.id]);
    expect((await send(expired.agent, 'GET', '/v1/api-keys')).status).toBe(401);

    const disabled = await signedIn(app);
    await sql(`UPDATE users SET status = 'disabled' WHERE id = $1`, [disabled.user.id]);
    expect((await send(disabled.agent, 'GET', '/v1/clients')).status).toBe(401);

    const forged = new Agent(app.url);
    forged.cookies.set('gh_session', 'B'.repeat(43));
    expect((await send(forged, 'GET', '/v1/clients')).status).toBe(401);
    // A malformed cookie is no credential at all.
    const garbage = new Agent(app.url);
    garbage.cookies.set('gh_session', 'x');
    const none = await send(garbage, 'GET', '/v1/clients');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="gatehouse", resource_metadata="${app.url}/.well-known/oauth-protected-resource/v1"`);
  });

  it('documents the session on the management operations as the x-gatehouse-session extension, not a scheme Swagger UI would offer', async () => {
    const doc = (await (await fetch(`${app.url}/docs-json`)).json()) as {
      components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
      paths: Record<string, Record<string, { 'x-gatehouse-session'?: { csrf_header: string; scopes: string[] } }>>;
    };
    // Swagger UI cannot send a cookie: a field for it in the Authorize dialog would only mislead.
    expect(Object.values(doc.components.securitySchemes).filter((s) => s.in === 'cookie')).toEqual([]);
    const withSession = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op['x-gatehouse-session']?.csrf_header === 'X-CSRF-Token')
        .map(([method]) => `${method} ${path}`),
    );
    expect(withSession.length).toBe(13);
    expect(withSession.every((r) => /^\w+ \/v1\/(clients|api-keys)/.test(r))).toBe(true);
  });
});
