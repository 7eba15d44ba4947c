import type { Browser, Page } from 'playwright-core';
import { ApiKeyUsageService } from '../src/api-keys/api-key-usage.service.js';
import { ClientUsageService } from '../src/clients/client-usage.service.js';
import { launchChromium, screenshot } from './support/browser.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';

/**
 * Issue 17, items 1 and 4, in headless Chromium, at desktop width and at 390 px: every "shown once"
 * page reloaded says "already shown" and nothing is made twice (rows counted in the database); a key
 * rotated shows its pair, is stopped early; filters, rename, a gth_test_ key; an application's live
 * secrets, the previous one ended early, its last use. No page is wider than the viewport.
 */
describe.each([
  ['desktop', { width: 1280, height: 900 }],
  ['390px', { width: 390, height: 844 }],
])('keys and secrets in Chromium (%s)', (label, viewport) => {
  let app: TestApp;
  let browser: Browser;
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startTestApp();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The page fits the viewport (no horizontal scrolling of the document), and a screenshot of it. */
  async function fits(page: Page, name: string): Promise<void> {
    const [scroll, inner] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect(scroll).toBeLessThanOrEqual(inner);
    await screenshot(page, `keys-${label}-${name}`);
  }

  const token = (clientId: string, secret: string) =>
    postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  const data = (key: string) => fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': key } });

  async function signIn(): Promise<{ page: Page; userId: string }> {
    const user = await app.createUser();
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${app.url}/portal/signin`);
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await Promise.all([page.waitForURL(`${app.url}/portal`), page.click('main button[type=submit]')]);
    return { page, userId: user.id };
  }

  it('creates an application, reloads the secret page ("already shown", one application), rotates, reloads, lists live secrets, ends the previous early', async () => {
    const { page, userId } = await signIn();
    await page.goto(`${app.url}/portal/apps/new`);
    await page.fill('#name', 'Billing exporter');
    await page.check('input[name=grant_types][value=client_credentials]');
    await Promise.all([page.waitForURL(/\/portal\/apps\/[^/]+\/shown\//), page.click('main button[type=submit]')]);
    const secret = await page.inputValue('#client_secret');
    const clientId = (await page.textContent('#client-id'))!.trim();
    await fits(page, '01-app-created');
    await page.reload();
    expect(await page.textContent('h1')).toBe('Already shown');
    expect(await page.textContent('#already-shown')).toContain('This secret was already shown');
    expect(await page.content()).not.toContain(secret);
    await fits(page, '02-app-reloaded');
    expect(await sql(`SELECT 1 FROM clients WHERE owner_id = $1`, [userId])).toHaveLength(1);
    expect((await token(clientId, secret)).status).toBe(200);

    await page.click('text=Go to the application');
    await page.selectOption('#grace_period_seconds', '86400');
    await Promise.all([page.waitForURL(/\/shown\//), page.click('text=Rotate secret')]);
    const second = await page.inputValue('#client_secret');
    await page.reload();
    expect(await page.textContent('#already-shown')).toContain('already shown');
    expect(await sql(`SELECT 1 FROM client_secrets s JOIN clients c ON c.id = s.client_pk WHERE c.client_id = $1`, [clientId])).toHaveLength(2);

    await page.click('text=Go to the application');
    await app.get(ClientUsageService).flush();
    await page.reload();
    expect(await page.textContent('#live-secrets-count')).toBe('2 secrets work now.');
    expect(await page.textContent('#live-secrets')).toMatch(/previous secret: stops working in 2[34] h/);
    expect(await page.getAttribute('#client-last-used time', 'datetime')).toMatch(/^\d{4}-/);
    await fits(page, '03-app-secrets');
    await page.click('text=End the previous secret now…');
    await fits(page, '04-end-previous');
    await Promise.all([page.waitForURL(/notice=previous-ended/), page.click('button:has-text("End the previous secret")')]);
    expect(await page.textContent('#live-secrets-count')).toBe('1 secret works now.');
    expect((await token(clientId, secret)).status).toBe(401);
    expect((await token(clientId, second)).status).toBe(200);
    await page.context().close();
  });

  it('creates a test key, reloads ("already shown", one key), rotates and reloads, sees the pair, filters, renames, stops the old key early', async () => {
    const { page, userId } = await signIn();
    await page.goto(`${app.url}/portal/keys/new`);
    await page.fill('#name', 'nightly export');
    await page.check('input[name=environment][value=test]');
    await fits(page, '05-new-key');
    await Promise.all([page.waitForURL(/\/portal\/keys\/[^/]+\/shown\//), page.click('main button[type=submit]')]);
    const first = await page.inputValue('#api_key');
    expect(first).toMatch(/^gth_test_/);
    await fits(page, '06-key-created');
    await page.reload();
    expect(await page.textContent('#already-shown')).toContain('This key was already shown');
    expect(await page.content()).not.toContain(first);
    expect(await sql(`SELECT 1 FROM api_keys WHERE owner_id = $1`, [userId])).toHaveLength(1);
    expect((await data(first)).status).toBe(200);

    await page.click('text=Go to the key');
    const oldUrl = page.url();
    await page.selectOption('#grace_period_seconds', '86400');
    await Promise.all([page.waitForURL(/\/shown\//), page.click('text=Rotate key')]);
    const second = await page.inputValue('#api_key');
    expect(await page.textContent('#previous-key')).toContain('keeps working until');
    await page.reload();
    expect(await page.textContent('#already-shown')).toContain('already shown');
    expect(await sql(`SELECT 1 FROM api_keys WHERE owner_id = $1`, [userId])).toHaveLength(2);

    // The list: the pair, the filters.
    await app.get(ApiKeyUsageService).flush();
    await page.goto(`${app.url}/portal/keys`);
    const table = (await page.textContent('main table'))!;
    expect(table).toMatch(/rotating\s+replaced by gth_test_\w+…\w{4}, stops working in 2[34] h/);
    await fits(page, '07-keys-pair');
    await page.click('nav.filters >> text=Rotating');
    expect(page.url()).toBe(`${app.url}/portal/keys?status=rotating`);
    expect(await page.locator('main table tbody tr').count()).toBe(1);
    await page.click('nav.filters >> text=Revoked');
    expect(await page.textContent('main')).toContain('No API keys here.');
    await fits(page, '08-keys-filter');

    // Rename the new key.
    await page.goto(`${app.url}/portal/keys`);
    await page.click('main table >> text=nightly export >> nth=0');
    await page.fill('#name', ''); // the form has novalidate: the server's message, next to the field
    await page.click('button:has-text("Rename")');
    expect(await page.textContent('#name-error')).toContain('name must be longer than or equal to 1 characters');
    await page.fill('#name', 'nightly export (v2)');
    await Promise.all([page.waitForURL(/notice=renamed/), page.click('button:has-text("Rename")')]);
    expect(await page.textContent('h1')).toContain('nightly export (v2)');

    // Stop the old key early.
    await page.goto(oldUrl);
    expect(await page.textContent('#key-rotation')).toMatch(/replaced by gth_test_\w+…\w{4}, stops working in 2[34] h/);
    await fits(page, '09-key-rotated');
    await page.click('text=Stop the old key now…');
    await fits(page, '10-expire-confirm');
    await Promise.all([page.waitForURL(/notice=expired/), page.click('button:has-text("Stop the old key now")')]);
    expect(await page.textContent('#key-status')).toBe('expired');
    expect((await data(first)).status).toBe(401);
    expect((await data(second)).status).toBe(200);
    await fits(page, '11-key-expired');
    await page.context().close();
  });
});
