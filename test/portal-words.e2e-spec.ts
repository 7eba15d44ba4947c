import { Agent, hidden, type AgentResponse } from './support/agent.js';
import { fieldErrors, unescapeHtml as unescape } from './support/page-text.js';
import { startTestApp, type TestApp } from './support/app.js';

/** The error page's way on: back to the portal, and sign in when there is no session nav. */
function expectWayOn(res: AgentResponse, signedIn: boolean): void {
  expect(res.text).toContain('<nav aria-label="Where to go from here"');
  expect(res.text).toContain('href="/portal">Back to the portal</a>');
  if (signedIn) expect(res.text).toContain('action="/portal/signout"');
  else expect(res.text).toContain('href="/portal/signin">Sign in</a>');
}

/** Plain words in the portal (issue 17, item 5): every field's problem at once, error pages with a way on, /portal/apps. */
describe('portal words and pages', () => {
  let app: TestApp;
  let dev: { agent: Agent; id: string; csrf: string };

  beforeAll(async () => {
    app = await startTestApp();
    const user = await app.createUser();
    const agent = new Agent(app.url);
    expect((await agent.signIn(user.email, user.password)).status).toBe(303);
    dev = { agent, id: user.id, csrf: hidden((await agent.get('/portal')).text, 'csrf') };
  });
  afterAll(() => app.close());

  function post(path: string, fields: [string, string][]): Promise<AgentResponse> {
    return dev.agent.post(path, new URLSearchParams([['csrf', dev.csrf], ...fields]).toString());
  }

  it('shows every problem of a new application at once, each next to its field, in plain words (no validator jargon)', async () => {
    const res = await post('/portal/apps', [
      ['name', ''],
      ['type', 'public'],
      ['redirect_uris', 'javascript:alert(1)'],
      ['post_logout_redirect_uris', 'http://app.example/bye'],
      ['grant_types', 'client_credentials'],
    ]);
    expect(res.status).toBe(400);
    expect(fieldErrors(res.text, 'name')).toEqual(['Give the application a name (1 to 200 characters)']);
    expect(fieldErrors(res.text, 'grant_types').join()).toContain('a public client has no secret');
    expect(fieldErrors(res.text, 'scopes')).toEqual(['at least one scope is needed']);
    expect(fieldErrors(res.text, 'redirect_uris').join()).toContain('must use https');
    expect(fieldErrors(res.text, 'post_logout_redirect_uris').join()).toContain('uses http');
    expect(res.text).not.toMatch(/must be longer than or equal|must be shorter than or equal|must contain no more than|must be one of the following/);
    expect(await app.running.db.dataSource.query(`SELECT 1 FROM clients WHERE owner_id = $1`, [dev.id])).toHaveLength(0);
  });

  it('shows every problem of a new API key at once', async () => {
    const res = await post('/portal/keys', [
      ['name', 'x'.repeat(101)],
      ['expires_at', '2001-01-01'],
    ]);
    expect(res.status).toBe(400);
    expect(fieldErrors(res.text, 'name')).toEqual(['Give the key a name (1 to 100 characters)']);
    expect(fieldErrors(res.text, 'scopes')).toEqual(['Choose at least one scope: data:read, data:write']);
    expect(fieldErrors(res.text, 'expires_at')).toEqual(['The expiry has passed: choose a date in the future, or leave it empty for no expiry']);
  });

  it('the JSON API says the same words in the same problem format and field names', async () => {
    const bearer = await app.tokenActingFor(dev.id, ['clients:manage']);
    const res = await fetch(`${app.url}/v1/clients`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '', grant_types: ['a', 'b', 'c', 'd'] }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { code: string; errors: { field: string; message: string }[] };
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'Give the application a name (1 to 200 characters)' },
        { field: 'grant_types', message: 'Choose 1 to 3 grant types from client_credentials, authorization_code, refresh_token' },
      ]),
    );
  });

  it('lists my applications at /portal/apps (not another user\u2019s), linked from the nav; signed out, to sign in', async () => {
    const mine = await app.createClient({ name: 'Mine <b>bold</b>', ownerId: dev.id });
    const other = await app.createUser();
    const theirs = await app.createClient({ name: 'Theirs', ownerId: other.id });
    const res = await dev.agent.get('/portal/apps');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Applications</h1>');
    expect(res.text).toContain(`href="/portal/apps/${mine.clientId}">Mine &lt;b&gt;bold&lt;/b&gt;</a>`);
    expect(res.text).not.toContain(theirs.clientId);
    expect(res.text).toContain('<a href="/portal/apps" aria-current="page">Applications</a>');
    expect(res.text).toContain('href="/portal/apps/new"');
    const signedOut = await new Agent(app.url).get('/portal/apps');
    expect(signedOut.status).toBe(303);
    expect(signedOut.location).toContain('/portal/signin');
    // The old URLs still work.
    expect((await dev.agent.get('/portal/apps/new')).status).toBe(200);
    expect((await dev.agent.get(`/portal/apps/${mine.clientId}`)).status).toBe(200);
  });

  it('the form-expired page speaks plainly (no "CSRF") and every error page has a way on', async () => {
    const expired = await dev.agent.post('/portal/apps', { csrf: 'stale', name: 'x' });
    expect(expired.status).toBe(403);
    expect(expired.text).toContain('This form has expired or was sent from another page; go back, reload and try again.');
    expect(expired.text).not.toMatch(/csrf token/i);
    expectWayOn(expired, false);

    const anon = new Agent(app.url);
    const page = await anon.get('/portal/signin');
    const signInExpired = await anon.post('/portal/signin', {
      csrf: 'stale',
      email: 'a@example.com',
      password: 'x',
      return_to: hidden(page.text, 'return_to'),
    });
    expect(signInExpired.status).toBe(403);
    expect(signInExpired.text).not.toMatch(/csrf/i);
    expectWayOn(signInExpired, false);

    const badLink = await anon.get('/oauth2/authorize?client_id=nobody');
    expect(badLink.status).toBe(400);
    expectWayOn(badLink, false);

    const consentExpired = await dev.agent.post('/oauth2/authorize', { csrf: 'stale', authz: 'client_id=x', decision: 'allow' });
    expect(consentExpired.status).toBe(403);
    expect(consentExpired.text).not.toMatch(/csrf/i);
    expectWayOn(consentExpired, false);

    const notFound = await dev.agent.get('/portal/apps/gh_nothing_here');
    expect(notFound.status).toBe(404);
    expectWayOn(notFound, true);

    const forbidden = await dev.agent.get('/portal/admin/users');
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toContain('href="/portal">Back to the portal</a>');
  });

  it('puts a Copy button on the client id and on every snippet, and loads the copy script', async () => {
    const c = await app.createClient({
      name: 'Snippets',
      ownerId: dev.id,
      grantTypes: ['client_credentials', 'authorization_code'],
      redirectUris: ['https://app.example/cb'],
    });
    const res = await dev.agent.get(`/portal/apps/${c.clientId}`);
    expect(res.text).toContain(`<code id="client-id">${c.clientId}</code>`);
    expect(res.text).toContain('data-copy="client-id"');
    expect(res.text).toContain('data-copy="snippet-1"');
    expect(res.text).toContain('data-copy="snippet-2"');
    expect(res.text).toContain('<script src="/portal/assets/copy.js" defer></script>');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    // The code-flow snippet sets CODE from the address the browser came back to, and checks the state.
    const code = unescape(/<code id="snippet-2">([\s\S]*?)<\/code>/.exec(res.text)![1]);
    expect(code).toMatch(/^CODE=\$\(printf %s "\$REDIRECTED_TO"/m);
    expect(code).toContain('[ "$RETURNED_STATE" = "$STATE" ]');
  });
});
