import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ConsentsService } from '../src/oauth/store/consents.service.js';
import { launchChromium, screenshot } from './support/browser.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';

/**
 * A new developer's walk through the portal in headless Chromium: sign up, create an application,
 * copy its secret with the Copy button, use it (from the test, over HTTP), rotate it with a grace
 * period, create an API key and use it, revoke it; and the same pages without JavaScript.
 */
describe('developer portal in headless Chromium', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startTestApp();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const shot = (page: Page, name: string) => screenshot(page, `portal-${name}`);
  const token = (clientId: string, secret: string) =>
    postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

  /** Clicks the Copy button of a secret field and returns what the clipboard then holds. */
  async function copy(page: Page, field: string): Promise<string> {
    const button = page.locator(`button[data-copy="${field}"]`);
    await button.waitFor({ state: 'visible' });
    await button.click();
    await page.waitForSelector(`button[data-copy="${field}"]:has-text("Copied")`);
    // Read the clipboard in the page (a string expression: this file has no DOM types).
    return String(await page.evaluate('navigator.clipboard.readText()'));
  }

  async function signUp(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${app.url}/portal/signup`);
    await page.fill('#display_name', 'Grace Hopper');
    await page.fill('#email', email);
    await page.fill('#password', 'compiler pioneer 1952');
    await page.click('main button[type=submit]');
    // The same answer whether or not the email had an account (issue 13.8): the sign-in form, email filled in.
    await page.waitForSelector('p.notice');
    await page.fill('#password', 'compiler pioneer 1952');
    await Promise.all([page.waitForURL(`${app.url}/portal`), page.click('main button[type=submit]')]);
    return page;
  }

  it('signs up, creates an app, copies and uses its secret, rotates it (old works in grace, then not), creates, uses and revokes an API key', async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    const cspErrors: string[] = [];
    const page = await signUp(context, 'grace@example.com');
    page.on('console', (m) => {
      if (m.type() === 'error') cspErrors.push(m.text());
    });
    expect(await page.textContent('h1')).toContain('Grace Hopper');

    // Create a confidential application with client_credentials.
    await page.click('nav >> text=Applications');
    await page.click('main >> text=New application');
    await page.fill('#name', 'Billing exporter');
    await page.check('input[name=type][value=confidential]');
    await page.check('input[name=grant_types][value=client_credentials]');
    await page.check('input[name=scopes][value="users:read"]');
    await shot(page, '02-new-app');
    await page.click('main button[type=submit]');
    await page.waitForSelector('#client_secret');
    const secret = await page.inputValue('#client_secret');
    expect(secret).toMatch(/^gth_cs_/);
    expect(await page.getAttribute('#client_secret', 'readonly')).not.toBeNull();
    expect(await page.textContent('.warning')).toContain('it will not be shown again');
    const copied = await copy(page, 'client_secret');
    expect(copied).toBe(secret);
    await shot(page, '03-app-created');
    const clientId = (await page.textContent('#client-id'))!.trim();

    // The test runs the guide's requests with the copied secret.
    const first = await token(clientId, copied);
    expect(first.status).toBe(200);
    const users = await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${String(first.body.access_token)}` } });
    expect(users.status).toBe(200);
    expect(JSON.stringify(await users.json())).toContain('grace@example.com');

    // The application page: curl examples with the client id and this server, never the secret.
    await page.click('text=Continue to the application');
    const appUrl = page.url();
    expect(await page.textContent('main')).toContain(`client_id=${clientId}&client_secret=$CLIENT_SECRET`);
    expect(await page.content()).not.toContain(secret);
    await shot(page, '04-app-page');

    // Rotate with a one-hour grace: both secrets work.
    await page.selectOption('#grace_period_seconds', '3600');
    await page.click('text=Rotate secret');
    await page.waitForSelector('#client_secret');
    const second = await copy(page, 'client_secret');
    expect(second).not.toBe(secret);
    expect(await page.textContent('#previous-secret')).toContain('keeps working until');
    await shot(page, '05-secret-rotated');
    expect((await token(clientId, secret)).status).toBe(200);
    expect((await token(clientId, second)).status).toBe(200);
    // Rotate again with no grace: the previous secrets stop at once.
    await page.goto(appUrl);
    await page.selectOption('#grace_period_seconds', '0');
    await page.click('text=Rotate secret');
    await page.waitForSelector('#client_secret');
    const third = await page.inputValue('#client_secret');
    expect((await token(clientId, secret)).status).toBe(401);
    expect((await token(clientId, second)).status).toBe(401);
    expect((await token(clientId, third)).status).toBe(200);

    // An API key: create, copy, call /v1/data with it, see it listed, revoke it.
    await page.click('nav >> text=API keys');
    await page.click('text=Create an API key');
    await page.fill('#name', 'nightly export');
    await page.check('input[name=scopes][value="data:write"]');
    await page.click('main button[type=submit]');
    await page.waitForSelector('#api_key');
    const key = await copy(page, 'api_key');
    expect(key).toBe(await page.inputValue('#api_key'));
    expect(key).toMatch(/^gth_live_/);
    await shot(page, '06-key-created');
    const created = await fetch(`${app.url}/v1/data`, {
      method: 'POST',
      headers: { 'X-API-Key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { from: 'the portal walk' } }),
    });
    expect(created.status).toBe(201);
    const list = await fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': key } });
    expect(list.status).toBe(200);
    expect(JSON.stringify(await list.json())).toContain('the portal walk');

    await page.click('nav >> text=API keys');
    expect(await page.textContent('main table')).toContain('nightly export');
    await shot(page, '07-keys');
    await page.click('main table >> text=nightly export');
    await page.click('text=Revoke…');
    await shot(page, '08-revoke-key');
    await page.click('button:has-text("Revoke the key")');
    await page.waitForURL(`${app.url}/portal/keys?notice=revoked`);
    const refused = await fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': key } });
    expect(refused.status).toBe(401);

    // Connected apps: an application Grace allowed, withdrawn with one button.
    const other = await app.createClient({
      name: 'Calendar Sync',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://cal.example/cb'],
      scopes: ['profile'],
    });
    const me = await fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${String((await token(clientId, third)).body.access_token)}` } });
    const grace = ((await me.json()) as { data: { id: string; email: string }[] }).data.find((u) => u.email === 'grace@example.com')!;
    await app.get(ConsentsService).remember(grace.id, other.id, ['profile']);
    await page.click('nav >> text=Connected apps');
    expect(await page.textContent('main table')).toContain('Calendar Sync');
    await shot(page, '09-connected-apps');
    await page.click('a:has-text("Withdraw")');
    await page.waitForURL(`${app.url}/portal/connected-apps/${other.clientId}/revoke`);
    await page.click('form.confirm-actions button:has-text("Withdraw")');
    await page.waitForURL(`${app.url}/portal/connected-apps?notice=withdrawn`);
    expect(await page.textContent('main')).not.toContain('Calendar Sync');

    await page.click('nav >> text=Dashboard');
    expect(await page.textContent('main')).toContain('Billing exporter');
    expect(await page.textContent('main')).toContain('nightly export');
    await shot(page, '01-dashboard');
    expect(cspErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await context.close();
  });

  it('works without JavaScript: no Copy button, the secret in a readonly, selectable field; deletion asks first', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await signUp(context, 'nojs@example.com');
    await page.goto(`${app.url}/portal/apps/new`);
    await page.fill('#name', 'No script');
    await page.click('main button[type=submit]');
    await page.waitForSelector('#client_secret');
    expect(await page.isVisible('button[data-copy]')).toBe(false);
    const secret = await page.inputValue('#client_secret');
    const clientId = (await page.textContent('#client-id'))!.trim();
    expect((await token(clientId, secret)).status).toBe(200);
    await page.click('text=Continue to the application');
    await page.click('text=Delete…');
    await page.click('button:has-text("Delete the application")');
    await page.waitForURL(`${app.url}/portal?notice=app-deleted`);
    expect(await page.textContent('main')).toContain('No applications yet.');
    expect((await token(clientId, secret)).status).toBe(401);
    await context.close();
  });
});
