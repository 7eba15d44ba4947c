import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from './support/browser.js';
import { freePort, startTestApp, type TestApp } from './support/app.js';
import { startSpa } from './support/spa.js';

interface SpaState {
  steps: Record<string, Record<string, unknown>>;
  done: boolean;
  error: string | undefined;
}

/**
 * A single-page app on another origin (127.0.0.1 on another port, in CORS_ORIGINS), in headless
 * Chromium, with oauth4webapi in the page: every request to Gatehouse is a cross-origin fetch the
 * browser checks. Discovery, the key set and the protected-resource metadata need no CORS_ORIGINS
 * (they answer any origin); the token endpoint and the API answer this origin only.
 */
describe('a single-page app on another origin, in headless Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let spa: Server;
  let origin: string;
  let clientId: string;
  const password = 'correct horse battery staple';
  let email: string;

  beforeAll(async () => {
    browser = await launchChromium();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    app = await startTestApp({ env: { CORS_ORIGINS: origin } });
    const c = await app.createClient({
      name: 'Photo SPA',
      type: 'public',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [`${origin}/cb`],
      scopes: ['profile', 'data:read'],
    });
    clientId = c.clientId;
    email = (await app.createUser({ password })).email;
    spa = await startSpa(port, { issuer: app.url, resource: app.config.audience, clientId, scope: 'openid profile data:read' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => spa?.close(r));
    await app?.close();
  });

  const state = (page: Page): Promise<SpaState> => page.evaluate(() => (globalThis as unknown as { spa: SpaState }).spa);
  const settled = async (page: Page): Promise<SpaState> => {
    await page.waitForFunction(() => (globalThis as unknown as { spa?: SpaState }).spa?.done === true, undefined, { timeout: 20_000 });
    return state(page);
  };

  it('discovers cross-origin, signs in and consents, exchanges the code with PKCE, validates the ID token, reads UserInfo, calls the API, refreshes and revokes', async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') refused.push(m.text());
    });
    await page.goto(`${origin}/`);
    const first = await settled(page);
    expect(first.error).toBeUndefined();
    expect(first.steps.discovery).toEqual({
      issuer: app.url,
      token_endpoint: `${app.url}/oauth2/token`,
      authorization_endpoint: `${app.url}/oauth2/authorize`,
    });
    expect((first.steps.jwks.kids as string[]).length).toBeGreaterThan(0);
    expect(first.steps.jwks.kty).toContain('EC');
    expect(first.steps.challenge).toEqual({ status: 401, resource_metadata: `${app.url}/.well-known/oauth-protected-resource/v1` });
    expect(first.steps.resource).toEqual({ resource: app.config.audience, authorization_servers: [app.url], bearer_methods_supported: ['header'] });

    await page.click('#sign-in');
    await page.waitForSelector('#email');
    expect(new URL(page.url()).origin).toBe(app.url);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    await page.waitForSelector('button[value=allow]');
    expect(await page.textContent('h1')).toContain('Photo SPA');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(`${origin}/cb`)), page.click('button[value=allow]')]);

    const done = await settled(page);
    await screenshot(page, 'spa-01-done');
    expect(done.error).toBeUndefined();
    expect(done.steps.exchange).toEqual({ token_type: 'bearer', scope: 'openid profile data:read', refresh: true });
    // OpenID Connect from the browser: the ID token (nonce), then UserInfo cross-origin (CORS_ORIGINS).
    const sub = (done.steps.api.body as { id: string }).id;
    expect(done.steps.id_token).toEqual({ sub, nonce: true, azp: clientId });
    expect(done.steps.userinfo).toMatchObject({ sub, email: null });
    expect(done.steps.api).toMatchObject({ status: 200, body: { email } });
    expect(done.steps.refresh).toEqual({ rotated: true, api: 200 });
    expect(done.steps.revoke).toEqual({ refreshAfter: 'invalid_grant', apiAfter: 401 });
    // The only errors the browser logged are the expected 401s and the refused refresh, never a CORS refusal.
    expect(refused.filter((m) => /CORS|Access-Control/i.test(m))).toEqual([]);
    await page.close();
  }, 60_000);

  it('an origin not in CORS_ORIGINS still reads the public metadata, but the browser withholds the token endpoint and the API from it', async () => {
    const otherPort = await freePort();
    const other = await startSpa(otherPort, { issuer: app.url, resource: app.config.audience, clientId, scope: 'profile' });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${otherPort}/`);
      const result = await settled(page);
      // Discovery and the key set worked (CORS *); the 401 of the API could not be read: the step fails there.
      expect(result.steps.discovery).toMatchObject({ issuer: app.url });
      expect(result.steps.jwks).toBeDefined();
      expect(result.steps.challenge).toBeUndefined();
      expect(result.error).toMatch(/Failed to fetch/);
      const token = await page.evaluate(async (url) => {
        try {
          await fetch(url, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
          return 'read';
        } catch {
          return 'blocked';
        }
      }, `${app.url}/oauth2/token`);
      expect(token).toBe('blocked');
      await page.close();
    } finally {
      await new Promise((r) => other.close(r));
    }
  }, 60_000);
});
