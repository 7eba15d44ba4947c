import fc from 'fast-check';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { Agent } from './support/agent.js';
import { headerBlockSize, wellFormed } from './support/headers.js';

/** Statuses the server documents; anything else (a 500 above all) is a bug. docs/security.md G51. */
const DOCUMENTED = new Set([200, 201, 204, 302, 303, 400, 401, 403, 404, 405, 413, 415, 429, 431]);
const STACK = /(\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+|node_modules|QueryFailedError|TypeError|SyntaxError: Unexpected)/;

const PATHS = [
  '/oauth2/token',
  '/oauth2/authorize',
  '/oauth2/revoke',
  '/oauth2/introspect',
  '/oauth2/userinfo',
  '/oauth2/logout',
  '/.well-known/openid-configuration',
  '/v1/users',
  '/v1/users/me',
  '/v1/users/00000000-0000-0000-0000-000000000000',
  '/v1/clients',
  '/v1/clients/gth_x',
  '/v1/clients/gth_x/secret/rotate',
  '/v1/admin/clients',
  '/v1/data',
  '/v1/api-keys',
  '/.well-known/jwks.json',
  '/.well-known/oauth-authorization-server',
  '/health/ready',
  '/docs-json',
  '/portal/signin',
];

const printable = fc.string({
  unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'.split('')),
  maxLength: 200,
});
const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 100 }), printable);

/** Control characters, Unicode line and format characters: what a URL parser strips and a header refuses. */
const hidden = fc.constantFrom('\n', '\r\n', '\t', ' ', '\u0000', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u200b', '\ufeff');
/** Text outside Latin-1 (and lone surrogates), which Node refuses in a header value. */
const nonLatin1 = fc.oneof(
  fc.constantFrom('中', '🔑', 'é', '\u0100', '\ud800', '\udc00x', '\u202e', 'Ω'.repeat(300)),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
/** Inputs built to make a backtracking regular expression take quadratic time (see src/platform/regex-linearity.spec.ts). */
const pathological = fc
  .tuple(
    fc.constantFrom('eyJ', 'eyJaaaaa.', 'gth_live_', 'gth_cs_', 'a@', '.', ' ', '%', '=', '-', 'Bearer ', 'x\t'),
    fc.integer({ min: 200, max: 4_000 }),
    fc.constantFrom('', '!', '\u0000', '@', ' '),
  )
  .map(([unit, n, end]) => unit.repeat(n).slice(0, 12_000) + end);
/** A value that may reach a response header (Location above all), or a regular expression. */
const headerBound = fc.oneof(
  printable,
  hidden,
  nonLatin1,
  pathological,
  fc.tuple(printable, hidden, printable).map((p) => p.join('')),
);

/**
 * Property-based fuzzing of every public endpoint with generated hostile requests (bounded in
 * runs and time): only documented statuses, never a stack trace, and the server still answers.
 */
describe('fuzzing the public endpoints', () => {
  let app: TestApp;
  let goodToken: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_TOKEN_PER_MINUTE: '0', RATE_LIMIT_CLIENT_AUTH_FAILURES: '0', RATE_LIMIT_ADDRESS_AUTH_FAILURES: '0' } });
    const c = await app.createClient({ scopes: ['users:read', 'data:read', 'clients:manage'] });
    goodToken = String(
      (await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret! })).body
        .access_token,
    );
  });
  afterAll(() => app.close());

  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
    path: fc.constantFrom(...PATHS),
    suffix: fc.oneof(
      fc.constant(''),
      printable.map((s) => `/${encodeURIComponent(s)}`),
      printable.map((s) => `?${s.replace(/#/g, '%23')}`),
    ),
    contentType: fc.option(
      fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/xml', '*/*', ''),
      { nil: undefined },
    ),
    auth: fc.option(
      fc.oneof(
        printable,
        printable.map((s) => `Bearer ${s}`),
        printable.map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
        fc.constant('GOOD'),
      ),
      { nil: undefined },
    ),
    apiKey: fc.option(printable, { nil: undefined }),
    body: fc.option(
      fc.oneof(
        anyText,
        fc.json({ maxDepth: 3 }),
        fc.dictionary(printable, printable, { maxKeys: 6 }).map((d) => new URLSearchParams(d).toString()),
        fc.constant('grant_type=client_credentials&grant_type=password'),
      ),
      { nil: undefined },
    ),
  });

  /** What every answer must hold: a documented status, no stack trace, a header block under 8 KB, a header-safe Location. */
  const check = (label: string, res: Response, text: string): void => {
    if (!DOCUMENTED.has(res.status)) throw new Error(`${label} -> ${res.status}: ${text.slice(0, 300)}`);
    if (STACK.test(text)) throw new Error(`${label} leaked internals: ${text.slice(0, 300)}`);
    if (headerBlockSize(res.headers) >= 8192) throw new Error(`${label} -> a header block of ${headerBlockSize(res.headers)} bytes`);
    const location = res.headers.get('location');
    if (location !== null && !/^[\x21-\x7e]*$/.test(location)) throw new Error(`${label} -> Location ${JSON.stringify(location)}`);
  };

  it('answers values that reach headers (return_to, authorization requests, redirect URIs) and pathological strings, never a 5xx (issue #13)', async () => {
    const client = await app.createClient({ grantTypes: ['authorization_code'], scopes: ['profile'], redirectUris: ['https://app.example/cb'] });
    const enc = (v: string): string => encodeURIComponent(wellFormed(v));
    const target = fc.oneof(
      headerBound.map((v) => `/portal/signin?return_to=${enc(`/portal/${v}`)}`),
      headerBound.map((v) => `/portal/signup?return_to=${enc(v)}`),
      // OpenID Connect: RP-Initiated Logout and the authorization request's own parameters.
      fc
        .tuple(headerBound, headerBound, headerBound)
        .map(
          ([state, uri, hint]) =>
            `/oauth2/logout?state=${enc(state)}&post_logout_redirect_uri=${enc(uri)}&id_token_hint=${enc(hint)}&client_id=${client.clientId}`,
        ),
      fc
        .tuple(headerBound, headerBound, headerBound, headerBound)
        .map(
          ([nonce, prompt, maxAge, hint]) =>
            `/oauth2/authorize?response_type=code&client_id=${client.clientId}&scope=openid&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&nonce=${enc(nonce)}&prompt=${enc(prompt)}&max_age=${enc(maxAge)}&login_hint=${enc(hint)}`,
        ),
      headerBound.map((v) => `/portal/keys/${enc(v)}`),
      headerBound.map((v) => `/portal/admin/audit?type=${enc(v)}`),
      fc
        .record({
          state: fc.option(headerBound, { nil: undefined }),
          redirect: fc.option(
            fc.oneof(
              fc.constant('https://app.example/cb'),
              headerBound.map((v) => `https://app.example/cb${v}`),
            ),
            { nil: undefined },
          ),
          unknown: fc.array(fc.tuple(printable, headerBound), { maxLength: 40 }),
          many: fc.integer({ min: 0, max: 300 }),
        })
        .map(({ state, redirect, unknown, many }) => {
          const q = [`response_type=code`, `client_id=${client.clientId}`, `code_challenge=${'a'.repeat(43)}`, 'code_challenge_method=S256'];
          if (state !== undefined) q.push(`state=${enc(state)}`);
          if (redirect !== undefined) q.push(`redirect_uri=${enc(redirect)}`);
          for (const [k, v] of unknown) q.push(`${enc(k)}x=${enc(v)}`);
          for (let i = 0; i < many; i++) q.push(`unknown_${i}=${'x'.repeat(30)}`);
          return `/oauth2/authorize?${q.join('&')}`.slice(0, 15_000);
        }),
    );
    const auth = fc.option(
      pathological.map((p) => `Bearer ${p}`.replace(/[^\x20-\x7e]/g, '').slice(0, 8_000)),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(target, auth, async (path, authorization) => {
        const res = await fetch(`${app.url}${path}`, { redirect: 'manual', headers: authorization ? { authorization } : {} });
        check(`GET ${path.slice(0, 200)}`, res, await res.text());
      }),
      { numRuns: 300, interruptAfterTimeLimit: 15_000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    // Signing in with a hostile return_to: the answer's Location too.
    const agent = new Agent(app.url);
    const user = await app.createUser();
    await fc.assert(
      fc.asyncProperty(headerBound, async (v) => {
        const page = await agent.get('/portal/signin');
        const csrf = /name="csrf" value="([^"]*)"/.exec(page.text)![1];
        const res = await fetch(`${app.url}/portal/signin`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...agent.cookies].map(([k, c]) => `${k}=${c}`).join('; ') },
          body: new URLSearchParams({ email: user.email, password: user.password, csrf, return_to: `/${v}` }).toString(),
        });
        check(`POST /portal/signin return_to=${JSON.stringify(v.slice(0, 80))}`, res, await res.text());
      }),
      { numRuns: 40, interruptAfterTimeLimit: 8_000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
  }, 60_000);

  it('answers generated hostile requests with documented statuses only, and no stack traces [G51]', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        if (r.auth !== undefined) headers.authorization = r.auth === 'GOOD' ? `Bearer ${goodToken}` : r.auth;
        if (r.apiKey !== undefined) headers['x-api-key'] = r.apiKey;
        const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
        const res = await fetch(`${app.url}${r.path}${r.suffix}`, { method: r.method, headers, body: hasBody ? r.body : undefined, redirect: 'manual' });
        const text = await res.text();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (!DOCUMENTED.has(res.status)) throw new Error(`${r.method} ${r.path}${r.suffix} -> ${res.status}: ${text.slice(0, 300)}`);
        if (STACK.test(text)) throw new Error(`${r.method} ${r.path}${r.suffix} leaked internals: ${text.slice(0, 300)}`);
      }),
      { numRuns: 400, interruptAfterTimeLimit: 60_000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
    expect([...seen.keys()].length).toBeGreaterThan(3);
    // Still healthy and still issuing normally.
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${app.url}/v1/users`, { headers: { authorization: `Bearer ${goodToken}` } })).status).toBe(200);
  }, 120_000);
});
