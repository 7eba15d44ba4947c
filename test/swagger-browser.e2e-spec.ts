import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, screenshot } from './support/browser.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { call, keyOwner } from './support/keys.js';

/**
 * Swagger UI at /docs, as an admin uses it, in headless Chromium: Authorize with the authorization
 * code flow + PKCE (first-party public client gatehouse-swagger-ui) through this server's sign-in page,
 * then "Try it out" on an admin endpoint; a pasted Bearer token; a pasted API key. The page runs
 * under its Content-Security-Policy, and no request leaves this server.
 */
describe('Swagger UI in headless Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let admin: { id: string; email: string; password: string };
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startTestApp();
    admin = await app.createUser({ role: 'admin', email: 'swagger.admin@example.com' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const shot = (page: Page, name: string) => screenshot(page, name);

  /** A fresh browser profile; console errors (CSP violations among them) and off-site requests are collected. */
  async function context(): Promise<BrowserContext> {
    const ctx = await browser.newContext();
    ctx.on('page', (p) => watch(p));
    ctx.on('request', (r) => {
      if (!r.url().startsWith(app.url) && !r.url().startsWith('data:')) problems.push(`request off-site: ${r.url()}`);
    });
    return ctx;
  }

  function watch(page: Page): void {
    page.on('console', (m) => {
      // Failed loads are reported below with their URL (the browser asks for /favicon.ico by itself).
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error on ${page.url()}: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') problems.push(`${r.status()} for ${r.request().method()} ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  }

  async function openDocs(ctx: BrowserContext): Promise<Page> {
    const page = await ctx.newPage();
    await page.goto(`${app.url}/docs`);
    await page.waitForSelector('button.authorize');
    return page;
  }

  /** The Authorize dialog's section of one security scheme (by its name in the OpenAPI document). */
  function scheme(page: Page, name: string): Locator {
    // Its heading reads "bearer (http, Bearer)", "oauth2-client-credentials (OAuth2, clientCredentials)"...
    return page.locator('.modal-ux .auth-container', { has: page.locator('h4', { hasText: new RegExp(`^${name}(\\s|$)`) }) });
  }

  /** Expands an operation, presses "Try it out" and "Execute"; returns the response shown. */
  async function tryIt(page: Page, method: string, path: string): Promise<{ code: string; body: string }> {
    const op = page.locator(`.opblock-${method}:has(.opblock-summary-path[data-path="${path}"])`).first();
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.try-out__btn').click();
    return tryItOpen(op);
  }

  /** "Execute" on an operation already in "Try it out"; returns the response shown. */
  async function tryItOpen(op: Locator): Promise<{ code: string; body: string }> {
    await op.locator('button.execute').click();
    const row = op.locator('.live-responses-table .response').first();
    await row.waitFor();
    // The status cell reads "200", plus "Undocumented" for a status the document does not list.
    const code = (await row.locator('.response-col_status').innerText()).trim().split(/\s+/)[0];
    const body = await row.locator('.response-col_description pre').first().innerText();
    return { code, body };
  }

  it('serves /docs under a CSP that allows only its own files', async () => {
    const res = await fetch(`${app.url}/docs`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const redirect = await fetch(`${app.url}/docs/oauth2-redirect.html`);
    expect(redirect.status).toBe(200);
    expect(redirect.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await redirect.text()).toContain('<script src="oauth2-redirect.js"></script>');
  });

  it('authorizes through the code flow with PKCE as an admin, then calls GET /v1/admin/users with "Try it out"', async () => {
    const ctx = await context();
    const page = await openDocs(ctx);
    await shot(page, 'swagger-01-docs');
    await page.click('button.authorize');
    const dialog = page.locator('.modal-ux');
    await dialog.waitFor();
    // The section stays the same element once authorized (its inputs are replaced by "Authorized").
    const section = scheme(page, 'oauth2-authorization-code');
    expect(await section.locator('#client_id_authorizationCode').inputValue()).toBe('gatehouse-swagger-ui');
    // A public client with PKCE: no client_secret field to puzzle over.
    expect(await section.locator('#client_secret_authorizationCode').count()).toBe(1);
    expect(await section.locator('#client_secret_authorizationCode').isVisible()).toBe(false);
    await section.locator('label[for="admin-authorizationCode-checkbox-oauth2-authorization-code"]').click();
    expect(await section.locator('#admin-authorizationCode-checkbox-oauth2-authorization-code').isChecked()).toBe(true);
    await shot(page, 'swagger-02-authorize-dialog');

    const [popup] = await Promise.all([page.waitForEvent('popup'), section.locator('button.authorize').click()]);
    await popup.waitForURL((u) => u.pathname === '/portal/signin');
    const authorizeUrl = new URL(decodeURIComponent(new URL(popup.url()).searchParams.get('return_to')!), app.url);
    expect(Object.fromEntries(authorizeUrl.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'gatehouse-swagger-ui',
      redirect_uri: `${app.url}/docs/oauth2-redirect.html`,
      code_challenge_method: 'S256',
    });
    expect(authorizeUrl.searchParams.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['admin', 'profile']));
    await popup.fill('#email', admin.email);
    await popup.fill('#password', admin.password);
    await shot(popup, 'swagger-03-sign-in');
    const closed = popup.waitForEvent('close');
    // A consent page is shown to third-party clients; Swagger UI is first-party and skips it.
    const consent = popup
      .waitForSelector('button[value=allow]', { timeout: 10_000 })
      .then(() => popup.click('button[value=allow]'))
      .catch(() => undefined);
    await popup.click('button[type=submit]');
    await closed;
    await consent;

    await section.locator('button', { hasText: 'Logout' }).waitFor();
    await shot(page, 'swagger-04-authorized');
    await dialog.locator('button.close-modal').click();

    const res = await tryIt(page, 'get', '/v1/admin/users');
    await shot(page, 'swagger-05-admin-users-response');
    expect(res.code).toBe('200');
    expect(res.body).toContain(admin.email);
    await ctx.close();
  });

  it('calls an endpoint with a pasted Bearer token', async () => {
    const client = await app.createClient({ scopes: ['users:read'] });
    const token = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    const ctx = await context();
    const page = await openDocs(ctx);
    await page.click('button.authorize');
    const section = scheme(page, 'bearer');
    await section.locator('input').first().fill(String(token.body.access_token));
    await section.locator('button.authorize').click();
    await section.locator('button', { hasText: 'Logout' }).waitFor();
    await shot(page, `swagger-06-bearer-authorized`);
    await page.locator('.modal-ux button.close-modal').click();
    const res = await tryIt(page, 'get', '/v1/users');
    await shot(page, 'swagger-07-bearer-users-response');
    expect(res.code).toBe('200');
    expect(res.body).toContain(admin.email);
    await ctx.close();
  });

  it('calls /v1/data with a pasted API key', async () => {
    const owner = await keyOwner(app);
    const key = await owner.createKey();
    const stored = await call(app, 'POST', '/v1/data', { key: key.key, body: { data: { note: 'seen through Swagger UI' } } });
    expect(stored.status).toBe(201);
    const ctx = await context();
    const page = await openDocs(ctx);
    await page.click('button.authorize');
    const section = scheme(page, 'apiKey');
    await section.locator('input').first().fill(key.key);
    await section.locator('button.authorize').click();
    await section.locator('button', { hasText: 'Logout' }).waitFor();
    await shot(page, `swagger-08-api-key-authorized`);
    await page.locator('.modal-ux button.close-modal').click();
    const res = await tryIt(page, 'get', '/v1/data');
    await shot(page, 'swagger-09-api-key-data-response');
    expect(res.code).toBe('200');
    expect(res.body).toContain('seen through Swagger UI');
    await ctx.close();
  });

  it('authorizes with client credentials with the demo client exactly as npm start printed it, on the first try, then calls GET /v1/users', async () => {
    const demo = app.running.firstStart?.demoClient;
    expect(demo).toBeDefined();
    const ctx = await context();
    const page = await openDocs(ctx);
    // The dialog's forms: one per scheme, each input's id used once, no field Swagger UI cannot send.
    await page.click('button.authorize');
    const names = (await page.locator('.modal-ux .auth-container h4').allInnerTexts()).map((t) => t.trim().split(/\s/)[0]);
    expect(names).toEqual(['bearer', 'oauth2-client-credentials', 'oauth2-authorization-code', 'apiKey']);
    const ids: string[] = await page.locator('.modal-ux [id]').evaluateAll((els: { id: string }[]) => els.map((e) => e.id));
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const section = scheme(page, 'oauth2-client-credentials');
    // Empty, nothing pre-checked: not the Swagger UI client's id, not the code flow's `profile`.
    expect(await section.locator('#client_id_clientCredentials').inputValue()).toBe('');
    expect(await section.locator('input[type=checkbox]:checked').count()).toBe(0);
    await section.locator('#client_id_clientCredentials').fill(demo!.clientId);
    await section.locator('#client_secret_clientCredentials').fill(demo!.clientSecret);
    const [tokenResponse] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/oauth2/token'),
      section.locator('button.authorize').click(),
    ]);
    expect(tokenResponse.status()).toBe(200);
    const issued = (await tokenResponse.json()) as { scope?: string; access_token: string };
    expect(issued.scope?.split(' ')).toEqual(expect.arrayContaining(['users:read']));
    await section.locator('button', { hasText: 'Logout' }).waitFor();
    // Authorizing one flow does not show the other as authorized.
    expect(await scheme(page, 'oauth2-authorization-code').locator('button', { hasText: 'Logout' }).count()).toBe(0);
    await shot(page, 'swagger-10-client-credentials-authorized');
    await page.locator('.modal-ux button.close-modal').click();
    const res = await tryIt(page, 'get', '/v1/users');
    expect(res.code).toBe('200');
    expect(res.body).toContain(admin.email);
    await ctx.close();
  });

  it('lists no "Not allowed" operations and starts with a "Start here" guide', async () => {
    const ctx = await context();
    const page = await openDocs(ctx);
    expect(await page.locator('.opblock-summary-description', { hasText: 'Not allowed' }).count()).toBe(0);
    await expect(page.locator('.info .description').innerText()).resolves.toContain('Start here');
    await ctx.close();
  });

  it('calls /v1/data with a pasted API key sent as the api_key query parameter (deprecated form)', async () => {
    const owner = await keyOwner(app);
    const key = await owner.createKey();
    expect((await call(app, 'POST', '/v1/data', { key: key.key, body: { data: { note: 'read by query key' } } })).status).toBe(201);
    const ctx = await context();
    const page = await openDocs(ctx);
    // No Authorize: the deprecated parameter is a (struck-through) parameter of the operation.
    const op = page.locator(`.opblock-get:has(.opblock-summary-path[data-path="/v1/data"])`).first();
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.try-out__btn').click();
    await op.locator('tr[data-param-name="api_key"] input').fill(key.key);
    const [request] = await Promise.all([
      page.waitForRequest((r) => new URL(r.url()).pathname === '/v1/data'),
      tryItOpen(op).then((res) => {
        expect(res.code).toBe('200');
        expect(res.body).toContain('read by query key');
      }),
    ]);
    expect(new URL(request.url()).searchParams.get('api_key')).toBe(key.key);
    await ctx.close();
  });

  it('runs the admin console without JavaScript: sign in, disable a user (confirmation page, then notice), see clients, keys and the audit log', async () => {
    const target = await app.createUser({ email: 'to.be.disabled@example.com' });
    const owner = await keyOwner(app);
    await owner.createKey({ name: 'nightly export' });
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    ctx.on('page', (p) => watch(p));
    const page = await ctx.newPage();
    await page.goto(`${app.url}/portal/admin/users`);
    expect(new URL(page.url()).pathname).toBe('/portal/signin');
    await page.fill('#email', admin.email);
    await page.fill('#password', admin.password);
    await page.click('button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/portal/admin/users');
    await page.fill('#q', 'to.be.disabled');
    await page.click('form.filters button[type=submit]');
    await shot(page, 'admin-01-users');
    const row = page.locator('tr', { hasText: target.email });
    // Disable asks first: a confirmation page (a plain link), then the POST, then the list with a notice.
    await row.getByRole('link', { name: 'Disable', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe(`/portal/admin/users/${target.id}/confirm`);
    expect(await page.locator('h1').innerText()).toContain(target.email);
    await page.click('form.confirm-actions button[type=submit]');
    expect(page.url()).toBe(`${app.url}/portal/admin/users?q=to.be.disabled&done=user-disabled`);
    expect(await page.locator('[role=status]').innerText()).toContain('The user was disabled');
    expect(await page.locator('tr', { hasText: target.email }).locator('.status').innerText()).toBe('disabled');
    await page.click('nav.admin-nav >> text=Applications');
    await shot(page, 'admin-02-clients');
    await page.click('nav.admin-nav >> text=API keys');
    expect(await page.locator('tr', { hasText: 'nightly export' }).innerText()).toContain(owner.user.email);
    await shot(page, 'admin-03-keys');
    await page.click('nav.admin-nav >> text=Audit log');
    await page.selectOption('#type', 'admin.user_changed');
    await page.click('form.filters button[type=submit]');
    expect(await page.locator('tbody tr').first().innerText()).toContain(target.id);
    await shot(page, 'admin-04-audit');
    await ctx.close();
  });

  it('saw no console error, CSP violation or off-site request (run last)', () => {
    expect(problems).toEqual([]);
  });
});
