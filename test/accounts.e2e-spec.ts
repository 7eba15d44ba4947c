import fc from 'fast-check';
import { startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { signedIn } from './support/code-flow.js';
import { linkIn, nextOutboxMail, outboxFor } from './support/mail.js';

/**
 * The account lifecycle without SMTP_URL (emails kept in the outbox): sign-up verification, forgot and
 * reset password, the account page (password, email, sessions), with hostile inputs: reused, expired,
 * altered and cross-purpose links, missing CSRF, repeated fields, another user's session ids.
 */
describe('accounts (outbox mode)', () => {
  let app: TestApp;
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const PW = 'correct horse battery staple';
  let n = 0;
  const email = () => `acct${++n}-${Date.now()}@example.com`;

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_SIGN_UPS_PER_ADDRESS: '40' } });
  });
  afterAll(() => app.close());

  async function signUp(address: string): Promise<Agent> {
    const agent = new Agent(app.url);
    const form = await agent.get('/portal/signup');
    const res = await agent.post('/portal/signup', { email: address, password: PW, display_name: '', csrf: hidden(form.text, 'csrf'), return_to: '/portal' });
    expect(res.status).toBe(200);
    return agent;
  }

  const verified = async (address: string) =>
    (await sql<{ v: Date | null }>('SELECT email_verified_at AS v FROM users WHERE email = $1', [address]))[0]?.v ?? null;

  it('sends a confirmation link at sign-up; the link shows a form, posting it verifies the address once', async () => {
    const address = email();
    const agent = await signUp(address);
    const mail = await nextOutboxMail(app, address);
    expect(mail.subject).toBe('Confirm your email address');
    const { token } = linkIn(mail.body, '/portal/verify-email');
    expect(await verified(address)).toBeNull();
    // Opening the link (as a mail scanner would) changes nothing.
    const page = await agent.get(`/portal/verify-email?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(address);
    expect(await verified(address)).toBeNull();
    // Without the CSRF token: refused, and the link still works.
    expect((await agent.post('/portal/verify-email', { token })).status).toBe(403);
    const ok = await agent.post('/portal/verify-email', { token, csrf: hidden(page.text, 'csrf') });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Your email is confirmed');
    expect(await verified(address)).toBeInstanceOf(Date);
    // Used: a clear page, both on opening and on posting.
    const again = await agent.get(`/portal/verify-email?token=${token}`);
    expect(again.status).toBe(410);
    expect(again.text).toContain('already been used');
    expect((await agent.post('/portal/verify-email', { token, csrf: hidden(page.text, 'csrf') })).status).toBe(410);
  });

  it('refuses altered, cut, repeated, over-long and cross-purpose tokens with a clear page, never a 5xx', async () => {
    const address = email();
    const agent = await signUp(address);
    const { token } = linkIn((await nextOutboxMail(app, address)).body, '/portal/verify-email');
    const altered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    for (const q of [`token=${altered}`, `token=${token.slice(0, 20)}`, `token=${token}&token=${token}`, `token=${'A'.repeat(5000)}`, '', 'token=%00']) {
      const res = await agent.get(`/portal/verify-email?${q}`);
      expect({ q: q.slice(0, 30), status: res.status }).toEqual({ q: q.slice(0, 30), status: 400 });
      // A NUL is refused before the route, by the server's own 400 page.
      expect(res.text).toContain(q === 'token=%00' ? 'NUL character' : 'This link is not valid');
    }
    // A verification token is no reset or invitation token.
    expect((await agent.get(`/portal/reset-password?token=${token}`)).status).toBe(400);
    expect((await agent.get(`/portal/invite?token=${token}`)).status).toBe(400);
    // Expired: a clear page.
    await sql(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)`, [address]);
    const expired = await agent.get(`/portal/verify-email?token=${token}`);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('too old');
    expect(await verified(address)).toBeNull();
  });

  it('forgot password: the same answer for an unknown email, a link only to a real account; reset ends every session, once', async () => {
    const user = await app.createUser();
    const other = new Agent(app.url);
    expect((await other.signIn(user.email, user.password)).status).toBe(303);
    const agent = new Agent(app.url);
    const form = await agent.get('/portal/forgot-password');
    const csrf = hidden(form.text, 'csrf');
    const known = await agent.post('/portal/forgot-password', { email: user.email, csrf });
    const unknownAddress = email();
    const unknown = await agent.post('/portal/forgot-password', { email: unknownAddress, csrf });
    expect(known.status).toBe(200);
    expect(unknown.text.replace(unknownAddress, 'X')).toBe(known.text.replace(user.email, 'X'));
    expect(known.text).toContain('If an account exists for this email');
    const mail = await nextOutboxMail(app, user.email);
    expect(mail.subject).toBe('Reset your Gatehouse password');
    expect(await outboxFor(app, unknownAddress)).toEqual([]);
    const { token } = linkIn(mail.body, '/portal/reset-password');

    const page = await agent.get(`/portal/reset-password?token=${token}`);
    expect(page.status).toBe(200);
    const c = hidden(page.text, 'csrf');
    // Too short, too long: the form again, the link not used up.
    for (const password of ['short', 'x'.repeat(257)]) {
      const bad = await agent.post('/portal/reset-password', { token, password, csrf: c });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('12 to 256 characters');
    }
    expect((await agent.post('/portal/reset-password', `token=${token}&token=${token}&password=x&csrf=${c}`)).status).toBe(400);
    expect((await agent.post('/portal/reset-password', { token, password: 'a brand new password', csrf: 'forged' })).status).toBe(403);
    const done = await agent.post('/portal/reset-password', { token, password: 'a brand new password', csrf: c });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your password is changed');
    // The other browser is signed out; the old password no longer works, the new one does.
    expect((await other.get('/portal')).status).toBe(303);
    expect((await new Agent(app.url).signIn(user.email, user.password)).status).toBe(401);
    expect((await new Agent(app.url).signIn(user.email, 'a brand new password')).status).toBe(303);
    // Once only.
    const reused = await agent.post('/portal/reset-password', { token, password: 'yet another password', csrf: c });
    expect(reused.status).toBe(410);
    expect(reused.text).toContain('already been used');
    expect((await new Agent(app.url).signIn(user.email, 'a brand new password')).status).toBe(303);
    const events = await sql<{ type: string }>(`SELECT type FROM audit_events WHERE target = $1 AND type LIKE 'account.%' ORDER BY created_at`, [user.id]);
    expect(events.map((e) => e.type)).toEqual(['account.password_reset_requested', 'account.password_reset']);
  });

  it('a newer reset link ends the older one; a disabled account gets no email', async () => {
    const user = await app.createUser();
    const agent = new Agent(app.url);
    const csrf = hidden((await agent.get('/portal/forgot-password')).text, 'csrf');
    await agent.post('/portal/forgot-password', { email: user.email, csrf });
    const first = linkIn((await nextOutboxMail(app, user.email, 1)).body, '/portal/reset-password').token;
    await agent.post('/portal/forgot-password', { email: user.email.toUpperCase(), csrf });
    const second = linkIn((await nextOutboxMail(app, user.email, 2)).body, '/portal/reset-password').token;
    expect(second).not.toBe(first);
    expect((await agent.get(`/portal/reset-password?token=${first}`)).status).toBe(410);
    expect((await agent.get(`/portal/reset-password?token=${second}`)).status).toBe(200);
    const disabled = await app.createUser();
    await sql(`UPDATE users SET status = 'disabled' WHERE id = $1`, [disabled.id]);
    await agent.post('/portal/forgot-password', { email: disabled.email, csrf });
    await new Promise((r) => setTimeout(r, 300));
    expect(await outboxFor(app, disabled.email)).toEqual([]);
  });

  it('account page: change password needs the current one, keeps this browser signed in and signs out the others', async () => {
    const { agent, user } = await signedIn(app);
    const other = new Agent(app.url);
    await other.signIn(user.email, PW);
    const page = await agent.get('/portal/account');
    expect(page.status).toBe(200);
    expect(page.text).toContain('aria-current="page"');
    const csrf = hidden(page.text, 'csrf');
    const wrong = await agent.post('/portal/account/password', { current_password: 'not my password', new_password: 'another long password', csrf });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('The current password is not correct');
    const long = await agent.post('/portal/account/password', { current_password: PW, new_password: 'y'.repeat(300), csrf });
    expect(long.status).toBe(400);
    expect(long.text).toContain('12 to 256 characters');
    expect((await agent.post('/portal/account/password', { current_password: PW, new_password: 'another long password' })).status).toBe(403);
    expect(
      (await agent.post('/portal/account/password', { current_password: PW, new_password: 'another long password', csrf, owner_id: user.id })).status,
    ).toBe(400);
    const ok = await agent.post('/portal/account/password', { current_password: PW, new_password: 'another long password', csrf });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/portal/account?notice=password-changed');
    expect((await agent.get('/portal/account')).status).toBe(200);
    expect((await other.get('/portal/account')).status).toBe(303);
    expect((await new Agent(app.url).signIn(user.email, 'another long password')).status).toBe(303);
    const audit = await sql(`SELECT 1 FROM audit_events WHERE type = 'account.password_changed' AND target = $1`, [user.id]);
    expect(audit).toHaveLength(1);
  });

  it('sessions: lists only mine, ends one of mine, refuses another user’s session id (404), signs out everywhere else', async () => {
    const { agent, user } = await signedIn(app);
    const second = new Agent(app.url);
    await second.signIn(user.email, PW);
    const third = new Agent(app.url);
    await third.signIn(user.email, PW);
    const stranger = await signedIn(app);
    const strangerSession = (await sql<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1', [stranger.user.id]))[0].id;
    const page = await agent.get('/portal/account');
    const ids = [...page.text.matchAll(/data-session="([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(3);
    expect(ids).not.toContain(strangerSession);
    expect(page.text).toContain('(this browser)');
    const csrf = hidden(page.text, 'csrf');
    const theirs = await agent.post(`/portal/account/sessions/${strangerSession}/end`, { csrf });
    expect(theirs.status).toBe(404);
    expect((await stranger.agent.get('/portal')).status).toBe(200);
    expect((await agent.post('/portal/account/sessions/not-a-uuid/end', { csrf })).status).toBe(404);
    const mine = (await sql<{ id: string; created_at: Date }>('SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at DESC', [user.id]))[0].id;
    expect((await agent.post(`/portal/account/sessions/${mine}/end`, {})).status).toBe(403);
    const current = (await sql<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at ASC', [user.id]))[0].id;
    const own = await agent.post(`/portal/account/sessions/${current}/end`, { csrf });
    expect(own.status).toBe(400);
    expect(own.text).toContain('use Sign out instead');
    expect((await agent.post(`/portal/account/sessions/${mine}/end`, { csrf })).status).toBe(303);
    expect((await third.get('/portal')).status).toBe(303);
    expect((await second.get('/portal')).status).toBe(200);
    const all = await agent.post('/portal/account/sessions/end-others', { csrf });
    expect(all.location).toBe('/portal/account?notice=others-ended');
    expect((await second.get('/portal')).status).toBe(303);
    expect((await agent.get('/portal')).status).toBe(200);
    expect((await stranger.agent.get('/portal')).status).toBe(200);
  });

  it('change email: needs the password, refuses a bad address, says the same for a taken one, changes only through the link', async () => {
    const { agent, user } = await signedIn(app);
    const taken = await app.createUser();
    const csrf = hidden((await agent.get('/portal/account')).text, 'csrf');
    const wrongPw = await agent.post('/portal/account/email', { email: email(), password: 'wrong password!', csrf });
    expect(wrongPw.status).toBe(400);
    for (const bad of ['not-an-email', `${'a'.repeat(250)}@example.com`]) {
      expect((await agent.post('/portal/account/email', { email: bad, password: PW, csrf })).status).toBe(400);
    }
    const takenRes = await agent.post('/portal/account/email', { email: taken.email, password: PW, csrf });
    expect(takenRes.location).toBe('/portal/account?notice=email-sent');
    const fresh = email();
    const freshRes = await agent.post('/portal/account/email', { email: fresh, password: PW, csrf });
    expect(freshRes.location).toBe(takenRes.location);
    const mail = await nextOutboxMail(app, fresh);
    await new Promise((r) => setTimeout(r, 200));
    expect(await outboxFor(app, taken.email)).toEqual([]);
    expect((await sql<{ email: string }>('SELECT email FROM users WHERE id = $1', [user.id]))[0].email).toBe(user.email);
    const { token } = linkIn(mail.body, '/portal/verify-email');
    const page = await agent.get(`/portal/verify-email?token=${token}`);
    const done = await agent.post('/portal/verify-email', { token, csrf: hidden(page.text, 'csrf') });
    expect(done.location).toBe('/portal/account?notice=email-verified');
    const row = (await sql<{ email: string; v: Date | null }>('SELECT email, email_verified_at AS v FROM users WHERE id = $1', [user.id]))[0];
    expect(row.email).toBe(fresh);
    expect(row.v).toBeInstanceOf(Date);
    expect((await agent.get('/portal/account')).text).toContain('(confirmed)');
    // The old address is told.
    const notice = await nextOutboxMail(app, user.email);
    expect(notice.subject).toBe('Your Gatehouse email address was changed');
    expect(notice.body).toContain(fresh);
  });

  it('never answers 5xx to arbitrary tokens, emails and passwords on the link pages and the account forms', async () => {
    const { agent } = await signedIn(app);
    const csrf = hidden((await agent.get('/portal/account')).text, 'csrf');
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.constant('A'.repeat(43)));
    const forms = ['/portal/reset-password', '/portal/invite', '/portal/verify-email', '/portal/account/password', '/portal/account/email'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...forms), text, text, async (path, a, b) => {
        const get = await agent.get(`${path.startsWith('/portal/account') ? '/portal/account' : path}?token=${encodeURIComponent(a)}`);
        expect(get.status).toBeLessThan(500);
        const body: Record<string, string> =
          path === '/portal/account/password'
            ? { current_password: a, new_password: b, csrf }
            : path === '/portal/account/email'
              ? { email: a, password: b, csrf }
              : { token: a, password: b, csrf };
        const res = await agent.post(path, body);
        expect({ path, status: res.status < 500 }).toEqual({ path, status: true });
      }),
      { numRuns: 60 },
    );
  });

  it('forgot-password is throttled per address (429 with Retry-After), and says nothing more', async () => {
    const agent = new Agent(app.url);
    const csrf = hidden((await agent.get('/portal/forgot-password')).text, 'csrf');
    let last = 0;
    let retry: string | null = null;
    for (let i = 0; i < 45 && last !== 429; i++) {
      const res = await agent.post('/portal/forgot-password', { email: `nobody${i}@example.com`, csrf });
      last = res.status;
      retry = res.headers.get('retry-after');
    }
    expect(last).toBe(429);
    expect(Number(retry)).toBeGreaterThan(0);
  });
});
