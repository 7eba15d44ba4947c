import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ConsentsService } from '../src/oauth/store/consents.service.js';
import { pkce } from './support/agent.js';
import { launchChromium, screenshot } from './support/browser.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';

/**
 * Issue 17, item 5 (words and pages) and item 2's "Withdraw" in Connected apps, in headless Chromium
 * at 1280 x 900 and at 390 x 844 (the document never wider than the viewport): every problem of a new
 * application at once next to its field in plain words; the Copy buttons (read back from the
 * clipboard); /portal/apps from the nav; error pages with a way on; the application named on sign-in
 * and consent, "Not you? Switch account"; Withdraw asks first. Screenshots: artifacts/screenshots/words-*.
 */

const VIEWPORTS = [
  [1280, { width: 1280, height: 900 }],
  [390, { width: 390, height: 844 }],
] as const;
/** class-validator's own phrasing, which the portal must never show. */
const JARGON =
  /must be (longer|shorter) than or equal|should not be empty|must be one of the following|must contain no more than|must be an? (string|array|URL)/i;
const CB = 'https://cal.example/cb';
type User = { id: string; email: string; password: string };

/** The shell variables a snippet reads (`$NAME`) before any line sets them (`NAME=` or `export NAME=`); comments skipped. */
function unsetVariables(snippet: string): string[] {
  const set = new Set<string>();
  const unset: string[] = [];
  for (const line of snippet.split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    for (const m of line.matchAll(/\$([A-Z_][A-Z0-9_]*)/g)) if (!set.has(m[1])) unset.push(m[1]);
    const assigned = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)=/.exec(line);
    if (assigned) set.add(assigned[1]);
  }
  return unset;
}

describe('portal words and pages in Chromium', () => {
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

  const consents = async (userId: string) => (await app.running.db.dataSource.query<unknown[]>(`SELECT 1 FROM consents WHERE user_id = $1`, [userId])).length;

  /** The page fits its viewport (no sideways scrolling of the document); a screenshot words-<step>-<width>. */
  async function fits(page: Page, step: string): Promise<void> {
    const [scroll, inner] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
    expect({ step, scroll }).toEqual({ step, scroll: Math.min(scroll, inner) });
    await screenshot(page, `words-${step}-${inner}`);
  }

  const visibleText = (page: Page) => page.evaluate<string>('document.body.innerText');

  async function signInOn(page: Page, user: User, landing: string | RegExp): Promise<void> {
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await Promise.all([page.waitForURL(landing), page.click('main button[type=submit]')]);
  }

  async function signedIn(viewport: { width: number; height: number }): Promise<{ page: Page; user: User; context: BrowserContext }> {
    const who = await app.createUser();
    const context = await browser.newContext({ viewport, baseURL: app.url, permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto('/portal/signin');
    await signInOn(page, who, `${app.url}/portal`);
    return { page, user: who, context };
  }

  for (const [width, viewport] of VIEWPORTS) {
    it(`shows every problem of a new application at once, next to its field, in plain words, keeping what was typed (${width})`, async () => {
      const { page, user, context } = await signedIn(viewport);
      await page.goto('/portal/apps/new');
      await page.fill('#name', '');
      await page.check('input[name=type][value=public]');
      await page.fill('#homepage_url', 'http://home.example/');
      await page.check('input[name=grant_types][value=client_credentials]');
      await page.fill('#redirect_uris', 'javascript:alert(1)');
      await page.fill('#post_logout_redirect_uris', 'http://app.example/bye');
      for (const box of await page.locator('input[name=scopes]').all()) await box.uncheck();
      const [res] = await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
      expect(res?.status()).toBe(400);
      expect(await page.textContent('main p.error')).toBe('The application was not created: see the messages below.');

      const fieldProblems = async (field: string) => (await page.locator(`#${field}-error p.field-error`).allInnerTexts()).join(' | ');
      expect(await fieldProblems('name')).toBe('Give the application a name (1 to 200 characters)');
      expect(await fieldProblems('homepage_url')).toMatch(/https/);
      expect(await fieldProblems('grant_types')).toContain('a public client has no secret');
      expect(await fieldProblems('redirect_uris')).toContain('must use https');
      expect(await fieldProblems('post_logout_redirect_uris')).toContain('uses http');
      expect(await fieldProblems('scopes')).toBe('at least one scope is needed');
      // Each input points at its message, and the message sits right after it (or inside its fieldset).
      for (const field of ['name', 'homepage_url', 'redirect_uris', 'post_logout_redirect_uris']) {
        expect(await page.getAttribute(`#${field}`, 'aria-describedby')).toBe(`${field}-error`);
        expect(await page.getAttribute(`#${field}`, 'aria-invalid')).toBe('true');
        expect(await page.evaluate<string | undefined>(`document.getElementById('${field}').nextElementSibling?.id`)).toBe(`${field}-error`);
      }
      for (const set of ['grant_types', 'scopes']) expect(await page.locator(`fieldset[aria-describedby="${set}-error"] #${set}-error`).count()).toBe(1);
      expect(await visibleText(page)).not.toMatch(JARGON);
      // What was typed and chosen is still there.
      expect(await page.inputValue('#homepage_url')).toBe('http://home.example/');
      expect(await page.inputValue('#redirect_uris')).toBe('javascript:alert(1)');
      expect(await page.inputValue('#post_logout_redirect_uris')).toBe('http://app.example/bye');
      expect(await page.isChecked('input[name=type][value=public]')).toBe(true);
      expect(await page.isChecked('input[name=grant_types][value=client_credentials]')).toBe(true);
      expect(await page.locator('input[name=scopes]:checked').count()).toBe(0);
      await fits(page, '1-form-errors');
      expect(await app.running.db.dataSource.query<unknown[]>(`SELECT 1 FROM clients WHERE owner_id = $1`, [user.id])).toHaveLength(0);
      await context.close();
    });

    it(`copies exactly the client id, and a code-flow snippet that sets every variable it uses (${width})`, async () => {
      const { page, user, context } = await signedIn(viewport);
      const c = await app.createClient({
        name: 'Copy me',
        ownerId: user.id,
        grantTypes: ['client_credentials', 'authorization_code'],
        redirectUris: ['https://copy.example/cb'],
      });
      await page.goto(`/portal/apps/${c.clientId}`);
      const idButton = page.locator('button[data-copy="client-id"]');
      expect(await idButton.isVisible()).toBe(true); // revealed by /portal/assets/copy.js
      await page.evaluate('navigator.clipboard.writeText("nothing copied yet")');
      await idButton.click();
      await page.locator('button[data-copy="client-id"]:text-is("Copied")').waitFor();
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(c.clientId);

      const snippets = page.locator('button[data-copy^="snippet-"]');
      expect(await snippets.count()).toBe(2);
      const codeFlow = page.locator('code[id^="snippet-"]', { hasText: 'code_verifier=$CODE_VERIFIER' });
      const id = (await codeFlow.getAttribute('id'))!;
      await page.click(`button[data-copy="${id}"]`);
      await page.locator(`button[data-copy="${id}"]:text-is("Copied")`).waitFor();
      const copied = await page.evaluate<string>('navigator.clipboard.readText()');
      expect(copied).toBe(await codeFlow.textContent());
      expect(copied).toContain('code=$CODE&');
      expect(copied).toMatch(/^CODE=\$\(printf %s "\$REDIRECTED_TO"/m);
      expect(unsetVariables(copied)).toEqual([]);
      // The client-credentials snippet too.
      const other = (await snippets.nth(0).getAttribute('data-copy'))!;
      expect(other).not.toBe(id);
      await page.click(`button[data-copy="${other}"]`);
      await page.locator(`button[data-copy="${other}"]:text-is("Copied")`).waitFor();
      expect(unsetVariables(await page.evaluate<string>('navigator.clipboard.readText()'))).toEqual([]);
      await fits(page, '2-copied');
      await context.close();
    });

    it(`lists my applications at /portal/apps from the nav, not another user's (${width})`, async () => {
      const { page, user, context } = await signedIn(viewport);
      const mine = await app.createClient({ name: 'Mine <b>one</b>', ownerId: user.id });
      const second = await app.createClient({ name: 'Mine two', ownerId: user.id });
      const stranger = await app.createUser();
      const theirs = await app.createClient({ name: 'Theirs', ownerId: stranger.id });
      await Promise.all([page.waitForURL(`${app.url}/portal/apps`), page.click('nav[aria-label=Portal] >> text=Applications')]);
      expect(await page.textContent('h1')).toBe('Applications');
      expect(await page.getAttribute('nav[aria-label=Portal] a[href="/portal/apps"]', 'aria-current')).toBe('page');
      const list = await page.locator('main table tbody').innerText();
      expect(list).toContain('Mine <b>one</b>');
      expect(list).toContain(second.clientId);
      expect(list).not.toContain('Theirs');
      expect(await page.content()).not.toContain(theirs.clientId);
      expect(await page.locator('main table tbody tr').count()).toBe(2);
      await fits(page, '3-apps');
      await Promise.all([page.waitForURL(`${app.url}/portal/apps/${mine.clientId}`), page.click('main table >> text=Mine <b>one</b>')]);
      expect(await page.textContent('#client-id')).toBe(mine.clientId);
      await context.close();
    });

    it(`error pages have a way on; the form-expired page speaks plainly (${width})`, async () => {
      const { page, user, context } = await signedIn(viewport);
      const res = await page.goto('/portal/apps/gh_no_such_client');
      expect(res?.status()).toBe(404);
      const wayOn = page.locator('nav[aria-label="Where to go from here"]');
      expect(await wayOn.locator('a').allInnerTexts()).toEqual(['Back to the portal']);
      await fits(page, '4-not-found');
      await Promise.all([page.waitForURL(`${app.url}/portal`), wayOn.locator('text=Back to the portal').click()]);
      expect(await page.textContent('main')).toContain(`Signed in as ${user.email}`);
      await context.close();

      const anon = await browser.newContext({ viewport, baseURL: app.url });
      const signIn = await anon.newPage();
      await signIn.goto('/portal/signin');
      await signIn.evaluate("document.querySelector('input[name=csrf]').value = 'stale'");
      await signIn.fill('#email', user.email);
      await signIn.fill('#password', user.password);
      const [expired] = await Promise.all([signIn.waitForNavigation(), signIn.click('main button[type=submit]')]);
      expect(expired?.status()).toBe(403);
      const words = await visibleText(signIn);
      expect(words).toContain('This form has expired or was sent from another page; go back, reload and try again.');
      expect(words).not.toMatch(/csrf|token/i);
      expect(await signIn.locator('nav[aria-label="Where to go from here"] a').allInnerTexts()).toEqual(['Back to the portal', 'Sign in']);
      await fits(signIn, '4-form-expired');
      await Promise.all([signIn.waitForURL(`${app.url}/portal/signin`), signIn.click('nav[aria-label="Where to go from here"] >> text=Sign in')]);
      await signInOn(signIn, user, `${app.url}/portal`);
      await anon.close();
    });

    it(`names the application on sign-in and consent; "Switch account" signs out and back in to the same flow (${width})`, async () => {
      const [first, second] = [await app.createUser(), await app.createUser()];
      const c = await app.createClient({
        name: 'Calendar <Sync>',
        type: 'public',
        ownerId: null,
        grantTypes: ['authorization_code'],
        redirectUris: [CB],
        scopes: ['profile'],
        homepageUrl: 'https://cal.example/',
      });
      const { verifier, challenge } = pkce();
      const query = `response_type=code&client_id=${c.clientId}&redirect_uri=${encodeURIComponent(CB)}&scope=profile&state=words-${width}&code_challenge=${challenge}&code_challenge_method=S256`;
      const authorize = `${app.url}/oauth2/authorize?${query}`;
      const context = await browser.newContext({ viewport, baseURL: app.url });
      const page = await context.newPage();
      await page.goto(authorize);
      await expectSignInFor(page, '5-signin-for-app');
      await signInOn(page, first, authorize);
      expect(await page.textContent('h1')).toBe('Allow Calendar <Sync> to access your account?');
      expect(await page.textContent('form.switch-account')).toContain(`Signed in as ${first.email}. Not you?`);
      await fits(page, '5-consent-first');
      await Promise.all([page.waitForURL(/\/portal\/signin\?return_to=/), page.click('form.switch-account button')]);
      expect(new URL(page.url()).searchParams.get('return_to')).toBe(authorize.slice(app.url.length));
      expect((await context.request.get('/portal', { maxRedirects: 0 })).status()).toBe(303); // signed out
      await expectSignInFor(page, '5-switched');
      await signInOn(page, second, authorize);
      expect(await page.textContent('h1')).toBe('Allow Calendar <Sync> to access your account?');
      expect(await page.textContent('form.switch-account')).toContain(`Signed in as ${second.email}.`);
      await fits(page, '5-consent-second');

      // Allow: the browser is sent back to the application with a code of the second user's. (cal.example does not
      // resolve, and page.route does not see a redirect's target: the request the browser makes is enough.)
      const [sentBack] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(`${CB}?`)), page.click('button[value=allow]')]);
      const back = new URL(sentBack.url()).searchParams;
      expect(back.get('state')).toBe(`words-${width}`);
      const token = await postForm(`${app.url}/oauth2/token`, {
        grant_type: 'authorization_code',
        code: back.get('code')!,
        redirect_uri: CB,
        code_verifier: verifier,
        client_id: c.clientId,
      });
      expect(token.status).toBe(200);
      const payload = JSON.parse(Buffer.from(String(token.body.access_token).split('.')[1], 'base64url').toString()) as { sub: string };
      expect(payload.sub).toBe(second.id);
      await context.close();
    });

    it(`asks before Withdraw in Connected apps: Back and Cancel change nothing, Withdraw shows a notice once (${width})`, async () => {
      const { page, user, context } = await signedIn(viewport);
      const c = await app.createClient({ name: 'Photo printer', ownerId: null });
      await app.get(ConsentsService).remember(user.id, c.id, ['data:read']);
      await Promise.all([page.waitForURL(`${app.url}/portal/connected-apps`), page.click('nav[aria-label=Portal] >> text=Connected apps')]);
      const row = page.locator('main table tbody tr', { hasText: c.clientId });
      expect(await row.count()).toBe(1);
      await Promise.all([page.waitForURL(`${app.url}/portal/connected-apps/${c.clientId}/revoke`), row.locator('text=Withdraw…').click()]);
      expect(await page.textContent('h1')).toBe("Withdraw Photo printer's access?");
      await fits(page, '6-withdraw-confirm');
      expect(await consents(user.id)).toBe(1);
      await page.goBack();
      expect(await row.count()).toBe(1);

      await Promise.all([page.waitForURL(/\/revoke$/), row.locator('text=Withdraw…').click()]);
      await Promise.all([page.waitForURL(`${app.url}/portal/connected-apps`), page.click('main a:has-text("Cancel")')]);
      expect(await row.count()).toBe(1);
      expect(await page.locator('[role=status]').count()).toBe(0);
      expect(await consents(user.id)).toBe(1);

      await Promise.all([page.waitForURL(/\/revoke$/), row.locator('text=Withdraw…').click()]);
      await Promise.all([page.waitForURL(/notice=withdrawn/), page.click('main button[type=submit]:has-text("Withdraw")')]);
      expect(await page.textContent('[role=status]')).toBe('Consent withdrawn: that application can no longer act for you.');
      expect(await row.count()).toBe(0);
      expect(await consents(user.id)).toBe(0);
      await fits(page, '6-withdrawn');
      // The notice is carried by the URL (?notice=withdrawn, a fixed text): a reload shows it again but does nothing
      // again; the list reached afresh has none.
      expect((await page.reload())?.status()).toBe(200);
      expect(await row.count()).toBe(0);
      await Promise.all([page.waitForURL(`${app.url}/portal/connected-apps`), page.click('nav[aria-label=Portal] >> text=Connected apps')]);
      expect(await page.locator('[role=status]').count()).toBe(0);
      expect(await page.textContent('main')).not.toContain('Consent withdrawn');
      await context.close();
    });
  }

  /** The sign-in page of the OAuth flow names Calendar <Sync> and links its home page. */
  async function expectSignInFor(page: Page, step: string): Promise<void> {
    expect(new URL(page.url()).pathname).toBe('/portal/signin');
    expect(await page.textContent('h1')).toBe('Sign in to continue to Calendar <Sync>');
    expect(await page.getAttribute('#requesting-app a', 'href')).toBe('https://cal.example/');
    expect(await page.getAttribute('#requesting-app a', 'rel')).toBe('noopener noreferrer nofollow');
    await fits(page, step);
  }
});
