import fc from 'fast-check';
import { postForm, startTestApp, type TestApp } from './support/app.js';

/** Statuses the server documents; anything else (a 500 above all) is a bug. docs/security.md G51. */
const DOCUMENTED = new Set([200, 201, 204, 302, 303, 400, 401, 403, 404, 405, 413, 415, 429, 431]);
const STACK = /(\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+|node_modules|QueryFailedError|TypeError|SyntaxError: Unexpected)/;

const PATHS = [
  '/oauth2/token',
  '/oauth2/authorize',
  '/oauth2/revoke',
  '/oauth2/introspect',
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
