import { Agent, hidden, pkce } from './support/agent.js';
import { startTestApp, type TestApp } from './support/app.js';

const HOSTILE = [
  ['javascript:', 'javascript:alert(1)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['http off localhost', 'http://app.example/'],
  ['a user name and password', 'https://user:pw@app.example/'],
  ['a relative URL', '/home'],
  ['a line break', 'https://app.example/\nx'],
  ['over 2000 characters', `https://app.example/${'a'.repeat(2000)}`],
] as const;

/**
 * The optional client field homepage_url (issue 17): set through /v1/clients and the portal with the
 * redirect URI rules; shown with the application's name on the sign-in page during an OAuth flow and
 * on the consent page, which also offers "Not you? Switch account".
 */
describe('client home page, the requesting application on sign-in and consent, switch account', () => {
  let app: TestApp;
  let owner: { id: string; email: string; password: string };
  let bearer: string;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await app.createUser();
    bearer = await app.tokenActingFor(owner.id, ['clients:manage', 'data:read', 'profile']);
  });
  afterAll(() => app.close());

  const api = (method: string, path: string, body: unknown) =>
    fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('/v1/clients takes homepage_url (https, or http on localhost), returns it, and PATCH null removes it', async () => {
    const created = await api('POST', '/v1/clients', { name: 'Home', homepage_url: 'https://home.example/app' });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { client_id: string; homepage_url: string | null };
    expect(body.homepage_url).toBe('https://home.example/app');
    const local = await api('PATCH', `/v1/clients/${body.client_id}`, { homepage_url: 'http://127.0.0.1:8080/' });
    expect(((await local.json()) as { homepage_url: string }).homepage_url).toBe('http://127.0.0.1:8080/');
    const cleared = await api('PATCH', `/v1/clients/${body.client_id}`, { homepage_url: null });
    expect(((await cleared.json()) as { homepage_url: string | null }).homepage_url).toBeNull();
    const plain = await api('POST', '/v1/clients', { name: 'No home' });
    expect(((await plain.json()) as { homepage_url: string | null }).homepage_url).toBeNull();
  });

  it.each(HOSTILE)('/v1/clients refuses a home page with %s (400 validation_failed on homepage_url)', async (_what, url) => {
    const res = await api('POST', '/v1/clients', { name: 'Bad home', homepage_url: url });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { code: string; errors: { field: string; message: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors.map((e) => e.field)).toEqual(['homepage_url']);
    const other = await api('POST', '/v1/clients', { name: 'Fine' });
    const id = ((await other.json()) as { client_id: string }).client_id;
    expect((await api('PATCH', `/v1/clients/${id}`, { homepage_url: url })).status).toBe(400);
    expect((await api('POST', '/v1/clients', { name: 'Bad type', homepage_url: 42 })).status).toBe(400);
  });

  it('the portal form sets it, shows a refused one next to the field with the others, and links it with rel=noopener noreferrer nofollow', async () => {
    const agent = new Agent(app.url);
    await agent.signIn(owner.email, owner.password);
    const csrf = hidden((await agent.get('/portal/apps/new')).text, 'csrf');
    const form = (fields: Record<string, string>) =>
      new URLSearchParams({ csrf, type: 'confidential', grant_types: 'client_credentials', scopes: 'data:read', ...fields }).toString();
    for (const [, url] of HOSTILE) {
      const bad = await agent.post('/portal/apps', form({ name: '', homepage_url: url }));
      expect(bad.status).toBe(400);
      expect(bad.text).toMatch(/<div id="homepage_url-error" role="alert">\s*<p class="field-error">(homepage URL|Give the home page as one https address)/);
      expect(bad.text).toContain('<div id="name-error" role="alert">');
    }
    const good = await agent.post('/portal/apps', form({ name: 'Portal home', homepage_url: 'https://portal-home.example/' }));
    expect(good.status).toBe(303); // post/redirect/get: the secret is shown once by the page it redirects to
    const id = /<code id="client-id">([^<]+)<\/code>/.exec((await agent.get(good.location!)).text)![1];
    const page = await agent.get(`/portal/apps/${id}`);
    expect(page.text).toContain('<a href="https://portal-home.example/" rel="noopener noreferrer nofollow">https://portal-home.example/</a>');
    expect(page.text).toMatch(/id="homepage_url"\s+name="homepage_url"\s+type="url"/);
    // Emptying the field on the edit form removes it.
    const saved = await agent.post(
      `/portal/apps/${id}`,
      new URLSearchParams({ csrf, name: 'Portal home', homepage_url: '', scopes: 'data:read', grant_types: 'client_credentials' }).toString(),
    );
    expect(saved.status).toBe(303);
    expect((await agent.get(`/portal/apps/${id}`)).text).not.toContain('https://portal-home.example/');
  });

  async function codeClient(homepageUrl: string | null) {
    const c = await app.createClient({
      name: 'Calendar <Sync>',
      type: 'public',
      ownerId: owner.id,
      grantTypes: ['authorization_code'],
      redirectUris: ['https://cal.example/cb'],
      scopes: ['profile'],
      homepageUrl,
    });
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: c.clientId,
      redirect_uri: 'https://cal.example/cb',
      scope: 'profile',
      state: 'xyz',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
    });
    return { ...c, authorize: `/oauth2/authorize?${query.toString()}` };
  }

  it('the sign-in page of an OAuth flow says which application is asking, with its home page; plain sign-in does not', async () => {
    const c = await codeClient('https://cal.example/');
    const agent = new Agent(app.url);
    const start = await agent.get(c.authorize);
    expect(start.status).toBe(302);
    const signIn = await agent.get(start.location!);
    expect(signIn.text).toContain('<h1>Sign in to continue to Calendar &lt;Sync&gt;</h1>');
    expect(signIn.text).toContain('<a href="https://cal.example/" rel="noopener noreferrer nofollow">https://cal.example/</a>');
    // A failed password keeps saying it.
    const failed = await agent.post('/portal/signin', {
      csrf: hidden(signIn.text, 'csrf'),
      return_to: hidden(signIn.text, 'return_to'),
      email: owner.email,
      password: 'wrong password!',
    });
    expect(failed.status).toBe(401);
    expect(failed.text).toContain('Sign in to continue to Calendar &lt;Sync&gt;');
    expect((await new Agent(app.url).get('/portal/signin')).text).toContain('<h1>Sign in</h1>');
    // An unknown client id in return_to names nothing.
    expect((await new Agent(app.url).get(`/portal/signin?return_to=${encodeURIComponent('/oauth2/authorize?client_id=gth_nobody')}`)).text).toContain(
      '<h1>Sign in</h1>',
    );
    // A javascript: home page stored some other way is never linked.
    const stored = await codeClient('javascript:alert(1)');
    const page = await new Agent(app.url).get((await new Agent(app.url).get(stored.authorize)).location!);
    expect(page.text).toContain('Sign in to continue to');
    expect(page.text).not.toContain('javascript:');
  });

  it('the consent page links the home page and offers "Not you? Switch account": CSRF required, then sign in and back to the same request', async () => {
    const c = await codeClient('https://cal.example/');
    const agent = new Agent(app.url);
    await agent.signIn(owner.email, owner.password);
    const consent = await agent.get(c.authorize);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('<a href="https://cal.example/" rel="noopener noreferrer nofollow">https://cal.example/</a>');
    expect(consent.text).toContain('action="/portal/switch-account"');
    expect(consent.text).toContain('Not you?');
    const returnTo = hidden(consent.text.slice(consent.text.indexOf('/portal/switch-account')), 'return_to');
    expect(returnTo.startsWith('/oauth2/authorize?')).toBe(true);

    // Without or with a wrong CSRF token: 403, still signed in.
    for (const csrf of [undefined, 'A'.repeat(43)]) {
      const refused = await agent.post('/portal/switch-account', csrf === undefined ? { return_to: returnTo } : { csrf, return_to: returnTo });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('This form has expired or was sent from another page');
    }
    expect((await agent.get('/portal')).status).toBe(200);

    // With it: signed out, to sign in, coming back to the same authorization request.
    const switched = await agent.post('/portal/switch-account', { csrf: hidden(consent.text, 'csrf'), return_to: returnTo });
    expect(switched.status).toBe(303);
    expect(switched.location).toBe(`/portal/signin?return_to=${encodeURIComponent(returnTo)}`);
    expect((await agent.get('/portal')).status).toBe(303);
    const other = await app.createUser();
    const signIn = await agent.get(switched.location!);
    expect(signIn.text).toContain('Sign in to continue to Calendar &lt;Sync&gt;');
    const back = await agent.post('/portal/signin', {
      csrf: hidden(signIn.text, 'csrf'),
      return_to: hidden(signIn.text, 'return_to'),
      email: other.email,
      password: other.password,
    });
    expect(back.status).toBe(303);
    expect(back.location).toBe(returnTo);
    const again = await agent.get(back.location!);
    expect(again.status).toBe(200);
    expect(again.text).toContain(`Signed in as <strong>${other.email}</strong>`);
    // An outside return_to is not followed.
    const csrf = hidden(again.text, 'csrf');
    const outside = await agent.post('/portal/switch-account', { csrf, return_to: 'https://evil.example/' });
    expect(outside.location).toBe('/portal/signin');
  });
});
