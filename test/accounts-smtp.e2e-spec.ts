import { startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { signedIn } from './support/code-flow.js';
import { linkIn, nextSmtpMail, plainBody, startSmtpServer, type ReceivedMail } from './support/mail.js';

/**
 * Email over real SMTP: the test starts an SMTP server (smtp-server) on 127.0.0.1, the app sends to it
 * (SMTP_URL, nodemailer), and each flow is finished from the link parsed out of the received message:
 * sign-up verification, forgot password, an admin's invitation. Nothing lands in the outbox.
 */
describe('email over SMTP, end to end', () => {
  let app: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const FROM = 'Gatehouse Test <auth@gatehouse.test>';

  beforeAll(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: FROM } });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  function header(mail: ReceivedMail, name: string): string {
    return new RegExp(`^${name}: (.*)$`, 'im').exec(mail.raw)?.[1]?.trim() ?? '';
  }

  it('sign-up: the confirmation email arrives over SMTP, from MAIL_FROM; its link verifies the address', async () => {
    const address = `smtp-signup-${Date.now()}@example.com`;
    const agent = new Agent(app.url);
    const form = await agent.get('/portal/signup');
    await agent.post('/portal/signup', {
      email: address,
      password: 'smtp sign up password',
      display_name: 'Sam',
      csrf: hidden(form.text, 'csrf'),
      return_to: '/portal',
    });
    const mail = await nextSmtpMail(smtp.received, address);
    expect(mail.from).toBe('auth@gatehouse.test');
    expect(header(mail, 'From')).toBe(FROM);
    expect(header(mail, 'Subject')).toBe('Confirm your email address');
    const { url, token } = linkIn(plainBody(mail.raw), '/portal/verify-email');
    expect(url.startsWith(`${app.url}/portal/verify-email?token=`)).toBe(true);
    const page = await agent.get(url);
    expect((await agent.post('/portal/verify-email', { token, csrf: hidden(page.text, 'csrf') })).status).toBe(200);
    expect((await sql<{ v: Date | null }>('SELECT email_verified_at AS v FROM users WHERE email = $1', [address]))[0].v).toBeInstanceOf(Date);
    expect(await sql('SELECT 1 FROM mail_outbox')).toEqual([]);
  });

  it('forgot password: the reset email arrives over SMTP; its link sets the new password', async () => {
    const user = await app.createUser();
    const agent = new Agent(app.url);
    const csrf = hidden((await agent.get('/portal/forgot-password')).text, 'csrf');
    expect((await agent.post('/portal/forgot-password', { email: user.email, csrf })).status).toBe(200);
    const mail = await nextSmtpMail(smtp.received, user.email);
    expect(header(mail, 'Subject')).toBe('Reset your Gatehouse password');
    const { url, token } = linkIn(plainBody(mail.raw), '/portal/reset-password');
    const page = await agent.get(url);
    expect(page.status).toBe(200);
    const done = await agent.post('/portal/reset-password', { token, password: 'new password over smtp', csrf: hidden(page.text, 'csrf') });
    expect(done.status).toBe(200);
    expect((await new Agent(app.url).signIn(user.email, 'new password over smtp')).status).toBe(303);
    expect((await new Agent(app.url).signIn(user.email, user.password)).status).toBe(401);
  });

  it('admin invitation: the email arrives over SMTP; the invitee sets a password through it and signs in', async () => {
    const admin = await signedIn(app, 'admin');
    const csrf = hidden((await admin.agent.get('/portal/admin/users/new')).text, 'csrf');
    const address = `smtp-invite-${Date.now()}@example.com`;
    const res = await admin.agent.post('/portal/admin/users/new', { csrf, email: address, role: 'developer', mode: 'invite' });
    expect(res.location).toMatch(/\?notice=invited$/);
    const mail = await nextSmtpMail(smtp.received, address);
    expect(header(mail, 'Subject')).toBe('You are invited to Gatehouse');
    expect(plainBody(mail.raw)).toContain(admin.user.email);
    const { url, token } = linkIn(plainBody(mail.raw), '/portal/invite');
    const invitee = new Agent(app.url);
    const page = await invitee.get(url);
    expect((await invitee.post('/portal/invite', { token, password: 'invited over smtp', csrf: hidden(page.text, 'csrf') })).status).toBe(200);
    expect((await invitee.signIn(address, 'invited over smtp')).status).toBe(303);
    // The outbox page says mail leaves over SMTP.
    expect((await admin.agent.get('/portal/admin/outbox')).text).toContain('SMTP_URL is set');
  });
});

describe('email over SMTP when the server is down', () => {
  it('logs the failure and answers forgot-password and sign-up as usual (never a 5xx)', async () => {
    const smtp = await startSmtpServer();
    await smtp.close();
    const app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    try {
      const user = await app.createUser();
      const agent = new Agent(app.url);
      const csrf = hidden((await agent.get('/portal/forgot-password')).text, 'csrf');
      const res = await agent.post('/portal/forgot-password', { email: user.email, csrf });
      expect(res.status).toBe(200);
      expect(res.text).toContain('If an account exists');
      const form = await agent.get('/portal/signup');
      const signUp = await agent.post('/portal/signup', {
        email: `down-${Date.now()}@example.com`,
        password: 'mail server is down',
        display_name: '',
        csrf: hidden(form.text, 'csrf'),
        return_to: '/portal',
      });
      expect(signUp.status).toBe(200);
      // The admin's invitation says the email was not sent, and the user exists (the link can be sent again).
      const admin = await signedIn(app, 'admin');
      const c = hidden((await admin.agent.get('/portal/admin/users/new')).text, 'csrf');
      const invite = await admin.agent.post('/portal/admin/users/new', {
        csrf: c,
        email: `down-invite-${Date.now()}@example.com`,
        role: 'developer',
        mode: 'invite',
      });
      expect(invite.location).toMatch(/\?notice=not-sent$/);
      expect((await admin.agent.get(invite.location!)).text).toContain('could not be sent');
    } finally {
      await app.close();
    }
  });
});
