import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ConsentsService } from '../src/oauth/store/consents.service.js';
import { pkce } from './support/agent.js';
import { launchChromium, screenshot } from './support/browser.js';
import { linkIn, nextOutboxMail } from './support/mail.js';
import { startTestApp, type TestApp } from './support/app.js';

/**
 * Every portal and admin console page, in headless Chromium at 390 x 844 (a phone), in the light and
 * the dark colour scheme: axe-core finds no serious or critical violation, the document is no wider
 * than the viewport, the header is compact; a screenshot of each is kept (artifacts/screenshots/a11y-*).
 *
 * axe-core is injected with page.addScriptTag into a context created with bypassCSP: true (the pages'
 * CSP allows only same-origin scripts; the pages themselves are served unchanged).
 *
 * ADD A NEW PAGE TO `PAGES` BELOW: one row, signed out, developer or admin, with a path or an `open` step.
 */

type Role = 'anon' | 'dev' | 'admin';

interface Fixture {
  app: TestApp;
  /** The developer's application (confidential, long name, long redirect URI) and API key. */
  clientId: string;
  publicClientId: string;
  keyId: string;
  /** A code-flow authorize URL of the developer's public client (consent page / sign-in page). */
  authorizeUrl: string;
  devId: string;
  /** A key rotated with a day's grace (still working, replaced), and an emailed reset link of the developer. */
  rotatedKeyId: string;
  resetUrl: string;
  outboxId: string;
  /** Links of emails the admin's "New user" sent: an invitation, and an address confirmation. */
  inviteUrl: string;
  verifyUrl: string;
}

interface PageCase {
  name: string;
  as: Role;
  /** The path to open, or a step that leaves the page on the screen. */
  path?: (f: Fixture) => string;
  open?: (page: Page, f: Fixture) => Promise<void>;
  /** The HTTP status the page answers with (default 200). */
  status?: number;
}

/** Submits the form of the current page whose submit button matches `button`, and waits for the answer. */
async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(button)]);
}

const PAGES: PageCase[] = [
  // signed out
  { name: 'signin', as: 'anon', path: () => '/portal/signin' },
  { name: 'signup', as: 'anon', path: () => '/portal/signup' },
  { name: 'signin-oauth', as: 'anon', path: (f) => f.authorizeUrl },
  { name: 'authorize-invalid', as: 'anon', path: () => '/oauth2/authorize?client_id=nobody', status: 400 },
  {
    name: 'signin-failed',
    as: 'anon',
    open: async (page) => {
      await page.goto('/portal/signin');
      await page.fill('#email', 'nobody@example.com');
      await page.fill('#password', 'not the password at all');
      await submit(page, 'main button[type=submit]');
    },
  },
  { name: 'forgot-password', as: 'anon', path: () => '/portal/forgot-password' },
  {
    name: 'forgot-password-sent',
    as: 'anon',
    open: async (page) => {
      await page.goto('/portal/forgot-password');
      await page.fill('#email', 'somebody@example.com');
      await submit(page, 'main button[type=submit]');
    },
  },
  { name: 'reset-password', as: 'anon', path: (f) => f.resetUrl },
  { name: 'invite', as: 'anon', path: (f) => f.inviteUrl },
  { name: 'verify-email', as: 'anon', path: (f) => f.verifyUrl },
  {
    name: 'logout-bad-return',
    as: 'anon',
    open: async (page) => void (await page.goto('/oauth2/logout?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F')),
  },
  { name: 'reset-password-bad-link', as: 'anon', open: async (page) => void (await page.goto('/portal/reset-password?token=not-a-token')) },
  { name: 'invite-bad-link', as: 'anon', open: async (page) => void (await page.goto('/portal/invite?token=not-a-token')) },
  { name: 'verify-email-bad-link', as: 'anon', open: async (page) => void (await page.goto('/portal/verify-email?token=not-a-token')) },
  {
    name: 'form-expired',
    as: 'anon',
    open: async (page) => {
      await page.goto('/portal/signin');
      await page.evaluate("document.querySelector('input[name=csrf]').value = 'stale'");
      await page.fill('#email', 'nobody@example.com');
      await page.fill('#password', 'not the password at all');
      await submit(page, 'main button[type=submit]');
    },
  },
  // developer
  { name: 'dashboard', as: 'dev', path: () => '/portal' },
  { name: 'apps', as: 'dev', path: () => '/portal/apps' },
  { name: 'app-new', as: 'dev', path: () => '/portal/apps/new' },
  {
    name: 'app-new-errors',
    as: 'dev',
    open: async (page) => {
      await page.goto('/portal/apps/new');
      await page.fill('#redirect_uris', 'javascript:alert(1)');
      await submit(page, 'main button[type=submit]');
    },
  },
  {
    name: 'app-created',
    as: 'dev',
    open: async (page) => {
      await page.goto('/portal/apps/new');
      await page.fill('#name', 'Created in the accessibility test');
      await submit(page, 'main button[type=submit]');
    },
  },
  {
    name: 'app-created-reloaded',
    as: 'dev',
    open: async (page) => {
      await page.goto('/portal/apps/new');
      await page.fill('#name', 'Reloaded in the accessibility test');
      await submit(page, 'main button[type=submit]');
      await page.reload();
    },
  },
  { name: 'app', as: 'dev', path: (f) => `/portal/apps/${f.clientId}` },
  { name: 'app-end-previous-secret', as: 'dev', path: (f) => `/portal/apps/${f.clientId}/secret/end-previous` },
  { name: 'app-public', as: 'dev', path: (f) => `/portal/apps/${f.publicClientId}` },
  { name: 'app-delete', as: 'dev', path: (f) => `/portal/apps/${f.clientId}/delete` },
  { name: 'app-not-found', as: 'dev', path: () => '/portal/apps/gh_no_such_client', status: 404 },
  { name: 'keys', as: 'dev', path: () => '/portal/keys' },
  { name: 'key-new', as: 'dev', path: () => '/portal/keys/new' },
  { name: 'keys-all', as: 'dev', path: () => '/portal/keys?status=all' },
  {
    name: 'key-created',
    as: 'dev',
    open: async (page) => {
      await page.goto('/portal/keys/new');
      await page.fill('#name', 'Shown once in the accessibility test');
      await submit(page, 'main button[type=submit]');
    },
  },
  {
    name: 'key-created-reloaded',
    as: 'dev',
    open: async (page) => {
      await page.goto('/portal/keys/new');
      await page.fill('#name', 'Reloaded in the accessibility test');
      await submit(page, 'main button[type=submit]');
      await page.reload();
    },
  },
  { name: 'key', as: 'dev', path: (f) => `/portal/keys/${f.keyId}` },
  { name: 'key-rotated', as: 'dev', path: (f) => `/portal/keys/${f.rotatedKeyId}` },
  { name: 'key-expire', as: 'dev', path: (f) => `/portal/keys/${f.rotatedKeyId}/expire` },
  { name: 'key-revoke', as: 'dev', path: (f) => `/portal/keys/${f.keyId}/revoke` },
  { name: 'connected-apps', as: 'dev', path: () => '/portal/connected-apps' },
  { name: 'withdraw', as: 'dev', path: (f) => `/portal/connected-apps/${f.clientId}/revoke` },
  { name: 'account', as: 'dev', path: () => '/portal/account' },
  { name: 'logout-confirm', as: 'dev', path: () => '/oauth2/logout' },
  {
    name: 'account-errors',
    as: 'dev',
    open: async (page) => {
      await page.goto('/portal/account');
      await page.fill('#current_password', 'not my password at all');
      await page.fill('#new_password', 'a new and long enough password');
      await submit(page, 'form[action="/portal/account/password"] button[type=submit]');
    },
  },
  { name: 'consent', as: 'dev', path: (f) => f.authorizeUrl },
  { name: 'admin-forbidden', as: 'dev', path: () => '/portal/admin/users', status: 403 },
  // admin
  { name: 'admin-overview', as: 'admin', path: () => '/portal/admin' },
  { name: 'admin-overview-30d', as: 'admin', path: () => '/portal/admin?window=30d' },
  { name: 'admin-users', as: 'admin', path: () => '/portal/admin/users' },
  { name: 'admin-user-new', as: 'admin', path: () => '/portal/admin/users/new' },
  { name: 'admin-user', as: 'admin', path: (f) => `/portal/admin/users/${f.devId}` },
  { name: 'admin-user-confirm', as: 'admin', path: (f) => `/portal/admin/users/${f.devId}/confirm?action=disable` },
  { name: 'admin-user-sign-out-confirm', as: 'admin', path: (f) => `/portal/admin/users/${f.devId}/confirm?action=sign_out_everywhere&back=detail` },
  { name: 'admin-client-confirm', as: 'admin', path: (f) => `/portal/admin/clients/${f.clientId}/confirm?action=delete` },
  { name: 'admin-key-confirm', as: 'admin', path: (f) => `/portal/admin/keys/${f.keyId}/revoke` },
  { name: 'admin-outbox', as: 'admin', path: () => '/portal/admin/outbox' },
  { name: 'admin-outbox-message', as: 'admin', path: (f) => `/portal/admin/outbox/${f.outboxId}` },
  { name: 'admin-audit-filtered', as: 'admin', path: () => '/portal/admin/audit?outcome=failure&from=2026-01-01T00:00' },
  { name: 'admin-users-filtered', as: 'admin', path: () => '/portal/admin/users?role=nonsense', status: 400 },
  { name: 'admin-clients', as: 'admin', path: () => '/portal/admin/clients' },
  { name: 'admin-keys', as: 'admin', path: () => '/portal/admin/keys' },
  { name: 'admin-audit', as: 'admin', path: () => '/portal/admin/audit' },
];

const AXE = readFileSync(join(process.cwd(), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const LONG = 'Quarterly-reconciliation-exporter-for-the-finance-department-with-no-spaces-at-all';

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** axe-core's serious and critical violations on the current page, each with where and why. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate<AxeViolation[]>('window.axe.run(document).then((r) => r.violations)');
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n')}`);
}

describe('every portal and admin page: accessible in both colour schemes, no sideways scrolling at 390 px', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts = new Map<Role, BrowserContext>();
  let fixture: Fixture;

  async function signedIn(email: string, password: string): Promise<BrowserContext> {
    const context = await browser.newContext({ baseURL: app.url, bypassCSP: true, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto('/portal/signin');
    await page.fill('#email', email);
    await page.fill('#password', password);
    await Promise.all([page.waitForURL(`${app.url}/portal`), page.click('main button[type=submit]')]);
    await page.close();
    return context;
  }

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startTestApp();
    const dev = await app.createUser({ email: `a-developer-with-a-rather-long-address-${Date.now()}@subdomain.example.com` });
    const admin = await app.createUser({ role: 'admin' });
    const web = await app.createClient({
      name: `${LONG} (web)`,
      ownerId: dev.id,
      grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
      redirectUris: [`https://callback.example.com/oauth/${'segment/'.repeat(30)}done`],
      scopes: ['data:read', 'users:read'],
    });
    const spa = await app.createClient({
      name: 'Calendar single-page app',
      type: 'public',
      ownerId: dev.id,
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1:9/callback'],
      scopes: ['data:read', 'profile'],
    });
    await app.get(ConsentsService).remember(dev.id, web.id, ['data:read']);
    contexts.set('anon', await browser.newContext({ baseURL: app.url, bypassCSP: true, viewport: { width: 390, height: 844 } }));
    contexts.set('dev', await signedIn(dev.email, dev.password));
    contexts.set('admin', await signedIn(admin.email, admin.password));
    // An API key with a long name, through the portal's own form.
    const page = await contexts.get('dev')!.newPage();
    await page.goto('/portal/keys/new');
    await page.fill('#name', `${LONG} nightly export key`);
    await submit(page, 'main button[type=submit]');
    await page.goto('/portal/keys');
    const href = await page.getAttribute('main table a[href^="/portal/keys/"]', 'href');
    // A second key, rotated with a day's grace; the application's secret too (so a previous one is live).
    await page.goto('/portal/keys/new');
    await page.fill('#name', 'Rotated nightly key');
    await submit(page, 'main button[type=submit]');
    const rotatedKeyId = /\/portal\/keys\/([^/]+)\/shown\//.exec(page.url())![1];
    await page.goto(`/portal/keys/${rotatedKeyId}`);
    await page.selectOption('#grace_period_seconds', '86400');
    await submit(page, 'button:has-text("Rotate key")');
    await page.goto(`/portal/apps/${web.clientId}`);
    await page.selectOption('#grace_period_seconds', '86400');
    await submit(page, 'button:has-text("Rotate secret")');
    await page.close();
    // A reset link in the outbox (no SMTP_URL in tests).
    const anon = await contexts.get('anon')!.newPage();
    await anon.goto('/portal/forgot-password');
    await anon.fill('#email', dev.email);
    await submit(anon, 'main button[type=submit]');
    await anon.close();
    const mail = await nextOutboxMail(app, dev.email);
    const resetUrl = new URL(linkIn(mail.body, '/portal/reset-password').url);
    // The admin's New user: one invited, one with a password (sent a confirmation link).
    const adminPage = await contexts.get('admin')!.newPage();
    const made: Record<'invite' | 'password', string> = { invite: `invited-${Date.now()}@example.com`, password: `confirm-${Date.now()}@example.com` };
    for (const mode of ['invite', 'password'] as const) {
      await adminPage.goto('/portal/admin/users/new');
      await adminPage.fill('#email', made[mode]);
      await adminPage.check(`input[name=mode][value=${mode}]`);
      if (mode === 'password') await adminPage.fill('#password', 'a password set by the admin');
      await submit(adminPage, 'main button[type=submit]');
    }
    await adminPage.close();
    const link = async (to: string, path: string) => {
      const url = new URL(linkIn((await nextOutboxMail(app, to)).body, path).url);
      return `${url.pathname}${url.search}`;
    };
    const inviteUrl = await link(made.invite, '/portal/invite');
    const verifyUrl = await link(made.password, '/portal/verify-email');
    const [{ id: outboxId }] = await app.running.db.dataSource.query<{ id: string }[]>('SELECT id FROM mail_outbox WHERE to_address = $1 LIMIT 1', [dev.email]);
    const { challenge } = pkce();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: spa.clientId,
      redirect_uri: 'http://127.0.0.1:9/callback',
      scope: 'data:read profile',
      state: 'a11y',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    fixture = {
      app,
      clientId: web.clientId,
      publicClientId: spa.clientId,
      keyId: href!.split('/').pop()!,
      authorizeUrl: `/oauth2/authorize?${query.toString()}`,
      devId: dev.id,
      rotatedKeyId,
      resetUrl: `${resetUrl.pathname}${resetUrl.search}`,
      outboxId,
      inviteUrl,
      verifyUrl,
    };
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.each(PAGES.map((p) => [p.name, p] as const))('%s', async (name, pc) => {
    const page = await contexts.get(pc.as)!.newPage();
    try {
      if (pc.path) {
        const res = await page.goto(pc.path(fixture));
        expect(res?.status()).toBe(pc.status ?? 200);
      } else await pc.open!(page, fixture);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        // The scheme took effect (so axe's contrast check measured the colours a reader of that scheme sees).
        expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe(scheme === 'dark' ? 'rgb(18, 18, 18)' : 'rgb(255, 255, 255)');
        const violations = await seriousViolations(page);
        // The failure prints each violation: rule, impact, the elements and why.
        expect({ page: name, scheme, violations }).toEqual({ page: name, scheme, violations: [] });
        const width = await page.evaluate<number[]>('[document.documentElement.scrollWidth, window.innerWidth]');
        expect({ page: name, scheme, scrollWidth: width[0] }).toEqual({ page: name, scheme, scrollWidth: Math.min(width[0], width[1]) });
        const header = Number(await page.evaluate("document.querySelector('body > header').getBoundingClientRect().height"));
        expect(header).toBeLessThan(100);
        await screenshot(page, `a11y-${name}-${scheme}`);
      }
    } finally {
      await page.close();
    }
  });
});
