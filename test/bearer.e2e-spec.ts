import { generateKeyPairSync } from 'node:crypto';
import { SigningKeysService } from '../src/oauth/signing-keys.service.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { decodePart, signEs256, signHs256, unsigned } from './support/jwt.js';

/** Bearer tokens on GET /v1/users: RFC 6750 errors, and every forged token refused. docs/security.md C. */
describe('Bearer access tokens on the APIs (RFC 6750, RFC 9068)', () => {
  let app: TestApp;
  let token: string;
  let narrow: string;
  let clientId: string;

  const users = (headers: Record<string, string> = {}, path = '/v1/users') => fetch(`${app.url}${path}`, { headers });
  const challenge = (res: Response) => res.headers.get('www-authenticate') ?? '';
  const body = async (res: Response) => (await res.json()) as { error: string; error_description: string };

  beforeAll(async () => {
    app = await startTestApp();
    const c = await app.createClient();
    clientId = c.clientId;
    const get = async (scope: string) =>
      String(
        (await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret!, scope })).body
          .access_token,
      );
    token = await get('users:read data:read');
    narrow = await get('data:read');
  });
  afterAll(() => app.close());

  /** Claims of a good token, for forging variants of it. */
  const goodClaims = () => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: app.url, sub: clientId, aud: `${app.url}/v1`, client_id: clientId, scope: 'users:read', iat: now, exp: now + 300, jti: 'x' };
  };
  const goodHeader = () => decodePart(token, 0);
  const currentKey = () => app.get(SigningKeysService).current().privateKey;

  it('lets a valid token through', async () => {
    const res = await users({ Authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
  });

  it('accepts the scheme name in any case ("bearer x") [C40]', async () => {
    expect((await users({ Authorization: `bearer ${token}` })).status).toBe(200);
    expect((await users({ Authorization: `BEARER ${token}` })).status).toBe(200);
  });

  it('answers no credentials with 401 and a bare challenge, no error code [C37]', async () => {
    const res = await users();
    expect(res.status).toBe(401);
    // RFC 9728 5.1: the challenge names the API's protected-resource metadata, and nothing else.
    expect(challenge(res)).toBe(`Bearer realm="gatehouse", resource_metadata="${app.url}/.well-known/oauth-protected-resource/v1"`);
    expect((await body(res)).error_description).toContain('Authorization: Bearer <token>');
  });

  it.each(['Basic abc', 'Token abc', 'Bearer', 'Bearer ', 'Bearer a b', 'Bearer "quoted"', 'Bearerabc'])(
    'answers a malformed header "%s" with 401 saying how it must read',
    async (h) => {
      const res = await users({ Authorization: h });
      expect(res.status).toBe(401);
      expect(challenge(res)).toMatch(/^Bearer realm="gatehouse", error="invalid_request"/);
      expect((await body(res)).error_description).toContain("'Authorization: Bearer <token>'");
    },
  );

  it('refuses a header and ?access_token together with 400 [C40]', async () => {
    const res = await users({ Authorization: `Bearer ${token}` }, `/v1/users?access_token=${token}`);
    expect(res.status).toBe(400);
    expect((await body(res)).error).toBe('invalid_request');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers too few scopes with 403 insufficient_scope naming the scope [C39]', async () => {
    const res = await users({ Authorization: `Bearer ${narrow}` });
    expect(res.status).toBe(403);
    expect(challenge(res)).toContain('error="insufficient_scope"');
    expect(challenge(res)).toContain('scope="users:read"');
    expect((await body(res)).error).toBe('insufficient_scope');
  });

  const forged: [string, () => string, RegExp][] = [
    ['garbage', () => 'not-a-jwt', /malformed/],
    [
      'a tampered payload',
      () => {
        const [h, , s] = token.split('.');
        return `${h}.${Buffer.from(JSON.stringify({ ...decodePart(token, 1), scope: 'admin users:read' })).toString('base64url')}.${s}`;
      },
      /signature/,
    ],
    ['alg none (CVE-2022-23540)', () => unsigned({ ...goodHeader(), alg: 'none' }, goodClaims()), /ES256|signature|not valid/],
    [
      'HS256 keyed with the public JWK (CVE-2022-23541)',
      () => signHs256(JSON.stringify(app.get(SigningKeysService).published()[0].publicJwk), { ...goodHeader(), alg: 'HS256' }, goodClaims()),
      /ES256/,
    ],
    [
      'HS256 keyed with the public PEM',
      () =>
        signHs256(
          app.get(SigningKeysService).published()[0].publicKey.export({ format: 'pem', type: 'spki' }),
          { ...goodHeader(), alg: 'HS256' },
          goodClaims(),
        ),
      /ES256/,
    ],
    [
      'HS256 keyed with whitespace + PEM',
      () =>
        signHs256(
          `  \n${app.get(SigningKeysService).published()[0].publicKey.export({ format: 'pem', type: 'spki' }) as string}`,
          { ...goodHeader(), alg: 'HS256' },
          goodClaims(),
        ),
      /ES256/,
    ],
    ['an unknown kid', () => signEs256(currentKey(), { ...goodHeader(), kid: 'nope' }, goodClaims()), /key this server does not know/],
    ['a jku header', () => signEs256(currentKey(), { ...goodHeader(), jku: 'https://evil.example/jwks' }, goodClaims()), /never accepted/],
    ['an embedded jwk header', () => signEs256(currentKey(), { ...goodHeader(), jwk: { kty: 'EC' } }, goodClaims()), /never accepted/],
    ['another key, same kid', () => signEs256(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, goodHeader(), goodClaims()), /signature/],
    ['wrong typ (an ID token or plain JWT)', () => signEs256(currentKey(), { ...goodHeader(), typ: 'JWT' }, goodClaims()), /at\+jwt/],
    ['wrong audience', () => signEs256(currentKey(), goodHeader(), { ...goodClaims(), aud: 'https://other.example' }), /another audience/],
    ['wrong issuer', () => signEs256(currentKey(), goodHeader(), { ...goodClaims(), iss: 'https://evil.example' }), /another issuer/],
    ['expired', () => signEs256(currentKey(), goodHeader(), { ...goodClaims(), exp: Math.floor(Date.now() / 1000) - 60 }), /expired at \d{4}-/],
    ['not yet valid', () => signEs256(currentKey(), goodHeader(), { ...goodClaims(), nbf: Math.floor(Date.now() / 1000) + 3600 }), /not valid yet/],
    [
      'no exp',
      () => {
        const c: Record<string, unknown> = goodClaims();
        delete c.exp;
        return signEs256(currentKey(), goodHeader(), c);
      },
      /required claims/,
    ],
    ['a signature of the wrong length', () => `${token.split('.').slice(0, 2).join('.')}.${Buffer.alloc(65, 1).toString('base64url')}`, /signature/],
  ];

  it.each(forged)('refuses %s with 401 invalid_token and a description that says why [C38] [C41]', async (_name, make, why) => {
    const res = await users({ Authorization: `Bearer ${make()}` });
    expect(res.status).toBe(401);
    expect(challenge(res)).toContain('error="invalid_token"');
    expect((await body(res)).error_description).toMatch(why);
  });

  it('returns one user by id, and 404 problem details for unknown or malformed ids', async () => {
    const list = (await (await users({ Authorization: `Bearer ${token}` })).json()) as { data: { id: string }[] };
    const one = await users({ Authorization: `Bearer ${token}` }, `/v1/users/${list.data[0].id}`);
    expect(one.status).toBe(200);
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', "1'; DROP TABLE users;--"]) {
      const res = await users({ Authorization: `Bearer ${token}` }, `/v1/users/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('pages through users with a cursor and refuses a bad limit or cursor with 400', async () => {
    for (let i = 0; i < 3; i++) await app.createUser();
    const first = (await (await users({ Authorization: `Bearer ${token}` }, '/v1/users?limit=2')).json()) as { data: { id: string }[]; next_cursor: string };
    expect(first.data).toHaveLength(2);
    const second = (await (await users({ Authorization: `Bearer ${token}` }, `/v1/users?limit=2&cursor=${first.next_cursor}`)).json()) as {
      data: { id: string }[];
    };
    expect(second.data.map((u) => u.id)).not.toContain(first.data[0].id);
    for (const q of ['limit=0', 'limit=1000', 'limit=abc', 'cursor=!!!', 'cursor=bm90LWpzb24', 'unknown=1']) {
      const res = await users({ Authorization: `Bearer ${token}` }, `/v1/users?${q}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('keeps old tokens valid after a signing-key rotation, and publishes both keys [H53]', async () => {
    const keys = app.get(SigningKeysService);
    const oldKid = decodePart(token, 0).kid;
    const newKid = await keys.rotate(0);
    const c = await app.createClient();
    const fresh = String(
      (await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret! })).body
        .access_token,
    );
    expect(decodePart(fresh, 0).kid).toBe(newKid);
    expect((await users({ Authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await users({ Authorization: `Bearer ${fresh}` })).status).toBe(200);
    const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
  });

  it('publishes a rotated key before it signs (activation delay)', async () => {
    const keys = app.get(SigningKeysService);
    const signing = keys.current().kid;
    const pending = await keys.rotate(3600);
    expect(keys.current().kid).toBe(signing);
    const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(pending);
  });
});
