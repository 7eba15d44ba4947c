import type { Browser } from 'playwright-core';
import { ApiKeyUsageService } from '../src/api-keys/api-key-usage.service.js';
import { OverviewService } from '../src/admin/overview.service.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { launchChromium, screenshot } from './support/browser.js';
import { codeClient, signedIn, tokensFor, refresh } from './support/code-flow.js';
import { call, keyOwner } from './support/keys.js';

/** Issue 17 item 8: the overview's numbers match known traffic; the admin pages at desktop and 390 px in Chromium. */
describe('admin overview', () => {
  let app: TestApp;
  let admin: { agent: Agent; user: { id: string; email: string } };
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);
  const cell = (text: string, series: string, window: string) => Number(new RegExp(`data-series="${series}" data-window="${window}">(\\d+)<`).exec(text)![1]);

  beforeAll(async () => {
    app = await startTestApp();
    admin = await signedIn(app, 'admin');
  });
  afterAll(() => app.close());

  it('counts tokens by grant, sign-ins, failures and 429s, the busiest clients and keys, and credentials unused for 90 days', async () => {
    const flush = async () => {
      await app.get(ApiKeyUsageService).flush();
      await app.get(OverviewService).flush();
    };
    await flush();
    const before = (await admin.agent.get('/portal/admin')).text;
    const N = 4;
    const cc = await app.createClient({ name: 'Busy service', scopes: ['users:read'] });
    for (let i = 0; i < N; i++) {
      expect(
        (await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: cc.clientId, client_secret: cc.clientSecret! })).status,
      ).toBe(200);
    }
    const flow = await codeClient(app, { name: 'Refreshing app', scopes: ['profile'] });
    const dev = await signedIn(app);
    const tokens = await tokensFor(app, flow, dev.agent);
    const M = 2;
    let rt = tokens.refresh;
    for (let i = 0; i < M; i++) {
      const r = await refresh(app, flow, rt);
      expect(r.status).toBe(200);
      rt = String(r.body.refresh_token);
    }
    const K = 3;
    const victim = await app.createUser();
    for (let i = 0; i < K; i++) expect((await new Agent(app.url).signIn(victim.email, `wrong ${i}`)).status).toBe(401);
    const F = 2;
    for (let i = 0; i < F; i++)
      expect((await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: cc.clientId, client_secret: 'wrong' })).status).toBe(
        401,
      );
    const J = 3;
    for (let i = 0; i < J; i++) expect((await call(app, 'GET', '/v1/data', { key: `gth_live_nosuchkey${i}abcdefghijklmnopqrstu` })).status).toBe(401);
    const owner = await keyOwner(app);
    const key = await owner.createKey({ name: 'busy key' });
    const U = 5;
    for (let i = 0; i < U; i++) expect((await call(app, 'GET', '/v1/data', { key: key.key })).status).toBe(200);
    // Some 429s: failed client authentications from one address until the limit answers 429.
    let limited = 0;
    for (let i = 0; i < 40 && limited < 2; i++) {
      const r = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: 'gth_nosuchclient', client_secret: 'x' });
      if (r.status === 429) limited++;
    }
    expect(limited).toBe(2);
    // Old, unused credentials.
    const stale = await app.createClient({ name: 'Stale client' });
    await sql(`UPDATE clients SET created_at = now() - interval '200 days' WHERE client_id = $1`, [stale.clientId]);
    const oldKey = await owner.createKey({ name: 'stale key' });
    await sql(`UPDATE api_keys SET created_at = now() - interval '200 days', last_used_at = now() - interval '120 days' WHERE id = $1`, [oldKey.id]);
    await flush();

    const page = await admin.agent.get('/portal/admin');
    expect(page.status).toBe(200);
    const grew = (series: string, window = '24h') => cell(page.text, series, window) - cell(before, series, window);
    expect(grew('tokens_client_credentials')).toBe(N);
    expect(grew('tokens_refresh_token')).toBe(M);
    expect(grew('tokens_authorization_code')).toBe(1);
    expect(grew('sign_ins_failed')).toBe(K);
    expect(grew('sign_ins_failed', '30d')).toBe(K);
    expect(grew('sign_ins')).toBe(1);
    expect(grew('api_key_failed')).toBe(J);
    expect(grew('rate_limited')).toBe(limited);
    const failedClients = grew('client_auth_failed');
    expect(failedClients).toBeGreaterThanOrEqual(F + 1);
    // The audit trail agrees with the page.
    const [issued] = await sql<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE type = 'oauth.token_issued' AND actor_client_id = $1`, [
      cc.clientId,
    ]);
    expect(Number(issued.n)).toBe(N);
    // Busiest and unused, with links.
    const busiest = page.text.slice(page.text.indexOf('Busiest in the last 30 days'), page.text.indexOf('Unused for 90 days'));
    expect(busiest).toContain(`href="/portal/admin/clients?q=${cc.clientId}"`);
    expect(busiest).toMatch(new RegExp(`${cc.clientId}</code></td>\\s*<td[^>]*class="num">${N}</td>`));
    expect(busiest).toMatch(new RegExp(`busy key<br /><code class="muted">${key.id}</code></td>[\\s\\S]*?<td[^>]*class="num">${U}</td>`));
    const unused = page.text.slice(page.text.indexOf('Unused for 90 days'));
    expect(unused).toContain('Stale client');
    expect(unused).toContain('stale key');
    expect(unused).not.toContain('Busy service');
    expect(unused).not.toContain('busy key');
    // Charts: SVG with a title and description, no inline style; the 30-day view; bad windows are a 400 page.
    expect(page.text).toContain('<title id="chart-tokens_client_credentials-title">');
    expect(page.text).not.toMatch(/style="/);
    const month = await admin.agent.get('/portal/admin?window=30d');
    expect(month.status).toBe(200);
    expect(month.text).toContain('per day');
    for (const q of ['window=7d', 'window=24h&window=30d', `window=${'x'.repeat(300)}`]) expect((await admin.agent.get(`/portal/admin?${q}`)).status).toBe(400);
    expect((await dev.agent.get('/portal/admin')).status).toBe(403);
  });

  describe('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(() => browser?.close());

    it('walks the overview, a confirmation with its notice, and the audit log at desktop and 390 px, no wider than the viewport', async () => {
      const u = await app.createUser({ email: 'walked@example.com' });
      for (const [width, name] of [
        [1280, 'desktop'],
        [390, 'mobile'],
      ] as const) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        const errors: string[] = [];
        // CSP violations and script errors; a failed load is checked by its URL (Chromium asks for /favicon.ico by itself).
        page.on('console', (m) => {
          if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
        });
        page.on('response', (r) => {
          if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
        });
        await page.goto(`${app.url}/portal/signin?return_to=%2Fportal%2Fadmin`);
        const creds = await app.createUser({ role: 'admin' });
        await page.fill('#email', creds.email);
        await page.fill('#password', creds.password);
        await Promise.all([page.waitForURL(`${app.url}/portal/admin`), page.click('main button[type=submit]')]);
        const fits = async () => Number(await page.evaluate('document.documentElement.scrollWidth')) <= Number(await page.evaluate('window.innerWidth'));
        expect(await page.textContent('h1')).toBe('Overview');
        expect(await page.locator('svg.chart').count()).toBe(8);
        expect(await fits()).toBe(true);
        await screenshot(page, `admin-overview-${name}`);
        await page.goto(`${app.url}/portal/admin/users?q=walked`);
        expect(await fits()).toBe(true);
        // Disabled at desktop width, enabled again at 390 px.
        await page.click(`a[href^="/portal/admin/users/${u.id}/confirm?action=${width === 1280 ? 'disable' : 'enable'}"]`);
        expect(await page.textContent('h1')).toContain('walked@example.com');
        expect(await fits()).toBe(true);
        await screenshot(page, `admin-confirm-${name}`);
        await page.click('form.confirm-actions button[type=submit]');
        await page.waitForSelector('p.notice[role=status]');
        expect(await fits()).toBe(true);
        await screenshot(page, `admin-notice-${name}`);
        await page.goto(`${app.url}/portal/admin/audit`);
        expect(await fits()).toBe(true);
        await screenshot(page, `admin-audit-${name}`);
        expect(errors).toEqual([]);
        await context.close();
      }
      void hidden;
    });
  });
});
