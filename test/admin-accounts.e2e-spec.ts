import { startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { signedIn } from './support/code-flow.js';
import { linkIn, nextOutboxMail, outboxFor } from './support/mail.js';

/**
 * The admin console's account pages without SMTP_URL: create a user, invite one (who cannot sign in
 * until they choose a password through the emailed link), send a password reset, unlock, sign out
 * everywhere, the user detail page, and the outbox where the emails are read. Admins only, CSRF, strict forms.
 */
describe('admin console: accounts and the outbox', () => {
  let app: TestApp;
  let admin: { agent: Agent; user: { id: string; email: string } };
  let csrf: string;
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  let n = 0;
  const email = () => `adm${++n}-${Date.now()}@example.com`;

  beforeAll(async () => {
    app = await startTestApp();
    admin = await signedIn(app, 'admin');
    csrf = hidden((await admin.agent.get('/portal/admin/users/new')).text, 'csrf');
  });
  afterAll(() => app.close());

  it('invites a user: the outbox shows the email with a clickable link; the invitee cannot sign in until they set a password', async () => {
    const address = email();
    const res = await admin.agent.post('/portal/admin/users/new', {
      csrf,
      email: address,
      display_name: 'Ada',
      role: 'developer',
      mode: 'invite',
      password: '',
    });
    expect(res.status).toBe(303);
    const id = /\/portal\/admin\/users\/([0-9a-f-]{36})\?notice=invited/.exec(res.location ?? '')![1];
    const row = (await sql<{ status: string }>('SELECT status FROM users WHERE id = $1', [id]))[0];
    expect(row.status).toBe('invited');
    // The outbox page lists it newest first and shows the message with its link as a link.
    const list = await admin.agent.get('/portal/admin/outbox');
    expect(list.status).toBe(200);
    expect(list.text).toContain(address);
    const messageId = /href="\/portal\/admin\/outbox\/([0-9a-f-]{36})">You are invited to Gatehouse/.exec(list.text)![1];
    const message = await admin.agent.get(`/portal/admin/outbox/${messageId}`);
    expect(message.text).toMatch(/<a href="http:\/\/127\.0\.0\.1:\d+\/portal\/invite\?token=[A-Za-z0-9_-]{43}">/);
    expect(message.text).toContain(admin.user.email);
    const { url, token } = linkIn(message.text, '/portal/invite');
    // Nothing the invitee can type signs in yet.
    const invitee = new Agent(app.url);
    expect((await invitee.signIn(address, 'whatever password')).status).toBe(401);
    const page = await invitee.get(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain(address);
    const c = hidden(page.text, 'csrf');
    expect((await invitee.post('/portal/invite', { token, password: 'short', csrf: c })).status).toBe(400);
    const done = await invitee.post('/portal/invite', { token, password: 'my chosen password', csrf: c });
    expect(done.status).toBe(200);
    expect((await invitee.signIn(address, 'my chosen password')).status).toBe(303);
    const after = (await sql<{ status: string; v: Date | null }>('SELECT status, email_verified_at AS v FROM users WHERE id = $1', [id]))[0];
    expect(after.status).toBe('active');
    expect(after.v).toBeInstanceOf(Date);
    expect((await invitee.post('/portal/invite', { token, password: 'another chosen password', csrf: c })).status).toBe(410);
    const types = await sql<{ type: string; actor: string }>(
      `SELECT type, actor_user_id AS actor FROM audit_events WHERE target = $1 AND type IN ('admin.user_invited', 'account.invite_accepted') ORDER BY created_at`,
      [id],
    );
    expect(types).toEqual([
      { type: 'admin.user_invited', actor: admin.user.id },
      { type: 'account.invite_accepted', actor: id },
    ]);
  });

  it('creates a user with a password (sent a confirmation link) and refuses bad, taken, repeated or unknown fields', async () => {
    const address = email();
    const bad = await admin.agent.post('/portal/admin/users/new', { csrf, email: address, role: 'developer', mode: 'password', password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('12 to 256 characters');
    for (const form of <Record<string, string>[]>[
      { csrf, email: 'nope', role: 'developer', mode: 'invite' },
      { csrf, email: address, role: 'owner', mode: 'invite' },
      { csrf, email: address, role: 'developer', mode: 'magic' },
      { csrf, email: `${'a'.repeat(300)}@example.com`, role: 'developer', mode: 'invite' },
      { csrf, email: address, display_name: 'x'.repeat(101), role: 'developer', mode: 'invite' },
    ]) {
      expect((await admin.agent.post('/portal/admin/users/new', form)).status).toBe(400);
    }
    expect((await admin.agent.post('/portal/admin/users/new', `csrf=${csrf}&email=${address}&email=${address}&role=developer&mode=invite`)).status).toBe(400);
    expect((await admin.agent.post('/portal/admin/users/new', { csrf, email: address, role: 'developer', mode: 'invite', status: 'active' })).status).toBe(400);
    expect((await admin.agent.post('/portal/admin/users/new', { email: address, role: 'developer', mode: 'invite' })).status).toBe(403);
    expect(await sql('SELECT 1 FROM users WHERE email = $1', [address])).toEqual([]);
    const ok = await admin.agent.post('/portal/admin/users/new', { csrf, email: address, role: 'admin', mode: 'password', password: 'a good long password' });
    expect(ok.location).toMatch(/\?notice=created$/);
    expect((await new Agent(app.url).signIn(address, 'a good long password')).status).toBe(303);
    expect((await nextOutboxMail(app, address)).subject).toBe('Confirm your email address');
    const taken = await admin.agent.post('/portal/admin/users/new', { csrf, email: address.toUpperCase(), role: 'developer', mode: 'invite' });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('already exists');
  });

  it('the detail page shows last sign-in, sessions, applications and API keys; sends a reset link; unlocks; signs out everywhere', async () => {
    const target = await signedIn(app);
    await app.createClient({ ownerId: target.user.id, name: 'Target billing app' });
    const detail = await admin.agent.get(`/portal/admin/users/${target.user.id}`);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('Target billing app');
    expect(detail.text).toContain('Last sign-in');
    expect(detail.text).not.toMatch(/Last sign-in<\/dt>\s*<dd>never/);
    expect(detail.text).toContain('(not confirmed)');
    const c = hidden(detail.text, 'csrf');
    const base = `/portal/admin/users/${target.user.id}`;

    const reset = await admin.agent.post(`${base}/send-reset`, { csrf: c });
    expect(reset.location).toBe(`${base}?notice=reset-sent`);
    const mail = await nextOutboxMail(app, target.user.email);
    expect(mail.body).toContain('An administrator asked');
    const { token } = linkIn(mail.body, '/portal/reset-password');
    // The current password keeps working until the link is used.
    expect((await target.agent.get('/portal')).status).toBe(200);
    const agent = new Agent(app.url);
    const page = await agent.get(`/portal/reset-password?token=${token}`);
    expect((await agent.post('/portal/reset-password', { token, password: 'reset by admin link', csrf: hidden(page.text, 'csrf') })).status).toBe(200);
    expect((await target.agent.get('/portal')).status).toBe(303);

    await sql(`UPDATE users SET sign_in_unlocked_at = NULL WHERE id = $1`, [target.user.id]);
    expect((await admin.agent.post(`${base}/unlock`, { csrf: c })).location).toBe(`${base}?notice=unlocked`);
    expect((await sql<{ u: Date | null }>('SELECT sign_in_unlocked_at AS u FROM users WHERE id = $1', [target.user.id]))[0].u).toBeInstanceOf(Date);

    const again = new Agent(app.url);
    await again.signIn(target.user.email, 'reset by admin link');
    expect((await again.get('/portal')).status).toBe(200);
    expect((await admin.agent.post(`${base}/sessions/end`, { csrf: c })).location).toBe(`${base}?notice=sessions-ended`);
    expect((await again.get('/portal')).status).toBe(303);
    const types = (
      await sql<{ type: string }>(`SELECT type FROM audit_events WHERE target = $1 AND actor_user_id = $2 ORDER BY created_at`, [target.user.id, admin.user.id])
    ).map((e) => e.type);
    expect(types).toEqual(['admin.password_reset_sent', 'admin.user_unlocked', 'account.sessions_ended']);
  });

  it('pages the outbox newest first, 50 a page, with a working next-page link', async () => {
    await sql(
      `INSERT INTO mail_outbox (to_address, from_address, subject, body, created_at)
       SELECT 'pager@example.com', 'x@example.com', 'Paged message ' || i, 'body ' || i, now() + (i || ' milliseconds')::interval FROM generate_series(1, 60) AS i`,
    );
    const first = await admin.agent.get('/portal/admin/outbox');
    expect(first.text).toContain('Paged message 60');
    expect(first.text).toContain('Paged message 11<');
    expect(first.text).not.toContain('Paged message 10<');
    const next = /href="(\/portal\/admin\/outbox\?cursor=[^"]+)" rel="next"/.exec(first.text)![1].replace(/&amp;/g, '&');
    const second = await admin.agent.get(next);
    expect(second.status).toBe(200);
    expect(second.text).toContain('Paged message 10<');
    expect(second.text).not.toContain('Paged message 60');
    expect(second.text).toContain('First page');
  });

  it('answers unknown ids with 404, a developer with 403, a missing CSRF token with 403, and keeps the admin from signing themselves out here', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      expect((await admin.agent.get(`/portal/admin/users/${id}`)).status).toBe(404);
      expect((await admin.agent.post(`/portal/admin/users/${id}/send-reset`, { csrf })).status).toBe(404);
      expect((await admin.agent.get(`/portal/admin/outbox/${id}`)).status).toBe(404);
    }
    expect((await admin.agent.get('/portal/admin/outbox?cursor=abc')).status).toBe(400);
    expect((await admin.agent.get('/portal/admin/outbox?cursor=a&cursor=b')).status).toBe(400);
    const victim = await app.createUser();
    expect((await admin.agent.post(`/portal/admin/users/${victim.id}/send-reset`, { csrf: 'forged' })).status).toBe(403);
    expect((await admin.agent.post(`/portal/admin/users/${admin.user.id}/sessions/end`, { csrf })).status).toBe(400);
    const dev = await signedIn(app);
    const devCsrf = hidden((await dev.agent.get('/portal/account')).text, 'csrf');
    for (const path of ['/portal/admin/users/new', `/portal/admin/users/${victim.id}`, '/portal/admin/outbox'])
      expect((await dev.agent.get(path)).status).toBe(403);
    expect((await dev.agent.post(`/portal/admin/users/${victim.id}/send-reset`, { csrf: devCsrf })).status).toBe(403);
    expect((await dev.agent.post('/portal/admin/users/new', { csrf: devCsrf, email: email(), role: 'admin', mode: 'invite' })).status).toBe(403);
    await new Promise((r) => setTimeout(r, 200));
    expect(await outboxFor(app, victim.email)).toEqual([]);
  });
});
