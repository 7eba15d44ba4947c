import { eventually, postForm, startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { signedIn } from './support/code-flow.js';
import { call, keyOwner } from './support/keys.js';

/** The admin console's pages (server-rendered, no script): admins only, CSRF on every POST, 303 after success. */
describe('portal admin pages', () => {
  let app: TestApp;
  let admin: { agent: Agent; user: { id: string; email: string } };
  let csrf: string;

  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const userRow = async (id: string) => (await sql<{ status: string; role: string }>(`SELECT status, role FROM users WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    app = await startTestApp();
    admin = await signedIn(app, 'admin');
    csrf = hidden((await admin.agent.get('/portal/admin/users')).text, 'csrf');
  });
  afterAll(() => app.close());

  it('sends a signed-out browser to sign-in and back to the page it asked for', async () => {
    const agent = new Agent(app.url);
    for (const path of ['/portal/admin/users?q=x', '/portal/admin/clients', '/portal/admin/keys', '/portal/admin/audit?outcome=failure']) {
      const res = await agent.get(path);
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/portal/signin?return_to=${encodeURIComponent(path)}`);
    }
    expect((await agent.post('/portal/admin/keys/x/revoke', { csrf: 'x' })).location).toBe(
      `/portal/signin?return_to=${encodeURIComponent('/portal/admin/keys')}`,
    );
    const user = await app.createUser({ role: 'admin' });
    const back = await agent.signIn(user.email, user.password, '/portal/admin/users?q=x');
    expect(back.location).toBe('/portal/admin/users?q=x');
    expect((await agent.get('/portal/admin')).status).toBe(200); // the overview (issue 17), no longer a redirect to the users
  });

  it('answers a developer with a 403 page on every admin page and action', async () => {
    const dev = await signedIn(app);
    const devCsrf = hidden((await dev.agent.get('/portal')).text, 'csrf');
    for (const path of ['/portal/admin/users', '/portal/admin/clients', '/portal/admin/keys', '/portal/admin/audit']) {
      const res = await dev.agent.get(path);
      expect(res.status).toBe(403);
      expect(res.text).toContain('Administrators only');
    }
    const victim = await app.createUser();
    const res = await dev.agent.post(`/portal/admin/users/${victim.id}`, { csrf: devCsrf, action: 'make_admin' });
    expect(res.status).toBe(403);
    expect(await userRow(victim.id)).toEqual({ status: 'active', role: 'developer' });
    // Nor can they promote themselves.
    expect((await dev.agent.post(`/portal/admin/users/${dev.user.id}`, { csrf: devCsrf, action: 'make_admin' })).status).toBe(403);
    expect((await userRow(dev.user.id)).role).toBe('developer');
  });

  it('serves pages that cannot be framed and run no script', async () => {
    const res = await admin.agent.get('/portal/admin/users');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).not.toContain('<script');
  });

  it('searches users by email and pages through them, keeping the search', async () => {
    await sql(`INSERT INTO users (email, password_hash) SELECT 'bulk' || i || '@paging.example', 'x' FROM generate_series(1, 55) i`);
    const first = await admin.agent.get('/portal/admin/users?q=paging.example');
    expect(first.status).toBe(200);
    expect(first.text.match(/@paging\.example/g)).toHaveLength(50);
    const next = /<a href="([^"]+)" rel="next">/.exec(first.text)![1].replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/portal\/admin\/users\?q=paging.example&cursor=/);
    const second = await admin.agent.get(next);
    expect(second.text.match(/@paging\.example/g)).toHaveLength(5);
    expect(second.text).not.toContain('rel="next"');
    expect(second.text).toContain('First page');
    const one = await admin.agent.get('/portal/admin/users?q=BULK7%40');
    expect(one.text.match(/@paging\.example/g)).toHaveLength(1);
    // LIKE wildcards are literal.
    expect((await admin.agent.get('/portal/admin/users?q=%25')).text).toContain('No user matches.');
  });

  it('refuses bad filters with a 400 page naming the field, never a 500', async () => {
    const res = await admin.agent.get('/portal/admin/users?role=owner&status=x');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Choose admin or developer.');
    expect(res.text).toContain('Choose active, disabled or invited.');
    expect((await admin.agent.get('/portal/admin/users?q=a&q=b')).status).toBe(400);
    expect((await admin.agent.get('/portal/admin/users?cursor=not*a*cursor')).status).toBe(400);
    expect((await admin.agent.get('/portal/admin/users?cursor=eyJub3QiOiJhIGN1cnNvciJ9')).status).toBe(400);
    expect((await admin.agent.get('/portal/admin/keys?cursor=!!')).status).toBe(400);
    expect((await admin.agent.get(`/portal/admin/users?q=${'x'.repeat(500)}`)).status).toBe(400);
  });

  it('disables, enables, promotes and demotes a user; 303 back to the same search; audited', async () => {
    const u = await app.createUser({ email: 'target.user@example.com' });
    const page = await admin.agent.get('/portal/admin/users?q=target.user');
    expect(page.text).toContain(`href="/portal/admin/users/${u.id}/confirm?action=disable&amp;back=q%3Dtarget.user"`);
    const confirm = await admin.agent.get(`/portal/admin/users/${u.id}/confirm?action=disable&back=q%3Dtarget.user`);
    expect(confirm.text).toContain(`action="/portal/admin/users/${u.id}"`);
    const back = hidden(confirm.text, 'back');
    expect(back).toBe('q=target.user');
    const post = (action: string) => admin.agent.post(`/portal/admin/users/${u.id}`, { csrf, action, back });
    const off = await post('disable');
    expect(off.status).toBe(303);
    expect(off.location).toBe('/portal/admin/users?q=target.user&done=user-disabled');
    expect(await userRow(u.id)).toEqual({ status: 'disabled', role: 'developer' });
    // A disabled user cannot sign in.
    expect((await new Agent(app.url).signIn(u.email, u.password)).status).toBe(401);
    expect((await post('enable')).status).toBe(303);
    expect((await post('make_admin')).status).toBe(303);
    expect(await userRow(u.id)).toEqual({ status: 'active', role: 'admin' });
    expect((await post('make_developer')).status).toBe(303);
    expect((await userRow(u.id)).role).toBe('developer');
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE type = 'admin.user_changed' AND target = $1`, [u.id])).length === 4);
    expect((await sql<{ ip: string }>(`SELECT ip FROM audit_events WHERE type = 'admin.user_changed' AND target = $1`, [u.id]))[0].ip).toBe('127.0.0.1');

    const bad = await admin.agent.post(`/portal/admin/users/${u.id}`, { csrf, action: '__proto__' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Choose one of the actions');
    const unknown = await admin.agent.post('/portal/admin/users/00000000-0000-0000-0000-000000000000', { csrf, action: 'disable' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('was not found');
    expect((await admin.agent.post('/portal/admin/users/not-a-uuid', { csrf, action: 'disable' })).status).toBe(404);
  });

  it('never lets an admin disable or demote themselves (no buttons, and the POST is refused)', async () => {
    const page = await admin.agent.get(`/portal/admin/users?q=${encodeURIComponent(admin.user.email)}`);
    expect(page.text).toContain('you (ask another admin)');
    expect(page.text).not.toContain(`/portal/admin/users/${admin.user.id}/confirm`);
    for (const action of ['disable', 'make_developer']) {
      const res = await admin.agent.post(`/portal/admin/users/${admin.user.id}`, { csrf, action });
      expect(res.status).toBe(400);
      expect(res.text).toContain('You cannot disable yourself or change your own role');
    }
    expect(await userRow(admin.user.id)).toEqual({ status: 'active', role: 'admin' });
  });

  it('refuses every action without the CSRF token of this session (403), and changes nothing', async () => {
    const u = await app.createUser();
    const other = await signedIn(app, 'admin');
    const otherCsrf = hidden((await other.agent.get('/portal/admin/users')).text, 'csrf');
    const forms: Record<string, string>[] = [
      { action: 'disable' },
      { action: 'disable', csrf: '' },
      { action: 'disable', csrf: otherCsrf },
      { action: 'disable', csrf: 'x'.repeat(500) },
    ];
    for (const form of forms) {
      const res = await admin.agent.post(`/portal/admin/users/${u.id}`, form);
      expect(res.status).toBe(403);
      expect(res.text).toContain('This form has expired');
    }
    expect((await userRow(u.id)).status).toBe('active');
    const { createKey } = await keyOwner(app);
    const key = await createKey();
    expect((await admin.agent.post(`/portal/admin/keys/${key.id}/revoke`, {})).status).toBe(403);
    const client = await app.createClient({ name: 'kept' });
    expect((await admin.agent.post(`/portal/admin/clients/${client.clientId}/delete`, { csrf: otherCsrf })).status).toBe(403);
    expect((await call(app, 'GET', '/v1/data', { key: key.key })).status).toBe(200);
    expect((await sql(`SELECT 1 FROM clients WHERE client_id = $1`, [client.clientId])).length).toBe(1);
    // A form that is not a form, or repeats a field.
    expect((await admin.agent.post(`/portal/admin/users/${u.id}`, `csrf=${csrf}&csrf=${csrf}&action=disable`)).status).toBe(400);
    expect(
      (await admin.agent.post(`/portal/admin/users/${u.id}`, JSON.stringify({ csrf, action: 'disable' }), { 'content-type': 'application/json' })).status,
    ).toBe(400);
    expect((await userRow(u.id)).status).toBe('active');
  });

  it("lists every owner's clients with the owner, and deletes any", async () => {
    const owner = await app.createUser({ email: 'client.owner@example.com' });
    const token = await app.tokenActingFor(owner.id, ['clients:manage', 'data:read']); // data:read: the new client's default scope
    const created = await call(app, 'POST', '/v1/clients', { token, body: { name: 'Owned app' } });
    const clientId = String(created.body.client_id);
    const page = await admin.agent.get('/portal/admin/clients');
    expect(page.status).toBe(200);
    const row = page.text.slice(page.text.indexOf('Owned app'), page.text.indexOf('Owned app') + 1500);
    expect(row).toContain(clientId);
    expect(row).toContain('client.owner@example.com');
    expect(row).toContain('confidential');
    expect(page.text).not.toContain(String(created.body.client_secret));
    const res = await admin.agent.post(`/portal/admin/clients/${encodeURIComponent(clientId)}/delete`, { csrf });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/portal/admin/clients?done=client-deleted');
    expect((await call(app, 'GET', `/v1/clients/${clientId}`, { token })).status).toBe(404);
    const again = await admin.agent.post(`/portal/admin/clients/${encodeURIComponent(clientId)}/delete`, { csrf });
    expect(again.status).toBe(404);
    expect(again.text).toContain('was not found');
  });

  it('disables a client with its button (no tokens, its access tokens refused at once) and enables it again; CSRF and bad forms refused', async () => {
    const client = await app.createClient({ name: 'Console-disabled app', scopes: ['users:read'] });
    const token = async () =>
      postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret! });
    const access = String((await token()).body.access_token);
    const users = async () => (await fetch(`${app.url}/v1/users`, { headers: { authorization: `Bearer ${access}` } })).status;
    const action = `/portal/admin/clients/${encodeURIComponent(client.clientId)}/status`;
    const rowOf = (text: string) => text.slice(text.indexOf('Console-disabled app'), text.indexOf('Console-disabled app') + 2000);
    expect(rowOf((await admin.agent.get('/portal/admin/clients')).text)).toContain(
      `/portal/admin/clients/${encodeURIComponent(client.clientId)}/confirm?action=disable`,
    );

    expect((await admin.agent.post(action, { status: 'disabled' })).status).toBe(403); // no CSRF token
    expect((await admin.agent.post(action, { csrf, status: 'gone' })).status).toBe(400);
    expect((await admin.agent.post('/portal/admin/clients/gth_nosuchclient/status', { csrf, status: 'disabled' })).status).toBe(404);
    expect(await users()).toBe(200);

    const res = await admin.agent.post(action, { csrf, status: 'disabled' });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/portal/admin/clients?done=client-disabled');
    expect((await token()).status).toBe(401);
    expect(await users()).toBe(401);
    const row = rowOf((await admin.agent.get('/portal/admin/clients')).text);
    expect(row).toContain('status-disabled');
    expect(row).toContain('Enable');

    expect((await admin.agent.post(action, { csrf, status: 'active' })).status).toBe(303);
    expect(await users()).toBe(200);
    expect((await token()).status).toBe(200);
  });

  it('lists every API key with owner, prefix and last use (never the key), and revokes any', async () => {
    const owner = await keyOwner(app);
    const key = await owner.createKey({ name: 'watched key' });
    expect((await call(app, 'GET', '/v1/data', { key: key.key })).status).toBe(200);
    const page = await admin.agent.get('/portal/admin/keys');
    expect(page.status).toBe(200);
    const at = page.text.indexOf('watched key');
    const row = page.text.slice(at, page.text.indexOf('</tr>', at));
    expect(row).toContain(`${String(key.start)}…${String(key.last4)}`);
    expect(row).toContain(owner.user.email);
    expect(row).toContain('active');
    expect(page.text).not.toContain(key.key);
    const res = await admin.agent.post(`/portal/admin/keys/${key.id}/revoke`, { csrf });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/portal/admin/keys?done=key-revoked');
    expect((await call(app, 'GET', '/v1/data', { key: key.key })).status).toBe(401);
    const after = await admin.agent.get('/portal/admin/keys');
    const row2 = after.text.slice(after.text.indexOf('watched key'), after.text.indexOf('</tr>', after.text.indexOf('watched key')));
    expect(row2).toContain('revoked');
    expect(row2).not.toContain('Revoke</a>');
    expect((await admin.agent.post('/portal/admin/keys/not-a-uuid/revoke', { csrf })).status).toBe(404);
  });

  it('shows the audit log filtered by type, actor, outcome and time; bad filters say which field', async () => {
    const user = await app.createUser({ email: 'audited.person@example.com' });
    const agent = new Agent(app.url);
    expect((await agent.signIn(user.email, 'not the right password')).status).toBe(401);
    expect((await agent.signIn(user.email, user.password)).status).toBe(303);
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE target = $1`, [user.id])).length === 2);

    const byActor = await admin.agent.get(`/portal/admin/audit?actor=${encodeURIComponent(user.email)}`);
    expect(byActor.status).toBe(200);
    expect(byActor.text).toContain('auth.sign_in_failed');
    expect(byActor.text).toContain('auth.sign_in</code>');
    expect(byActor.text).toContain('127.0.0.1');
    const failures = await admin.agent.get(`/portal/admin/audit?actor=${user.id}&outcome=failure`);
    expect(failures.text).toContain('auth.sign_in_failed');
    expect(failures.text).not.toContain('auth.sign_in</code>');
    const typed = await admin.agent.get('/portal/admin/audit?type=auth.sign_in');
    expect(typed.text).toContain('audited.person@example.com');
    expect(typed.text).not.toContain('auth.sign_in_failed</code>');
    const now = new Date();
    const hourAgo = new Date(now.getTime() - 3600_000).toISOString().slice(0, 16);
    const later = new Date(now.getTime() + 3600_000).toISOString().slice(0, 16);
    expect((await admin.agent.get(`/portal/admin/audit?type=auth.sign_in&since=${hourAgo}&until=${later}`)).text).toContain('audited.person@example.com');
    expect((await admin.agent.get(`/portal/admin/audit?type=auth.sign_in&since=${later}`)).text).toContain('No event matches.');

    const bad = await admin.agent.get(`/portal/admin/audit?type=${encodeURIComponent("x' OR 1=1")}&since=yesterday&outcome=maybe`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('An event type looks like');
    expect(bad.text).toContain('Give a date and time');
    expect(bad.text).toContain('Choose success or failure.');
    const nobody = await admin.agent.get('/portal/admin/audit?actor=nobody%40example.com');
    expect(nobody.status).toBe(400);
    expect(nobody.text).toContain('No user has this email.');
  });

  it('pages through the audit log keeping the filters', async () => {
    const user = await app.createUser({ email: 'many.fails@example.com' });
    const agent = new Agent(app.url);
    const form = await agent.get('/portal/signin');
    for (let i = 0; i < 4; i++) await agent.post('/portal/signin', { csrf: hidden(form.text, 'csrf'), email: user.email, password: `wrong ${i}` });
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE actor_user_id = $1`, [user.id])).length === 4);
    await sql(
      // 60 rows of one statement share one created_at: only the cursor's id tells them apart.
      `INSERT INTO audit_events (type, outcome, actor_user_id, target, ip) SELECT 'auth.sign_in_failed', 'failure', $1, 'bulk', '10.0.0.' || i FROM generate_series(1, 60) i`,
      [user.id],
    );
    const first = await admin.agent.get(`/portal/admin/audit?actor=${user.id}&type=auth.sign_in_failed`);
    expect(first.text.match(/<tr class="outcome-failure">/g)).toHaveLength(50);
    const next = /<a href="([^"]+)" rel="next">/.exec(first.text)![1].replace(/&amp;/g, '&');
    expect(next).toContain(`actor=${user.id}`);
    expect(next).toContain('type=auth.sign_in_failed');
    const second = await admin.agent.get(next);
    expect(second.text.match(/<tr class="outcome-failure">/g)).toHaveLength(14);
    expect(second.text).not.toContain('rel="next"');
  });

  it('escapes hostile names and emails in the users and audit pages, and never shows a secret', async () => {
    const xssName = '<script>alert("name")</script>';
    const xssEmail = '"><img src=x onerror=alert(1)>@evil.example';
    // No path creates such an email any more (src/platform/email.ts); a row from before the rule still must not inject.
    await sql(`INSERT INTO users (email, display_name, password_hash) VALUES ($1, $2, 'x')`, [xssEmail, xssName]);
    const users = await admin.agent.get('/portal/admin/users?q=evil.example');
    expect(users.status).toBe(200);
    expect(users.text).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(users.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@evil.example');
    expect(users.text).not.toContain('<script>alert');
    expect(users.text).not.toContain('<img src=x');

    // A failed sign-in with a hostile "email", and a password typed where the email goes.
    const agent = new Agent(app.url);
    const page = await agent.get('/portal/signin');
    await agent.post('/portal/signin', { csrf: hidden(page.text, 'csrf'), email: '<script>alert("audit")</script>', password: 'x' });
    const { createKey } = await keyOwner(app);
    const key = await createKey({ name: '<b>key</b>' });
    // What was typed is kept only as a keyed digest (issue 13.7); a hostile target from elsewhere is escaped.
    await eventually(async () => (await sql(`SELECT 1 FROM audit_events WHERE type = 'auth.sign_in_failed' AND target LIKE 'hmac:%'`)).length >= 1);
    expect(await sql(`SELECT 1 FROM audit_events WHERE target LIKE '%<script>%'`)).toEqual([]);
    await sql(`INSERT INTO audit_events (type, outcome, target) VALUES ('auth.sign_in_failed', 'failure', $1)`, ['<script>alert("audit")</script>']);
    const audit = await admin.agent.get('/portal/admin/audit');
    expect(audit.text).toContain('&lt;script&gt;alert(&quot;audit&quot;)&lt;/script&gt;');
    expect(audit.text).not.toContain('<script>alert');
    expect(audit.text).not.toContain('<b>key</b>');
    expect(audit.text).not.toContain(key.key);
    // Anything shaped like a secret that reached an event is masked on the page.
    await sql(`INSERT INTO audit_events (type, outcome, target, details) VALUES ('auth.sign_in_failed', 'failure', $1, $2)`, [
      key.key,
      JSON.stringify({ note: `pasted ${key.key}` }),
    ]);
    const masked = await admin.agent.get('/portal/admin/audit?type=auth.sign_in_failed');
    expect(masked.text).not.toContain(key.key);
    expect(masked.text).toContain('[redacted]');
  });
});
