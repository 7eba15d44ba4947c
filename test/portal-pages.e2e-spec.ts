import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { ApiKeyUsageService } from '../src/api-keys/api-key-usage.service.js';
import { ConsentsService } from '../src/oauth/store/consents.service.js';
import { Agent, hidden, type AgentResponse } from './support/agent.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { codeClient, me, refresh, tokensFor } from './support/code-flow.js';
import { fieldErrors, unescapeHtml as unescape } from './support/page-text.js';

const run = promisify(execFile);

/** The value of a readonly secret field of a page. */
function shown(page: string, id: string): string {
  const m = new RegExp(`id="${id}" type="text" readonly value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no secret field ${id} in: ${page.slice(0, 800)}`);
  return unescape(m[1]);
}

function expectHtmlPage(res: AgentResponse, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('text/html');
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.text).not.toMatch(/at \w+ \(|node_modules|"statusCode"|^\s*\{/);
}

interface Dev {
  agent: Agent;
  id: string;
  email: string;
  csrf: string;
}

/** The portal's developer pages, over HTTP against the real app and PostgreSQL. */
describe('developer portal pages', () => {
  let app: TestApp;
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  async function developer(role: 'developer' | 'admin' = 'developer'): Promise<Dev> {
    const user = await app.createUser({ role });
    const agent = new Agent(app.url);
    expect((await agent.signIn(user.email, user.password)).status).toBe(303);
    const home = await agent.get('/portal');
    return { agent, id: user.id, email: user.email, csrf: hidden(home.text, 'csrf') };
  }

  /** Post/redirect/get: a POST that makes a secret answers 303 to the page that shows it once; that page. */
  async function shownAfter(dev: Dev, res: AgentResponse): Promise<AgentResponse> {
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/portal\/(apps|keys)\/[^/]+\/shown\/[0-9a-f-]{36}$/);
    const page = await dev.agent.get(res.location!);
    expect(page.status).toBe(200);
    return page;
  }

  const APP_FORM = { name: 'Reporting service', type: 'confidential', redirect_uris: '' };

  /** Posts the new-application form; lists (grant_types, scopes) as repeated fields, as a browser sends checkboxes. */
  function postApp(dev: Dev, path: string, fields: Record<string, string>, lists: Record<string, string[]>): Promise<AgentResponse> {
    const body = new URLSearchParams({ csrf: dev.csrf, ...fields });
    for (const [k, values] of Object.entries(lists)) for (const v of values) body.append(k, v);
    return dev.agent.post(path, body.toString());
  }

  async function createApp(dev: Dev, over: { name?: string; grants?: string[]; scopes?: string[]; uris?: string; type?: string } = {}) {
    const res = await postApp(
      dev,
      '/portal/apps',
      { ...APP_FORM, name: over.name ?? APP_FORM.name, type: over.type ?? 'confidential', redirect_uris: over.uris ?? '' },
      { grant_types: over.grants ?? ['client_credentials'], scopes: over.scopes ?? ['users:read', 'data:read'] },
    );
    const page = await shownAfter(dev, res);
    return { page, clientId: unescape(/<code id="client-id">([^<]+)<\/code>/.exec(page.text)![1]), secret: shown(page.text, 'client_secret') };
  }

  const token = (clientId: string, secret: string) =>
    postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

  describe('signed out', () => {
    it.each(['/portal', '/portal/apps/new', '/portal/apps/gth_x', '/portal/keys', '/portal/keys/new', '/portal/connected-apps'])(
      'GET %s sends the browser to sign in, and back',
      async (path) => {
        const res = await new Agent(app.url).get(path);
        expect(res.status).toBe(303);
        expect(res.location).toBe(path === '/portal' ? '/portal/signin' : `/portal/signin?return_to=${encodeURIComponent(path)}`);
      },
    );
  });

  it('sends a signed-out form POST to sign in, creating nothing', async () => {
    const agent = new Agent(app.url);
    const csrf = hidden((await agent.get('/portal/signin')).text, 'csrf');
    for (const path of ['/portal/apps', '/portal/keys']) {
      const res = await agent.post(path, { csrf, name: 'ghost', scopes: 'data:read' });
      expect(res.status).toBe(303);
      expect(res.location).toBe('/portal/signin');
    }
    expect(await sql(`SELECT 1 FROM clients WHERE name = 'ghost'`)).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM api_keys WHERE name = 'ghost'`)).toHaveLength(0);
  });

  it('shows a dashboard with a nav, my applications and my API keys; the Admin link only to admins', async () => {
    const dev = await developer();
    const page = await dev.agent.get('/portal');
    expectHtmlPage(page, 200);
    expect(page.text).toContain('<main class="wide">');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    for (const href of ['/portal', '/portal/connected-apps', '/portal/keys', '/portal/apps/new']) expect(page.text).toContain(`href="${href}"`);
    expect(page.text).not.toContain('/portal/admin');
    expect(page.text).toContain('No applications yet.');
    expect(page.text).toContain('action="/portal/signout"');
    const admin = await developer('admin');
    expect((await admin.agent.get('/portal')).text).toContain('href="/portal/admin"');
    // The sign-in pages stay narrow and have no nav.
    const signin = await new Agent(app.url).get('/portal/signin');
    expect(signin.text).toContain('<main class="">');
    expect(signin.text).not.toContain('<nav');
  });

  it('creates a confidential application and shows its secret once: readonly field, warning, copy button with our own script', async () => {
    const dev = await developer();
    const form = await dev.agent.get('/portal/apps/new');
    expectHtmlPage(form, 200);
    expect(form.headers.get('content-security-policy')).not.toContain('script-src');
    expect(form.text).toContain('name="grant_types" value="client_credentials"');
    expect(form.text).not.toContain('value="admin"'); // developers may not pick the admin scope
    const { page, clientId, secret } = await createApp(dev);
    expectHtmlPage(page, 200);
    expect(secret).toMatch(/^gth_cs_[A-Za-z0-9]{43}$/);
    expect(page.text).toContain('it will not be shown again');
    expect(page.text).toMatch(/<button type="button" class="secondary" data-copy="client_secret" hidden>Copy<\/button>/);
    expect(page.text).toContain('<script src="/portal/assets/copy.js" defer></script>');
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    expect(page.headers.get('cache-control')).toBe('no-store');
    const script = await fetch(`${app.url}/portal/assets/copy.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(await script.text()).toContain('navigator.clipboard');

    // The secret works, and is stored only as its SHA-256.
    expect((await token(clientId, secret)).status).toBe(200);
    const rows = await sql(
      `SELECT s.*, encode(s.secret_hash, 'hex') AS hex FROM client_secrets s JOIN clients c ON c.id = s.client_pk WHERE c.client_id = $1`,
      [clientId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].hex).toBe(createHash('sha256').update(secret).digest('hex'));
    const dump = JSON.stringify(await sql(`SELECT * FROM client_secrets`)) + JSON.stringify(await sql(`SELECT * FROM clients`));
    expect(dump).not.toContain(secret);
    expect(JSON.stringify(await sql(`SELECT * FROM audit_events`))).not.toContain(secret);

    // Never on any page again.
    const id = encodeURIComponent(clientId);
    for (const path of ['/portal', `/portal/apps/${id}`, `/portal/apps/${id}/delete`, '/portal/keys', '/portal/connected-apps']) {
      const later = await dev.agent.get(path);
      expect(later.status).toBe(200);
      expect(later.text).not.toContain(secret);
      expect(later.text).not.toContain(secret.slice(7, 30));
    }
    const dash = await dev.agent.get('/portal');
    expect(dash.text).toContain(`href="/portal/apps/${id}"`);
    expect(dash.text).toContain(`<code>${clientId}</code>`);
  });

  it('creates a public native application without a secret: 303 to its page', async () => {
    const dev = await developer();
    const res = await postApp(
      dev,
      '/portal/apps',
      { name: 'SPA', type: 'public', application_type: 'native', redirect_uris: 'https://spa.example/cb\r\n\r\n  http://127.0.0.1:8080/cb  ' },
      { grant_types: ['authorization_code', 'refresh_token'], scopes: ['profile'] },
    );
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/portal\/apps\/gth_[A-Za-z0-9]+\?notice=created$/);
    const page = await dev.agent.get(res.location!);
    expect(page.text).toContain('The application was created.');
    expect(page.text).toContain('<code>https://spa.example/cb</code>');
    expect(page.text).toContain('<code>http://127.0.0.1:8080/cb</code>');
    expect(page.text).toContain('native app (loopback redirect URIs on any port)');
    expect(page.text).not.toContain('Rotate the client secret');
    expect(page.text).not.toContain('client_secret=');
    // The authorize URL of the guide, with this client and this server.
    const clientId = /\/portal\/apps\/([^?]+)/.exec(res.location!)![1];
    expect(unescape(page.text)).toContain(
      `${app.url}/oauth2/authorize?response_type=code&client_id=${clientId}&redirect_uri=${encodeURIComponent('https://spa.example/cb')}&scope=profile&state=$STATE`,
    );
  });

  it('shows curl examples that work as pasted (client credentials and GET /v1/users; the code flow), with $CLIENT_SECRET, never the secret', async () => {
    const dev = await developer();
    const { clientId, secret } = await createApp(dev, { grants: ['client_credentials', 'authorization_code'], uris: 'https://app.example/cb' });
    const page = await dev.agent.get(`/portal/apps/${encodeURIComponent(clientId)}`);
    expect(page.text).not.toContain(secret);
    const blocks = [...page.text.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((m) => unescape(m[1]));
    expect(blocks).toHaveLength(2);
    const [cc, code] = blocks;
    expect(cc).toContain(`curl -s -X POST ${app.url}/oauth2/token`);
    expect(cc).toContain(`client_id=${clientId}&client_secret=$CLIENT_SECRET`);
    expect(cc).toContain(`curl -s ${app.url}/v1/users -H "Authorization: Bearer $ACCESS_TOKEN"`);
    expect(code).toContain(`${app.url}/oauth2/authorize?response_type=code&client_id=${clientId}`);
    expect(code).toContain('code_challenge_method=S256');
    // Run the example in a shell, as a developer would, with the secret in the environment.
    const script = cc.replace(/^export CLIENT_SECRET=.*$/m, '');
    const { stdout } = await run('bash', ['-c', `set -e\n${script}`], { env: { ...process.env, CLIENT_SECRET: secret }, timeout: 20_000 });
    const lines = stdout.trim().replace(/}\s*{/g, '}\n{').split('\n'); // curl prints each body without a newline
    expect(JSON.parse(lines[0])).toMatchObject({ token_type: 'Bearer' });
    const users = JSON.parse(lines.at(-1)!) as { data: { email: string }[] };
    expect(users.data.map((u) => u.email)).toContain(dev.email);

    // The code-flow example too: the shell makes the PKCE pair and the authorize URL; the user
    // consents; the shell's exchange command turns the code into tokens.
    const [prepare, exchange] = code.split(/^# 2\..*$/m);
    const made = await run('bash', ['-c', `set -e\n${prepare}\necho "$CODE_VERIFIER"\necho "$STATE"`], { timeout: 20_000 });
    const [authorizeUrl, verifier, state] = made.stdout.trim().split('\n');
    expect(authorizeUrl).toMatch(
      new RegExp(`^${app.url}/oauth2/authorize\\?.*&state=[0-9a-f]{32}&code_challenge=[A-Za-z0-9_-]{43}&code_challenge_method=S256$`),
    );
    const consent = await dev.agent.get(authorizeUrl);
    expect(consent.text).toContain('name="decision"');
    const back = await dev.agent.post('/oauth2/authorize', { csrf: hidden(consent.text, 'csrf'), authz: hidden(consent.text, 'authz'), decision: 'allow' });
    const callback = new URL(back.location!);
    expect(callback.origin + callback.pathname).toBe('https://app.example/cb');
    // The snippet sets CODE itself from the address the browser came back to (pasted), and checks the state.
    expect(exchange).toContain("REDIRECTED_TO='paste the address here'");
    const pasted = exchange.replace(/^REDIRECTED_TO=.*$/m, `REDIRECTED_TO='${back.location!}'`).replace(/^export CLIENT_SECRET=.*$/m, '');
    const exchanged = await run('bash', ['-c', `set -e\n${pasted}`], {
      env: { ...process.env, CLIENT_SECRET: secret, STATE: state, CODE_VERIFIER: verifier },
      timeout: 20_000,
    });
    expect(exchanged.stdout).not.toContain('The state does not match');
    expect(JSON.parse(exchanged.stdout)).toMatchObject({ token_type: 'Bearer', scope: 'users:read data:read' });
  });

  describe('registration rules shown next to the field, the same as the JSON API', () => {
    const long = `https://app.example/${'a'.repeat(2001)}`;
    const cases: [string, Record<string, string>, Record<string, string[]>, string, string][] = [
      ['an empty name', { name: '' }, {}, 'name', 'Give the application a name (1 to 200 characters)'],
      ['a 201-character name', { name: 'n'.repeat(201) }, {}, 'name', 'Give the application a name (1 to 200 characters)'],
      ['an unknown type', { type: 'trusted' }, {}, 'type', 'Choose the type: confidential (a server that keeps a secret) or public (a browser or mobile app)'],
      ['no grant type', {}, { grant_types: [] }, 'grant_types', 'at least one grant type is needed'],
      ['the password grant', {}, { grant_types: ['password'] }, 'grant_types', 'unknown grant type password'],
      ['a public client with client_credentials', { type: 'public' }, {}, 'grant_types', 'a public client has no secret'],
      ['a native confidential client', { application_type: 'native' }, {}, 'application_type', 'only a public client can be a native app'],
      ['refresh_token alone', {}, { grant_types: ['refresh_token'] }, 'grant_types', 'refresh_token is only issued with authorization_code'],
      [
        'four grant types',
        {},
        { grant_types: ['client_credentials', 'client_credentials', 'x', 'y'] },
        'grant_types',
        'Choose 1 to 3 grant types from client_credentials, authorization_code, refresh_token',
      ],
      ['no scope', {}, { scopes: [] }, 'scopes', 'at least one scope is needed'],
      ['an unknown scope', {}, { scopes: ['root'] }, 'scopes', 'unknown scope root'],
      ['the admin scope (developer)', {}, { scopes: ['admin'] }, 'scopes', 'only admin users may register clients with the admin scope'],
      ['http off loopback', { redirect_uris: 'http://app.example/cb' }, { grant_types: ['authorization_code'] }, 'redirect_uris', 'uses http'],
      ['a fragment', { redirect_uris: 'https://app.example/cb#x' }, { grant_types: ['authorization_code'] }, 'redirect_uris', 'has a fragment'],
      ['a wildcard', { redirect_uris: 'https://*.example/cb' }, { grant_types: ['authorization_code'] }, 'redirect_uris', 'has a wildcard'],
      ['javascript:', { redirect_uris: 'javascript:alert(1)' }, { grant_types: ['authorization_code'] }, 'redirect_uris', 'must use https'],
      ['data:', { redirect_uris: 'data:text/html,<script>alert(1)</script>' }, { grant_types: ['authorization_code'] }, 'redirect_uris', 'must use https'],
      ['a relative URI', { redirect_uris: '/cb' }, { grant_types: ['authorization_code'] }, 'redirect_uris', 'is not an absolute URI'],
      [
        'credentials in the URI',
        { redirect_uris: 'https://u:p@app.example/cb' },
        { grant_types: ['authorization_code'] },
        'redirect_uris',
        'user name or password',
      ],
      ['the code flow without a redirect URI', {}, { grant_types: ['authorization_code'] }, 'redirect_uris', 'needs at least one redirect URI'],
      ['a 2001-character URI', { redirect_uris: long }, { grant_types: ['authorization_code'] }, 'redirect_uris', 'each at most 2000 characters'],
      [
        '21 redirect URIs',
        { redirect_uris: Array.from({ length: 21 }, (_, i) => `https://app.example/${i}`).join('\n') },
        { grant_types: ['authorization_code'] },
        'redirect_uris',
        'Give at most 20 redirect URIs, one per line, each at most 2000 characters',
      ],
    ];

    let dev: Dev;
    let bearer: string;
    beforeAll(async () => {
      dev = await developer();
      bearer = await app.tokenActingFor(dev.id, ['clients:manage']);
    });

    it.each(cases)('refuses %s', async (_what, fields, lists, field, message) => {
      const before = await sql(`SELECT 1 FROM clients WHERE owner_id = $1`, [dev.id]);
      const form: Record<string, string> = { ...APP_FORM, ...fields };
      const grants = lists.grant_types ?? ['client_credentials'];
      const scopes = lists.scopes ?? ['data:read'];
      const res = await postApp(dev, '/portal/apps', form, { grant_types: grants, scopes });
      expectHtmlPage(res, 400);
      const shownErrors = fieldErrors(res.text, field);
      expect(shownErrors.join(' | ')).toContain(message);
      expect(res.text).toContain(`aria-describedby="${field}-error"`);
      // The user's input is kept.
      expect(res.text).toContain(`value="${form.name.slice(0, 1000)}"`);
      if (form.redirect_uris && form.redirect_uris.length < 5000) expect(unescape(res.text)).toContain(form.redirect_uris);
      for (const g of grants.filter((x) => ['client_credentials', 'authorization_code', 'refresh_token'].includes(x))) {
        expect(res.text).toContain(`name="grant_types" value="${g}" checked`);
      }
      expect(await sql(`SELECT 1 FROM clients WHERE owner_id = $1`, [dev.id])).toHaveLength(before.length);

      // The JSON API says the same about the same field: one set of rules.
      const uris = form.redirect_uris.split('\n').filter(Boolean);
      const api = await fetch(`${app.url}/v1/clients`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: form.name, type: form.type, application_type: form.application_type, grant_types: grants, scopes, redirect_uris: uris }),
      });
      expect(api.status).toBe(400);
      const problem = (await api.json()) as { errors: { field: string; message: string }[] };
      expect(problem.errors.filter((e) => e.field.split('.')[0] === field).map((e) => e.message)).toEqual(shownErrors);
    });

    it('lets an admin register the admin scope', async () => {
      const admin = await developer('admin');
      expect((await admin.agent.get('/portal/apps/new')).text).toContain('value="admin"');
      await createApp(admin, { scopes: ['admin'] });
    });
  });

  it('escapes hostile names and redirect URIs on every page (no XSS)', async () => {
    const dev = await developer();
    const name = `<script>alert("name")</script><img src=x onerror=alert(1)>`;
    const uri = `https://app.example/cb?x="><script>alert(2)</script>`;
    const { page, clientId } = await createApp(dev, { name, grants: ['authorization_code'], uris: uri });
    const id = encodeURIComponent(clientId);
    const pages = [page, await dev.agent.get('/portal'), await dev.agent.get(`/portal/apps/${id}`), await dev.agent.get(`/portal/apps/${id}/delete`)];
    for (const p of pages) {
      expect(p.text).not.toContain('<script>alert');
      expect(p.text).not.toContain('<img src=x');
      expect(p.text).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    }
    expect(pages[2].text).toContain('cb?x=&quot;&gt;&lt;script&gt;');
    // And in API key names.
    const body = new URLSearchParams({ csrf: dev.csrf, name: '<script>alert("key")</script>', scopes: 'data:read' });
    const created = await shownAfter(dev, await dev.agent.post('/portal/keys', body.toString()));
    for (const p of [created, await dev.agent.get('/portal/keys'), await dev.agent.get('/portal')]) {
      expect(p.text).not.toContain('<script>alert');
      expect(p.text).toContain('&lt;script&gt;alert(&quot;key&quot;)&lt;/script&gt;');
    }
    // Echoed invalid input is escaped too.
    const bad = await postApp(
      dev,
      '/portal/apps',
      { ...APP_FORM, name, redirect_uris: `javascript:"></textarea><script>alert(3)</script>` },
      {
        grant_types: ['authorization_code'],
        scopes: ['data:read'],
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.text).not.toContain('<script>alert');
    expect(bad.text).not.toContain('</textarea><script>');
  });

  it('edits an application: 303 and saved; errors next to the field with the input kept; the API sees the change', async () => {
    const dev = await developer();
    const { clientId } = await createApp(dev);
    const path = `/portal/apps/${encodeURIComponent(clientId)}`;
    const ok = await postApp(
      dev,
      path,
      { name: 'Renamed', redirect_uris: 'https://new.example/cb\nhttps://new.example/cb' },
      { grant_types: ['client_credentials', 'authorization_code'], scopes: ['data:read', 'data:write'] },
    );
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`${path}?notice=saved`);
    const page = await dev.agent.get(ok.location!);
    expect(page.text).toContain('Your changes were saved.');
    expect(page.text).toContain('<h1>Renamed</h1>');
    const bearer = await app.tokenActingFor(dev.id, ['clients:manage']);
    const api = (await (await fetch(`${app.url}/v1/clients/${clientId}`, { headers: { authorization: `Bearer ${bearer}` } })).json()) as Record<
      string,
      unknown
    >;
    expect(api).toMatchObject({
      name: 'Renamed',
      grant_types: ['client_credentials', 'authorization_code'],
      scopes: ['data:read', 'data:write'],
      redirect_uris: ['https://new.example/cb'],
    });

    const bad = await postApp(
      dev,
      path,
      { name: 'Still renamed', redirect_uris: 'http://evil.example/cb' },
      { grant_types: ['authorization_code'], scopes: [] },
    );
    expectHtmlPage(bad, 400);
    expect(fieldErrors(bad.text, 'redirect_uris').join()).toContain('uses http');
    expect(fieldErrors(bad.text, 'scopes').join()).toContain('at least one scope is needed');
    expect(bad.text).toContain('value="Still renamed"');
    expect(bad.text).toContain('http://evil.example/cb</textarea>');
    expect(bad.text).toContain('Nothing was changed');
    const after = (await (await fetch(`${app.url}/v1/clients/${clientId}`, { headers: { authorization: `Bearer ${bearer}` } })).json()) as Record<
      string,
      unknown
    >;
    expect(after.name).toBe('Renamed');
    // The type cannot be changed through the form (not a field of it): refused, not applied.
    const typeChange = await postApp(
      dev,
      path,
      { name: 'X', type: 'public', redirect_uris: '' },
      { grant_types: ['client_credentials'], scopes: ['data:read'] },
    );
    expect(typeChange.status).toBe(400);
  });

  it('rotates the secret with a grace period: shown once, the old one works until then; 0 stops the previous ones now', async () => {
    const dev = await developer();
    const { clientId, secret: first } = await createApp(dev);
    const path = `/portal/apps/${encodeURIComponent(clientId)}/secret/rotate`;
    const page = await dev.agent.get(`/portal/apps/${encodeURIComponent(clientId)}`);
    expect(page.text).toContain('<option value="86400" selected>24 hours</option>');
    for (const v of ['0', '3600', '604800']) expect(page.text).toContain(`<option value="${v}"`);

    const rotated = await shownAfter(dev, await dev.agent.post(path, { csrf: dev.csrf, grace_period_seconds: '3600' }));
    expectHtmlPage(rotated, 200);
    expect(rotated.headers.get('content-security-policy')).toContain("script-src 'self'");
    const second = shown(rotated.text, 'client_secret');
    expect(second).not.toBe(first);
    const until = Date.parse(/id="previous_secret_expires_at"\s*>([^<]+)</.exec(rotated.text)![1]);
    expect(Math.abs(until - (Date.now() + 3600_000))).toBeLessThan(60_000);
    expect((await token(clientId, first)).status).toBe(200);
    expect((await token(clientId, second)).status).toBe(200);

    const now = await shownAfter(dev, await dev.agent.post(path, { csrf: dev.csrf, grace_period_seconds: '0' }));
    expect(now.text).toContain('The previous secret stopped working now.');
    const third = shown(now.text, 'client_secret');
    expect((await token(clientId, first)).status).toBe(401);
    expect((await token(clientId, second)).status).toBe(401);
    expect((await token(clientId, third)).status).toBe(200);
    const later = await dev.agent.get(`/portal/apps/${encodeURIComponent(clientId)}`);
    for (const s of [first, second, third]) expect(later.text).not.toContain(s);

    for (const [grace, message] of [
      ['soon', 'a whole number of seconds from 0 to 2592000 (30 days)'],
      ['-1', 'a whole number of seconds from 0 to 2592000 (30 days)'],
      ['99999999', 'a whole number of seconds from 0 to 2592000 (30 days)'],
    ]) {
      const bad = await dev.agent.post(path, { csrf: dev.csrf, grace_period_seconds: grace });
      expectHtmlPage(bad, 400);
      expect(fieldErrors(bad.text, 'grace_period_seconds').join()).toContain(message);
    }
    expect((await token(clientId, third)).status).toBe(200);
  });

  it('refuses to rotate a public client (no secret): a 400 page', async () => {
    const dev = await developer();
    const res = await postApp(
      dev,
      '/portal/apps',
      { name: 'SPA', type: 'public', redirect_uris: 'https://spa.example/cb' },
      {
        grant_types: ['authorization_code'],
        scopes: ['profile'],
      },
    );
    const rot = await dev.agent.post(`${res.location!.split('?')[0]}/secret/rotate`, { csrf: dev.csrf, grace_period_seconds: '0' });
    expectHtmlPage(rot, 400);
    expect(rot.text).toContain('A public client has no secret to rotate');
  });

  it('deletes an application after a confirmation page; its secret stops working', async () => {
    const dev = await developer();
    const { clientId, secret } = await createApp(dev);
    const path = `/portal/apps/${encodeURIComponent(clientId)}`;
    const confirm = await dev.agent.get(`${path}/delete`);
    expectHtmlPage(confirm, 200);
    expect(confirm.text).toContain('Delete the application');
    expect(await sql(`SELECT 1 FROM clients WHERE client_id = $1`, [clientId])).toHaveLength(1);
    const res = await dev.agent.post(`${path}/delete`, { csrf: dev.csrf });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/portal?notice=app-deleted');
    expect((await dev.agent.get(res.location!)).text).toContain('The application was deleted.');
    expect(await sql(`SELECT 1 FROM clients WHERE client_id = $1`, [clientId])).toHaveLength(0);
    expectHtmlPage(await dev.agent.get(path), 404);
    expect((await token(clientId, secret)).status).toBe(401);
  });

  describe('API keys', () => {
    async function createKey(dev: Dev, fields: Record<string, string> = {}, scopes = ['data:read', 'data:write']) {
      const body = new URLSearchParams({ csrf: dev.csrf, name: 'nightly job', ...fields });
      for (const s of scopes) body.append('scopes', s);
      return dev.agent.post('/portal/keys', body.toString());
    }
    const data = (key: string) => fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': key } });

    it('creates a key shown once (copy button, warning), lists it with its prefix and last-used time; only its hash is stored', async () => {
      const dev = await developer();
      expectHtmlPage(await dev.agent.get('/portal/keys/new'), 200);
      const res = await shownAfter(dev, await createKey(dev, { expires_at: '2099-12-31' }));
      expectHtmlPage(res, 200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const key = shown(res.text, 'api_key');
      expect(key).toMatch(/^gth_live_[A-Za-z0-9]{40}_[A-Za-z0-9]{6}$/);
      expect(res.text).toContain('it will not be shown again');
      expect(res.text).toContain('data-copy="api_key"');
      expect((await data(key)).status).toBe(200);
      const row = (
        await sql<{ id: string; hex: string; expires_at: Date }>(`SELECT id, encode(key_hash, 'hex') AS hex, expires_at FROM api_keys WHERE owner_id = $1`, [
          dev.id,
        ])
      )[0];
      expect(row.hex).toBe(createHash('sha256').update(key).digest('hex'));
      expect(new Date(row.expires_at).toISOString()).toBe('2099-12-31T00:00:00.000Z');
      expect(JSON.stringify(await sql(`SELECT * FROM api_keys`))).not.toContain(key);

      await app.get(ApiKeyUsageService).flush();
      for (const path of ['/portal', '/portal/keys', `/portal/keys/${row.id}`]) {
        const page = await dev.agent.get(path);
        expect(page.status).toBe(200);
        expect(page.text).not.toContain(key);
        expect(page.text).toContain(`${key.slice(0, 21)}…${key.slice(-4)}`);
        expect(page.text).toContain('nightly job');
      }
      const detail = await dev.agent.get(`/portal/keys/${row.id}`);
      expect(detail.text).toMatch(/<dd id="key-last-used"><time datetime="\d{4}-/);
      expect(detail.text).toContain('2099-12-31 00:00 UTC');
    });

    it.each([
      ['an empty name', { name: '' }, ['data:read'], 'name', 'Give the key a name (1 to 100 characters)'],
      ['a 101-character name', { name: 'k'.repeat(101) }, ['data:read'], 'name', 'Give the key a name (1 to 100 characters)'],
      ['a control character in the name', { name: 'tab\there' }, ['data:read'], 'name', 'The name cannot hold control characters (tabs, line breaks)'],
      ['no scope', {}, [], 'scopes', 'Choose at least one scope: data:read, data:write'],
      ['a management scope', {}, ['keys:manage'], 'scopes', 'Each scope is one of: data:read, data:write'],
      [
        'a date in the past',
        { expires_at: '2001-01-01' },
        ['data:read'],
        'expires_at',
        'The expiry has passed: choose a date in the future, or leave it empty for no expiry',
      ],
      [
        'a malformed date',
        { expires_at: 'tomorrow' },
        ['data:read'],
        'expires_at',
        'Give the expiry as a date (YYYY-MM-DD) or an ISO 8601 time, in the future; or leave it empty for no expiry',
      ],
    ])('refuses %s next to the field, as the API does', async (_what, fields, scopes, field, message) => {
      const dev = await developer();
      const res = await createKey(dev, fields, scopes);
      expectHtmlPage(res, 400);
      const shownErrors = fieldErrors(res.text, field);
      expect(shownErrors.join(' | ')).toContain(message);
      if ('name' in fields && fields.name) expect(unescape(res.text)).toContain(`value="${fields.name}"`);
      expect(await sql(`SELECT 1 FROM api_keys WHERE owner_id = $1`, [dev.id])).toHaveLength(0);
      const bearer = await app.tokenActingFor(dev.id, ['keys:manage', 'data:read', 'data:write']);
      const api = await fetch(`${app.url}/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'nightly job', scopes, ...fields }),
      });
      expect(api.status).toBe(400);
      const problem = (await api.json()) as { errors: { field: string; message: string }[] };
      expect(problem.errors.filter((e) => e.field === field).map((e) => e.message)).toEqual(shownErrors);
    });

    it('rotates a key with a grace period (old works until then), then revokes after a confirmation: 401', async () => {
      const dev = await developer();
      const first = shown((await shownAfter(dev, await createKey(dev))).text, 'api_key');
      const id = (await sql<{ id: string }>(`SELECT id FROM api_keys WHERE owner_id = $1`, [dev.id]))[0].id;
      const page = await dev.agent.get(`/portal/keys/${id}`);
      expect(page.text).toContain('<option value="86400" selected>24 hours</option>');
      const bad = await dev.agent.post(`/portal/keys/${id}/rotate`, { csrf: dev.csrf, grace_period_seconds: '2592001' });
      expectHtmlPage(bad, 400);
      expect(fieldErrors(bad.text, 'grace_period_seconds').join()).toContain('a whole number of seconds from 0 to 2592000 (30 days)');

      const rotated = await shownAfter(dev, await dev.agent.post(`/portal/keys/${id}/rotate`, { csrf: dev.csrf, grace_period_seconds: '3600' }));
      expectHtmlPage(rotated, 200);
      const second = shown(rotated.text, 'api_key');
      expect(rotated.text).toContain('The previous key keeps working until');
      expect((await data(first)).status).toBe(200);
      expect((await data(second)).status).toBe(200);
      // Rotating the old one again is a clear 409 page; the rotated key's page says so and offers no rotation.
      expectHtmlPage(await dev.agent.post(`/portal/keys/${id}/rotate`, { csrf: dev.csrf, grace_period_seconds: '0' }), 409);
      expect((await dev.agent.get(`/portal/keys/${id}`)).text).toContain('This key was rotated');

      const newId = (await sql<{ id: string }>(`SELECT id FROM api_keys WHERE rotated_from = $1`, [id]))[0].id;
      const confirm = await dev.agent.get(`/portal/keys/${newId}/revoke`);
      expectHtmlPage(confirm, 200);
      expect(confirm.text).toContain('Revoke the key');
      expect((await data(second)).status).toBe(200);
      const revoked = await dev.agent.post(`/portal/keys/${newId}/revoke`, { csrf: dev.csrf });
      expect(revoked.status).toBe(303);
      expect(revoked.location).toBe('/portal/keys?notice=revoked');
      expect((await dev.agent.get(revoked.location!)).text).toContain('The API key was revoked');
      expect((await data(second)).status).toBe(401);
      expect((await dev.agent.get(`/portal/keys/${newId}`)).text).toContain('<dd id="key-status">revoked</dd>');
    });
  });

  it('lists connected apps and withdraws consent', async () => {
    const dev = await developer();
    const empty = await dev.agent.get('/portal/connected-apps');
    expectHtmlPage(empty, 200);
    expect(empty.text).toContain('You have not allowed any application');
    const other = await app.createClient({
      name: 'Photo <Printer>',
      grantTypes: ['authorization_code'],
      redirectUris: ['https://p.example/cb'],
      scopes: ['profile'],
    });
    await app.get(ConsentsService).remember(dev.id, other.id, ['profile', 'data:read']);
    const page = await dev.agent.get('/portal/connected-apps');
    expect(page.text).toContain('Photo &lt;Printer&gt;');
    expect(page.text).toContain('See your name, email address and role');
    expect(page.text).toContain(`href="/portal/connected-apps/${other.clientId}/revoke"`); // to the confirmation page
    const res = await dev.agent.post(`/portal/connected-apps/${other.clientId}/revoke`, { csrf: hidden(page.text, 'csrf') });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/portal/connected-apps?notice=withdrawn');
    const after = await dev.agent.get(res.location!);
    expect(after.text).toContain('Consent withdrawn');
    expect(after.text).not.toContain('Photo &lt;Printer&gt;');
  });

  it('lists a first-party app that skipped the consent page while it holds tokens, and withdrawing signs it out', async () => {
    const dev = await developer();
    const internal = await codeClient(app, { name: 'Internal dashboard', firstParty: true });
    const tokens = await tokensFor(app, internal, dev.agent); // no consent page, so no consent row
    const page = await dev.agent.get('/portal/connected-apps');
    expect(page.text).toContain('Internal dashboard');
    expect(page.text).toContain(`href="/portal/connected-apps/${internal.clientId}/revoke"`);
    expect(page.text).toContain('<code>profile</code>');
    const res = await dev.agent.post(`/portal/connected-apps/${internal.clientId}/revoke`, { csrf: hidden(page.text, 'csrf') });
    expect(res.status).toBe(303);
    expect((await me(app, tokens.access)).status).toBe(401);
    expect((await refresh(app, internal, tokens.refresh)).body.error).toBe('invalid_grant');
    expect((await dev.agent.get('/portal/connected-apps')).text).not.toContain('Internal dashboard');
  });

  describe("another user's applications and keys are 404 pages, and nothing changes", () => {
    let owner: Dev;
    let intruder: Dev;
    let clientId: string;
    let secret: string;
    let keyId: string;
    let key: string;
    beforeAll(async () => {
      owner = await developer();
      intruder = await developer();
      ({ clientId, secret } = await createApp(owner));
      const body = new URLSearchParams({ csrf: owner.csrf, name: 'owner key', scopes: 'data:read' });
      key = shown((await shownAfter(owner, await owner.agent.post('/portal/keys', body.toString()))).text, 'api_key');
      keyId = (await sql<{ id: string }>(`SELECT id FROM api_keys WHERE owner_id = $1`, [owner.id]))[0].id;
    });

    it('GET pages', async () => {
      for (const path of [`/portal/apps/${clientId}`, `/portal/apps/${clientId}/delete`, `/portal/keys/${keyId}`, `/portal/keys/${keyId}/revoke`]) {
        const res = await intruder.agent.get(path);
        expectHtmlPage(res, 404);
        expect(res.text).not.toContain('Reporting service');
        expect(res.text).not.toContain('owner key');
      }
      for (const path of ['/portal/apps/gth_doesnotexist', '/portal/keys/00000000-0000-0000-0000-000000000000', '/portal/keys/not-a-uuid']) {
        expectHtmlPage(await intruder.agent.get(path), 404);
      }
    });

    it('POST forms', async () => {
      const posts: [string, Record<string, string>][] = [
        [`/portal/apps/${clientId}`, { name: 'pwned', redirect_uris: '', grant_types: 'client_credentials', scopes: 'data:read' }],
        [`/portal/apps/${clientId}/secret/rotate`, { grace_period_seconds: '0' }],
        [`/portal/apps/${clientId}/delete`, {}],
        [`/portal/keys/${keyId}/rotate`, { grace_period_seconds: '0' }],
        [`/portal/keys/${keyId}/revoke`, {}],
      ];
      for (const [path, fields] of posts) expectHtmlPage(await intruder.agent.post(path, { csrf: intruder.csrf, ...fields }), 404);
      expect((await sql<{ name: string }>(`SELECT name FROM clients WHERE client_id = $1`, [clientId]))[0].name).toBe('Reporting service');
      expect((await token(clientId, secret)).status).toBe(200);
      expect((await data(key)).status).toBe(200);
    });

    const data = (k: string) => fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': k } });
  });

  describe('CSRF and hostile forms', () => {
    let dev: Dev;
    let other: Dev;
    let clientId: string;
    let keyId: string;
    beforeAll(async () => {
      dev = await developer();
      other = await developer();
      ({ clientId } = await createApp(dev));
      const body = new URLSearchParams({ csrf: dev.csrf, name: 'k', scopes: 'data:read' });
      await dev.agent.post('/portal/keys', body.toString());
      keyId = (await sql<{ id: string }>(`SELECT id FROM api_keys WHERE owner_id = $1`, [dev.id]))[0].id;
    });

    const forms = (): [string, Record<string, string>][] => [
      ['/portal/apps', { name: 'csrf app', type: 'confidential', redirect_uris: '', grant_types: 'client_credentials', scopes: 'data:read' }],
      [`/portal/apps/${clientId}`, { name: 'csrf rename', redirect_uris: '', grant_types: 'client_credentials', scopes: 'data:read' }],
      [`/portal/apps/${clientId}/secret/rotate`, { grace_period_seconds: '0' }],
      [`/portal/apps/${clientId}/delete`, {}],
      ['/portal/keys', { name: 'csrf key', scopes: 'data:read' }],
      [`/portal/keys/${keyId}/rotate`, { grace_period_seconds: '0' }],
      [`/portal/keys/${keyId}/revoke`, {}],
    ];

    it.each([
      ['missing', () => undefined],
      ['wrong', () => 'A'.repeat(43)],
      ["another session's", () => other.csrf],
    ])('refuses every form with a %s CSRF token (403 page), changing nothing', async (_what, csrf) => {
      for (const [path, fields] of forms()) {
        const value = csrf();
        const res = await dev.agent.post(path, value === undefined ? fields : { ...fields, csrf: value });
        expectHtmlPage(res, 403);
        expect(res.text).toContain('This form has expired or was sent from another page');
        expect(res.text).not.toContain('CSRF');
      }
      expect(await sql(`SELECT 1 FROM clients WHERE owner_id = $1`, [dev.id])).toHaveLength(1);
      expect((await sql<{ name: string }>(`SELECT name FROM clients WHERE client_id = $1`, [clientId]))[0].name).toBe('Reporting service');
      expect(await sql(`SELECT 1 FROM api_keys WHERE owner_id = $1 AND revoked_at IS NULL AND rotated_at IS NULL`, [dev.id])).toHaveLength(1);
      expect(await sql(`SELECT 1 FROM client_secrets s JOIN clients c ON c.id = s.client_pk WHERE c.client_id = $1`, [clientId])).toHaveLength(1);
    });

    it.each([
      ['a NUL in the name', 'name=a%00b&type=confidential&grant_types=client_credentials&scopes=data:read&csrf=CSRF', 400],
      ['the name twice', 'name=a&name=b&type=confidential&grant_types=client_credentials&scopes=data:read&csrf=CSRF', 400],
      ['the CSRF token twice', 'name=a&type=confidential&grant_types=client_credentials&scopes=data:read&csrf=CSRF&csrf=CSRF', 400],
      ['a mass-assigned client_id', 'name=a&client_id=gth_mine&type=confidential&grant_types=client_credentials&scopes=data:read&csrf=CSRF', 400],
      ['a mass-assigned owner_id', `name=a&owner_id=00000000-0000-0000-0000-000000000000&grant_types=client_credentials&scopes=data:read&csrf=CSRF`, 400],
      ['array syntax', 'name[]=a&scopes[$ne]=1&csrf=CSRF', 400],
      ['bad UTF-8', 'name=%ff%fe&type=confidential&grant_types=client_credentials&scopes=data:read&csrf=CSRF', 303],
      ['a 100 KB name', `name=${'x'.repeat(100_000)}&type=confidential&grant_types=client_credentials&scopes=data:read&csrf=CSRF`, 400],
      ['a 2 MB body', `name=${'x'.repeat(2_000_000)}&csrf=CSRF`, 413],
    ])('answers a new-application form with %s with a clear page, never a 500', async (_what, body, status) => {
      const res = await dev.agent.post('/portal/apps', body.replace(/CSRF/g, encodeURIComponent(dev.csrf)));
      if (status === 303)
        expectHtmlPage(await shownAfter(dev, res), 200); // created: post/redirect/get
      else expectHtmlPage(res, status);
      if (status === 400) expect(res.text).toMatch(/class="(error|field-error)"/);
      expect(await sql(`SELECT 1 FROM clients WHERE client_id = 'gth_mine'`)).toHaveLength(0);
    });

    it('answers a JSON body with a 4xx page', async () => {
      const res = await dev.agent.post('/portal/apps', JSON.stringify({ name: 'x', csrf: dev.csrf }), { 'content-type': 'application/json' });
      expectHtmlPage(res, 400);
    });

    it('shows a 100 KB name error without echoing all of it', async () => {
      const res = await dev.agent.post(
        '/portal/apps',
        `name=${'y'.repeat(100_000)}&type=confidential&grant_types=client_credentials&scopes=data:read&csrf=${encodeURIComponent(dev.csrf)}`,
      );
      expect(res.status).toBe(400);
      expect(fieldErrors(res.text, 'name').join()).toContain('Give the application a name (1 to 200 characters)');
      expect(res.text.length).toBeLessThan(30_000);
    });
  });
});
