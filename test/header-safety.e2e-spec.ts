import { startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden, pkce } from './support/agent.js';
import { authorizeUrl, codeClient, REDIRECT, signedIn, type FlowClient } from './support/code-flow.js';
import { headerBlockSize } from './support/headers.js';

const isPrintableAscii = (value: string): boolean => /^[\x21-\x7e]*$/.test(value);

/**
 * Issue #13 items 4 and 9: every value that reaches a response header is encoded or refused (a
 * non-Latin-1 return_to was a 500), and what a redirect echoes is bounded (unknown authorization
 * parameters are dropped, RFC 6749 3.1; every header block stays under 8 KB).
 */
describe('values that reach response headers', () => {
  let app: TestApp;
  let client: FlowClient;
  const { challenge } = pkce();
  const S256 = { code_challenge: challenge, code_challenge_method: 'S256' };

  beforeAll(async () => {
    app = await startTestApp();
    client = await codeClient(app);
  });
  afterAll(() => app.close());

  describe('a return_to outside Latin-1 (item 4)', () => {
    it('GET /portal/signin?return_to=/portal/%E4%B8%AD signed in: a 303 to the percent-encoded path, not a 500', async () => {
      const { agent } = await signedIn(app);
      const res = await agent.get('/portal/signin?return_to=/portal/%E4%B8%AD');
      expect(res.status).toBe(303);
      expect(res.location).toBe('/portal/%E4%B8%AD');
    });

    it('signing in with it comes back to the percent-encoded path', async () => {
      const user = await app.createUser();
      const agent = new Agent(app.url);
      const page = await agent.get('/portal/signin?return_to=/portal/%E4%B8%AD?q=%F0%9F%94%91%23%C3%A9');
      expect(page.status).toBe(200);
      expect(hidden(page.text, 'return_to')).toBe('/portal/%E4%B8%AD?q=%F0%9F%94%91#%C3%A9');
      const res = await agent.post('/portal/signin', {
        csrf: hidden(page.text, 'csrf'),
        email: user.email,
        password: user.password,
        return_to: '/portal/中?q=🔑',
      });
      expect(res.status).toBe(303);
      expect(res.location).toBe('/portal/%E4%B8%AD?q=%F0%9F%94%91');
    });

    it.each(['/portal/\u00e9', '/portal/\u4e2d', '/portal/\ud83d\udd11', '/portal/\ud800x', '/portal/x?\u2028=\u00ff'])(
      'a signed-out page request with %j in its path or query sends to sign-in with a header-safe Location',
      async (path) => {
        const res = await new Agent(app.url).get(encodeURI(path.replace(/\ud800/g, '\ufffd')));
        expect([303, 404]).toContain(res.status);
        if (res.location) expect(isPrintableAscii(res.location)).toBe(true);
      },
    );

    it('a sign-in form posted with a return_to outside Latin-1 and a wrong password answers 401, not 500', async () => {
      const agent = new Agent(app.url);
      const page = await agent.get('/portal/signin');
      const res = await agent.post('/portal/signin', {
        csrf: hidden(page.text, 'csrf'),
        email: 'x@example.com',
        password: 'wrong password!!',
        return_to: '/p/\u4e2d',
      });
      expect(res.status).toBe(401);
      expect(hidden(res.text, 'return_to')).toBe('/p/%E4%B8%AD');
    });

    it('the state outside Latin-1 goes back to the client percent-encoded', async () => {
      const { agent } = await signedIn(app);
      const res = await agent.get(authorizeUrl(client.clientId, { ...S256, state: '\u4e2d\u00e9', response_type: 'token' }));
      expect(res.status).toBe(302);
      expect(isPrintableAscii(res.location!)).toBe(true);
      expect(new URL(res.location!).searchParams.get('state')).toBe('\u4e2d\u00e9');
    });
  });

  describe('what a redirect echoes (item 9)', () => {
    const junk = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`unknown_${i}`, 'x'.repeat(30)]));

    it('GET /oauth2/authorize signed out with 300 unknown parameters: sign-in carries only the known ones, headers under 8 KB', async () => {
      const res = await new Agent(app.url).get(`${authorizeUrl(client.clientId, S256)}&${new URLSearchParams(junk).toString()}`);
      expect(res.status).toBe(302);
      expect(headerBlockSize(res.headers)).toBeLessThan(8192);
      const returnTo = new URL(res.location!, app.url).searchParams.get('return_to')!;
      const carried = new URL(returnTo, app.url);
      expect(carried.pathname).toBe('/oauth2/authorize');
      expect([...carried.searchParams.keys()].sort()).toEqual(
        ['client_id', 'code_challenge', 'code_challenge_method', 'redirect_uri', 'response_type', 'state'].sort(),
      );
      expect(carried.searchParams.get('state')).toBe('st');
      expect(carried.searchParams.get('redirect_uri')).toBe(REDIRECT);
    });

    it('the carried request still completes after sign-in, with its redirect_uri and state', async () => {
      const user = await app.createUser();
      const agent = new Agent(app.url);
      const start = await agent.get(`${authorizeUrl(client.clientId, { ...S256, state: 's t/\u00e9' })}&junk=1`);
      const back = await agent.signIn(user.email, user.password, new URL(start.location!, app.url).searchParams.get('return_to')!);
      expect(back.status).toBe(303);
      let res = await agent.get(back.location!);
      expect(res.status).toBe(200);
      expect(hidden(res.text, 'authz')).not.toContain('junk');
      res = await agent.post('/oauth2/authorize', { csrf: hidden(res.text, 'csrf'), authz: hidden(res.text, 'authz'), decision: 'allow' });
      const location = new URL(res.location!);
      expect(location.origin + location.pathname).toBe(REDIRECT);
      expect(location.searchParams.get('state')).toBe('s t/\u00e9');
      expect(location.searchParams.get('code')).toBeTruthy();
    });

    it('a state over 2048 characters once URL-encoded is refused, and no header block reaches 8 KB', async () => {
      const { agent } = await signedIn(app);
      for (const state of ['\u4e2d'.repeat(300), '%'.repeat(700), 'a'.repeat(2049)]) {
        const res = await agent.get(authorizeUrl(client.clientId, { ...S256, state }));
        expect(res.status).toBe(302);
        expect(headerBlockSize(res.headers)).toBeLessThan(8192);
        const location = new URL(res.location!);
        expect(location.searchParams.get('error')).toBe('invalid_request');
        expect(location.searchParams.get('state')).toBeNull();
      }
    });

    it('the longest state still fits through sign-in: the sign-in redirect stays under 8 KB', async () => {
      const state = '\u4e2d'.repeat(227); // 2043 characters form-encoded
      const res = await new Agent(app.url).get(authorizeUrl(client.clientId, { ...S256, state }));
      expect(res.status).toBe(302);
      expect(res.location!.startsWith('/portal/signin?return_to=')).toBe(true);
      expect(headerBlockSize(res.headers)).toBeLessThan(8192);
    });

    it('a request too long to carry through sign-in goes back to the client as invalid_request', async () => {
      const long = await codeClient(app, { redirectUris: [`${REDIRECT}?${'%41'.repeat(600)}`] });
      const res = await new Agent(app.url).get(
        authorizeUrl(long.clientId, { ...S256, redirect_uri: `${REDIRECT}?${'%41'.repeat(600)}`, state: '%'.repeat(600) }),
      );
      expect(res.status).toBe(302);
      expect(headerBlockSize(res.headers)).toBeLessThan(8192);
      const location = new URL(res.location!);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('%'.repeat(600));
    });

    it('a signed-out portal page with a 12 KB query sends to plain sign-in, not a 36 KB Location', async () => {
      const res = await new Agent(app.url).get(`/portal/keys?q=${'%E4%B8%AD'.repeat(1300)}`);
      expect(res.status).toBe(303);
      expect(res.location).toBe('/portal/signin');
      expect(headerBlockSize(res.headers)).toBeLessThan(8192);
    });
  });
});
