import { startTestApp, type TestApp } from './support/app.js';
import { hidden } from './support/agent.js';
import { raw, selfSignedCert, type Raw } from './support/tls.js';

/**
 * Issue 13 item 5: over HTTPS the session and pre-sign-in CSRF cookies carry the __Host- prefix
 * (Secure, Path=/, no Domain), so a sibling origin (another subdomain, or this host over plain HTTP)
 * can neither plant a CSRF cookie for login CSRF nor shadow the session with a duplicate to sign the
 * user out. The pre-sign-in token is signed by the server, and a pre-sign-in form posted from another
 * site or origin is refused. A planted cookie is simulated as the browser would send it: a second
 * cookie of the unprefixed name in the Cookie header.
 */
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JUNK = 'planted-by-a-sibling-origin-0123456789';

const setCookies = (r: Raw): string[] => ([] as string[]).concat(r.headers['set-cookie'] ?? []);
const valueOf = (setCookie: string): string => setCookie.slice(setCookie.indexOf('=') + 1).split(';')[0];

describe('cookies over HTTPS', () => {
  const tls = selfSignedCert();
  let app: TestApp;
  let user: { email: string; password: string };
  const get = (path: string, cookie: string, headers: Record<string, string> = {}) => raw(`${app.url}${path}`, { ca: tls.ca, headers: { cookie, ...headers } });
  const post = (path: string, cookie: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    raw(`${app.url}${path}`, { ca: tls.ca, method: 'POST', headers: { ...FORM, cookie, ...headers }, body: new URLSearchParams(form).toString() });

  /** A fresh pre-sign-in CSRF pair, as anyone (an attacker too) gets it from the sign-in page. */
  async function csrfPair(): Promise<{ setCookie: string; value: string; csrf: string }> {
    const page = await raw(`${app.url}/portal/signin`, { ca: tls.ca });
    const [setCookie] = setCookies(page);
    return { setCookie, value: valueOf(setCookie), csrf: hidden(page.body, 'csrf') };
  }
  const signIn = (cookie: string, csrf: string, headers: Record<string, string> = {}) =>
    post('/portal/signin', cookie, { email: user.email, password: user.password, csrf, return_to: '/portal' }, headers);

  beforeAll(async () => {
    app = await startTestApp({ https: true, env: { TLS_CERT_FILE: tls.cert, TLS_KEY_FILE: tls.key } });
    user = await app.createUser();
  });
  afterAll(async () => {
    await app.close();
    tls.remove();
  });

  it('names the CSRF and session cookies __Host-: Secure, Path=/, no Domain', async () => {
    const pair = await csrfPair();
    expect(pair.setCookie).toMatch(/^__Host-gh_csrf=[A-Za-z0-9_-]{86}; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
    expect(pair.csrf).toBe(pair.value);
    const res = await signIn(`__Host-gh_csrf=${pair.value}`, pair.csrf);
    expect(res.status).toBe(303);
    const [session] = setCookies(res);
    expect(session).toMatch(/^__Host-gh_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    expect((await get('/portal', `__Host-gh_session=${valueOf(session)}`)).status).toBe(200);
    // The unprefixed name is not a session over HTTPS.
    expect((await get('/portal', `gh_session=${valueOf(session)}`)).status).toBe(303);
  });

  it('refuses login CSRF through a CSRF cookie planted by a sibling origin (unprefixed name)', async () => {
    const attackers = await csrfPair(); // a valid pair, from the attacker's own visit
    const res = await signIn(`gh_csrf=${attackers.value}`, attackers.csrf);
    expect(res.status).toBe(403);
    expect(setCookies(res).some((c) => c.includes('gh_session='))).toBe(false);
  });

  it('refuses a pre-sign-in CSRF cookie the server did not sign', async () => {
    const made = 'A'.repeat(86);
    expect((await signIn(`__Host-gh_csrf=${made}`, made)).status).toBe(403);
    const { value } = await csrfPair();
    const tampered = `${value.slice(0, 43)}${value.slice(43).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`;
    expect((await signIn(`__Host-gh_csrf=${tampered}`, tampered)).status).toBe(403);
  });

  it.each([
    ['sign-in', '/portal/signin'],
    ['sign-up', '/portal/signup'],
  ])('refuses a %s form posted from another origin or site, even with a valid pair', async (_name, path) => {
    const pair = await csrfPair();
    const form = { email: 'someone@example.com', password: 'correct horse battery staple', csrf: pair.csrf, return_to: '/portal' };
    const cookie = `__Host-gh_csrf=${pair.value}`;
    const from: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: `http://${new URL(app.url).host}` },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of from) {
      expect((await post(path, cookie, form, headers)).status).toBe(403);
    }
  });

  it.each([
    ['Origin and Sec-Fetch-Site of this origin', { origin: 'SELF', 'sec-fetch-site': 'same-origin' }],
    // What a browser sends for its own form under our Referrer-Policy: no-referrer.
    ['Origin: null with Sec-Fetch-Site: same-origin', { origin: 'null', 'sec-fetch-site': 'same-origin' }],
    ['Origin of this origin alone (no Fetch Metadata)', { origin: 'SELF' }],
  ])('accepts a form posted from its own origin: %s', async (_name, headers: Record<string, string>) => {
    const pair = await csrfPair();
    const from = { ...headers, ...(headers.origin === 'SELF' ? { origin: app.url } : {}) };
    expect((await signIn(`__Host-gh_csrf=${pair.value}`, pair.csrf, from)).status).toBe(303);
  });

  it('is not signed out, nor kept from signing in, by a planted duplicate cookie', async () => {
    const pair = await csrfPair();
    // The browser sends the planted cookie next to ours: it must not make ours unreadable.
    const signedIn = await signIn(`gh_csrf=${JUNK}; __Host-gh_csrf=${pair.value}; gh_csrf=${JUNK}`, pair.csrf);
    expect(signedIn.status).toBe(303);
    const session = valueOf(setCookies(signedIn)[0]);
    const cookie = `gh_session=${JUNK}; __Host-gh_session=${session}; gh_session=${JUNK}`;
    const page = await get('/portal', cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain(user.email);
    expect((await get('/v1/clients', cookie)).status).toBe(200);
  });
});

describe('cookies over plain HTTP (development)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('keep their unprefixed names without Secure: a browser refuses __Host- without it', async () => {
    const [setCookie] = setCookies(await raw(`${app.url}/portal/signin`));
    expect(setCookie).toMatch(/^gh_csrf=[A-Za-z0-9_-]{86}; Path=\/; HttpOnly; SameSite=Lax$/);
  });
});
