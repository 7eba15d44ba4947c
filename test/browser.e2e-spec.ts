import { createServer, type Server } from 'node:http';
import * as oauth from 'oauth4webapi';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from './support/browser.js';
import { freePort, startTestApp, type TestApp } from './support/app.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/**
 * The whole authorization code flow in a real browser (headless Chromium): sign up, consent,
 * redirect to the client's loopback server; then oauth4webapi exchanges the code with PKCE,
 * refreshes and revokes, as a real client would.
 */
describe('authorization code flow in headless Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let callback: Server;
  let redirectUri: string;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;
  let clientAuth: oauth.ClientAuth;
  const received: URL[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startTestApp();
    const port = await freePort();
    redirectUri = `http://127.0.0.1:${port}/cb`;
    callback = createServer((req, res) => {
      const url = new URL(req.url ?? '/', redirectUri);
      if (url.pathname === '/cb') received.push(url); // not the browser's /favicon.ico
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Client</title><h1>Back at the client</h1>');
    });
    await new Promise<void>((r) => callback.listen(port, '127.0.0.1', r));
    const c = await app.createClient({
      name: 'Photo Printer',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [redirectUri],
      scopes: ['profile', 'data:read'],
    });
    client = { client_id: c.clientId };
    clientAuth = oauth.ClientSecretPost(c.clientSecret!);
    const issuer = new URL(app.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => callback?.close(r));
    await app?.close();
  });

  const shot = (page: Page, name: string) => screenshot(page, name);

  async function startFlow(page: Page): Promise<{ verifier: string; state: string }> {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      scope: 'profile data:read',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(url.href);
    return { verifier, state };
  }

  async function exchange(callbackUrl: URL, verifier: string, state: string): Promise<oauth.TokenEndpointResponse> {
    const params = oauth.validateAuthResponse(as, client, callbackUrl, state);
    const res = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, verifier, insecure);
    return oauth.processAuthorizationCodeResponse(as, client, res);
  }

  it('signs up, consents, comes back with a code; the client exchanges, refreshes and revokes', async () => {
    const page = await browser.newPage();
    const { verifier, state } = await startFlow(page);
    expect(new URL(page.url()).pathname).toBe('/portal/signin');
    await shot(page, '01-sign-in');
    await page.click('text=Create one');
    expect(new URL(page.url()).pathname).toBe('/portal/signup');
    await page.fill('#display_name', 'Ada Lovelace');
    await page.fill('#email', 'ada@example.com');
    await page.fill('#password', 'analytical engine 1843');
    await shot(page, '02-sign-up');
    await page.click('button[type=submit]');
    // Sign-up answers the same whether or not the email had an account (issue 13.8): sign in next.
    await page.waitForSelector('p.notice');
    expect(new URL(page.url()).pathname).toBe('/portal/signup');
    expect(await page.inputValue('#email')).toBe('ada@example.com');
    await page.fill('#password', 'analytical engine 1843');
    await page.click('button[type=submit]');
    await page.waitForSelector('button[value=allow]');
    expect(await page.textContent('h1')).toContain('Photo Printer');
    expect(await page.textContent('ul.scopes')).toContain('See your name, email address and role');
    await shot(page, '03-consent');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(redirectUri)), page.click('button[value=allow]')]);
    await shot(page, '04-back-at-client');

    const back = received.at(-1)!;
    expect(back.searchParams.get('iss')).toBe(app.url);
    expect(back.searchParams.get('state')).toBe(state);
    const tokens = await exchange(back, verifier, state);
    expect(tokens.scope).toBe('profile data:read');
    const me = await fetch(`${app.url}/v1/users/me`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(await me.json()).toMatchObject({ email: 'ada@example.com', display_name: 'Ada Lovelace' });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token!, insecure));
    const after = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshed.refresh_token!, insecure);
    await expect(oauth.processRefreshTokenResponse(as, client, after)).rejects.toMatchObject({ error: 'invalid_grant' });
    const dead = await fetch(`${app.url}/v1/users/me`, { headers: { Authorization: `Bearer ${refreshed.access_token}` } });
    expect(dead.status).toBe(401);
    await page.close();
  });

  it('remembers consent: signing in again goes straight back to the client; sign-out ends the session (no JavaScript)', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const first = await startFlow(page);
    await page.fill('#email', 'ada@example.com');
    await page.fill('#password', 'analytical engine 1843');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(redirectUri)), page.click('button[type=submit]')]);
    const tokens = await exchange(received.at(-1)!, first.verifier, first.state);
    expect(tokens.access_token).toBeTruthy();

    await page.goto(`${app.url}/portal`);
    await shot(page, '05-portal-home');
    await page.click('text=Sign out');
    expect(new URL(page.url()).pathname).toBe('/portal/signin');
    const cookies = await context.cookies(app.url);
    expect(cookies.find((c) => c.name === 'gh_session')).toBeUndefined();
    await context.close();
  });

  it('sends the user back with access_denied when they deny', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const other = await app.createClient({ name: 'Nosy App', grantTypes: ['authorization_code'], redirectUris: [redirectUri], scopes: ['profile'] });
    const verifier = oauth.generateRandomCodeVerifier();
    await page.goto(
      `${app.url}/oauth2/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: other.clientId,
        redirect_uri: redirectUri,
        state: 'deny-state',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).toString()}`,
    );
    await page.fill('#email', 'ada@example.com');
    await page.fill('#password', 'analytical engine 1843');
    await page.click('button[type=submit]');
    await page.waitForSelector('button[value=deny]');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(redirectUri)), page.click('button[value=deny]')]);
    const back = received.at(-1)!;
    expect(Object.fromEntries(back.searchParams)).toMatchObject({ error: 'access_denied', state: 'deny-state', iss: app.url });
    await context.close();
  });
});
