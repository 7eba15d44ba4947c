import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot } from './support/browser.js';
import { startTestApp, type TestApp } from './support/app.js';
import { linkIn, nextOutboxMail } from './support/mail.js';

/**
 * The account page in headless Chromium, at desktop width and at 390 px (the document never wider
 * than the viewport): change password, the list of sessions with this browser marked, sign out
 * everywhere else; forgot password from the sign-in page; the admin's new pages at 390 px.
 */
describe('account pages in headless Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  const PW = 'correct horse battery staple';

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startTestApp();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const WIDEST =
    "[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 || e.scrollWidth > e.clientWidth + 1).map((e) => e.tagName + '.' + e.className).slice(-5).join(' ')";
  const fits = async (page: Page) => {
    const ok = await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
    expect({ url: page.url(), ok, wider: ok ? '' : await page.evaluate(WIDEST) }).toEqual({ url: page.url(), ok: true, wider: '' });
  };

  async function signIn(context: BrowserContext, email: string, password: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${app.url}/portal/signin`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(`${app.url}/portal`), page.click('main button[type=submit]')]);
    return page;
  }

  for (const [label, viewport] of [
    ['desktop', { width: 1280, height: 900 }],
    ['390px', { width: 390, height: 844 }],
  ] as const) {
    it(`changes the password, lists the sessions and signs out everywhere else (${label})`, async () => {
      const user = await app.createUser();
      const other = await browser.newContext({ viewport });
      const otherPage = await signIn(other, user.email, PW);
      const context = await browser.newContext({ viewport });
      const page = await signIn(context, user.email, PW);
      const errors: string[] = [];
      page.on('console', (m) => {
        // Pages answered 400 on purpose (a wrong password) are logged as failed loads: only script and CSP errors count.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
      });
      await page.click('nav >> text=Account');
      await page.waitForURL(`${app.url}/portal/account`);
      expect(await page.textContent('h1')).toBe('Your account');
      expect(await page.locator('ul.sessions li').count()).toBe(2);
      expect(await page.textContent('ul.sessions li.current')).toContain('(this browser)');
      await fits(page);
      await screenshot(page, `account-${label}-01-page`);

      // Sign out everywhere else: the other browser is signed out, this one is not.
      await Promise.all([page.waitForURL(/notice=others-ended/), page.click('text=Sign out everywhere else')]);
      expect(await page.textContent('p.notice')).toContain('Every other session is signed out');
      expect(await page.locator('ul.sessions li').count()).toBe(1);
      await otherPage.reload();
      expect(otherPage.url()).toContain('/portal/signin');
      await fits(page);

      // A wrong current password: the error next to the field.
      await page.fill('#current_password', 'not the password');
      await page.fill('#new_password', 'a new and long password');
      await page.click('form[action="/portal/account/password"] button[type=submit]');
      await page.waitForSelector('#current_password-error');
      expect(await page.getAttribute('#current_password', 'aria-invalid')).toBe('true');
      await fits(page);
      await screenshot(page, `account-${label}-02-wrong-password`);

      // The right one: changed, still signed in here, the new password works elsewhere.
      const again = await signIn(other, user.email, PW);
      await page.fill('#current_password', PW);
      await page.fill('#new_password', 'a new and long password');
      await Promise.all([page.waitForURL(/notice=password-changed/), page.click('form[action="/portal/account/password"] button[type=submit]')]);
      expect(await page.textContent('p.notice')).toContain('Password changed');
      await again.reload();
      expect(again.url()).toContain('/portal/signin');
      await fits(page);
      await screenshot(page, `account-${label}-03-changed`);
      const fresh = await browser.newContext({ viewport });
      await signIn(fresh, user.email, 'a new and long password');
      await fresh.close();
      expect(errors).toEqual([]);
      await context.close();
      await other.close();
    });
  }

  it('forgot password from the sign-in page, the emailed link, a new password (390 px)', async () => {
    const user = await app.createUser();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/portal/signin`);
    await page.click('text=Forgot your password?');
    await page.fill('#email', user.email);
    await page.click('main button[type=submit]');
    await page.waitForSelector('p.notice');
    await fits(page);
    await screenshot(page, 'account-390px-04-forgot');
    const { url } = linkIn((await nextOutboxMail(app, user.email)).body, '/portal/reset-password');
    await page.goto(url);
    await fits(page);
    await page.fill('#password', 'reset in the browser');
    await page.click('main button[type=submit]');
    await page.waitForSelector('p.notice');
    await page.fill('#email', user.email);
    await page.fill('#password', 'reset in the browser');
    await Promise.all([page.waitForURL(`${app.url}/portal`), page.click('main button[type=submit]')]);
    await context.close();
  });

  it("fits the admin's new pages at 390 px: new user, user detail, outbox and a message", async () => {
    const admin = await app.createUser({ role: 'admin' });
    const target = await app.createUser();
    await app.createClient({ ownerId: target.id, name: 'A client with a rather long name for a narrow screen' });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await signIn(context, admin.email, PW);
    await page.goto(`${app.url}/portal/admin/users/new`);
    await page.fill('#email', `invited-${Date.now()}@example.com`);
    await Promise.all([page.waitForURL(/notice=invited/), page.click('main button[type=submit]')]);
    await fits(page);
    await screenshot(page, 'account-390px-05-admin-invited');
    await page.goto(`${app.url}/portal/admin/users/${target.id}`);
    await fits(page);
    await screenshot(page, 'account-390px-06-admin-detail');
    await page.goto(`${app.url}/portal/admin/outbox`);
    await fits(page);
    await page.click('td a >> nth=0');
    await page.waitForSelector('pre.mail a');
    await fits(page);
    await screenshot(page, 'account-390px-07-outbox-message');
    await context.close();
  });
});
