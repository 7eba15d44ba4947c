import { constants, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { SigningKeysService } from '../src/oauth/signing-keys.service.js';
import { eventually, postForm, startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { ensureBuilt } from './support/build.js';
import { cli, failed, json } from './support/cli.js';
import { authorize, codeClient, exchange } from './support/code-flow.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { decodePart, signEs256, signHs256, unsigned } from './support/jwt.js';
import { call } from './support/keys.js';

/**
 * RS256 beside ES256 (issue 15): RSA signing keys live, rotate and are published like the EC ones; the
 * client's access_token_signed_response_alg chooses which signs its access tokens; Gatehouse's own
 * APIs accept both and still refuse every forgery. The third-party verifiers are in resource-servers.e2e-spec.ts.
 */
interface Jwk {
  kty: string;
  kid: string;
  alg: string;
  use: string;
  n?: string;
  e?: string;
  crv?: string;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** RS256 (RSASSA-PKCS1-v1_5 SHA-256) with node:crypto, for forging. */
function signRs256(key: KeyObject, header: Record<string, unknown>, payload: Record<string, unknown>, padding = constants.RSA_PKCS1_PADDING): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, padding }).toString('base64url')}`;
}

async function jwks(app: TestApp): Promise<Jwk[]> {
  return ((await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as { keys: Jwk[] }).keys;
}

async function ccToken(app: TestApp, clientId: string, secret: string): Promise<string> {
  const res = await postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
  return String(res.body.access_token);
}

describe('RS256 and ES256 signing keys, chosen per client', () => {
  let app: TestApp;
  let manager: string;

  beforeAll(async () => {
    app = await startTestApp();
    const owner = await app.createUser({ role: 'admin' });
    manager = await app.tokenActingFor(owner.id, ['clients:manage', 'users:read', 'data:read', 'admin']);
  });
  afterAll(() => app.close());

  const users = (token: string) => fetch(`${app.url}/v1/users`, { headers: { Authorization: `Bearer ${token}` } });
  const register = async (body: Record<string, unknown> = {}) => {
    const res = await call(app, 'POST', '/v1/clients', { token: manager, body: { name: 'svc', scopes: ['users:read'], ...body } });
    expect(res.status).toBe(201);
    return res.body as { client_id: string; client_secret: string; access_token_signed_response_alg: string; id_token_signed_response_alg: string };
  };

  it('publishes one key per algorithm: kty, alg, use sig and kid, never a private member', async () => {
    const keys = await jwks(app);
    const rsa = keys.filter((k) => k.alg === 'RS256');
    const ec = keys.filter((k) => k.alg === 'ES256');
    expect(rsa).toHaveLength(1);
    expect(ec).toHaveLength(1);
    expect(rsa[0]).toEqual({ kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: expect.any(String), alg: 'RS256', use: 'sig' });
    expect(ec[0]).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' });
    expect(Buffer.from(rsa[0].n!, 'base64url').length).toBe(256); // 2048 bits
    const meta = (await (await fetch(`${app.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(meta.access_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
  });

  it('signs with ES256 by default, and RS256 for a client that chose it; /v1/users accepts both', async () => {
    const es = await register();
    expect(es.access_token_signed_response_alg).toBe('ES256');
    expect(es.id_token_signed_response_alg).toBe('ES256');
    const rs = await register({ access_token_signed_response_alg: 'RS256', id_token_signed_response_alg: 'RS256' });
    expect(rs.access_token_signed_response_alg).toBe('RS256');
    expect(rs.id_token_signed_response_alg).toBe('RS256');
    const keys = await jwks(app);
    for (const [client, alg, kty] of [
      [es, 'ES256', 'EC'],
      [rs, 'RS256', 'RSA'],
    ] as const) {
      const token = await ccToken(app, client.client_id, client.client_secret);
      const header = decodePart(token, 0);
      expect(header).toEqual({ alg, typ: 'at+jwt', kid: expect.any(String) });
      expect(keys.find((k) => k.kid === header.kid)).toMatchObject({ kty, alg, use: 'sig' });
      expect((await users(token)).status).toBe(200);
    }
  });

  it('switches a client to RS256 and back with PATCH; tokens issued before keep working', async () => {
    const c = await register();
    const before = await ccToken(app, c.client_id, c.client_secret);
    const patched = await call(app, 'PATCH', `/v1/clients/${c.client_id}`, { token: manager, body: { access_token_signed_response_alg: 'RS256' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ access_token_signed_response_alg: 'RS256', id_token_signed_response_alg: 'ES256' });
    const after = await ccToken(app, c.client_id, c.client_secret);
    expect(decodePart(after, 0).alg).toBe('RS256');
    expect((await users(before)).status).toBe(200);
    expect((await users(after)).status).toBe(200);
    const viewed = await call(app, 'GET', `/v1/clients/${c.client_id}`, { token: manager });
    expect(viewed.body).toMatchObject({ access_token_signed_response_alg: 'RS256', id_token_signed_response_alg: 'ES256' });
    const admin = await call(app, 'GET', `/v1/admin/clients?q=${c.client_id}`, { token: manager });
    expect((admin.body.data as Record<string, unknown>[])[0]).toMatchObject({
      access_token_signed_response_alg: 'RS256',
      id_token_signed_response_alg: 'ES256',
    });
    await call(app, 'PATCH', `/v1/clients/${c.client_id}`, { token: manager, body: { access_token_signed_response_alg: 'ES256' } });
    expect(decodePart(await ccToken(app, c.client_id, c.client_secret), 0).alg).toBe('ES256');
  });

  // null is "not sent" here, as for every optional field of these DTOs (the default, or unchanged).
  it.each([['HS256'], ['none'], ['rs256'], ['PS256'], ['EdDSA'], [''], [256], [['RS256']], [{ alg: 'RS256' }]])(
    'refuses access_token_signed_response_alg / id_token_signed_response_alg %j with 400 problem details naming the field',
    async (value) => {
      const c = await register();
      for (const field of ['access_token_signed_response_alg', 'id_token_signed_response_alg']) {
        for (const [method, path] of [
          ['POST', '/v1/clients'],
          ['PATCH', `/v1/clients/${c.client_id}`],
        ]) {
          const body = method === 'POST' ? { name: 'bad', [field]: value } : { [field]: value };
          const res = await call(app, method, path, { token: manager, body });
          expect(res.status).toBe(400);
          expect(res.headers.get('content-type')).toContain('application/problem+json');
          expect(JSON.stringify(res.body)).toContain(field);
        }
      }
      const unchanged = await call(app, 'GET', `/v1/clients/${c.client_id}`, { token: manager });
      expect(unchanged.body).toMatchObject({ access_token_signed_response_alg: 'ES256', id_token_signed_response_alg: 'ES256' });
    },
  );

  it('signs code-flow and refresh tokens with the client setting too', async () => {
    const client = await codeClient(app, { accessTokenSignedResponseAlg: 'RS256' });
    const user = await app.createUser();
    const agent = new Agent(app.url);
    expect((await agent.signIn(user.email, user.password)).status).toBe(303);
    const { location, verifier } = await authorize(agent, client.clientId, { scope: 'users:read' });
    const tokens = await exchange(app, client, location.searchParams.get('code')!, verifier);
    expect(tokens.status).toBe(200);
    expect(decodePart(String(tokens.body.access_token), 0).alg).toBe('RS256');
    expect((await users(String(tokens.body.access_token))).status).toBe(200);
    const refreshed = await postForm(`${app.url}/oauth2/token`, {
      grant_type: 'refresh_token',
      refresh_token: String(tokens.body.refresh_token),
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    expect(refreshed.status).toBe(200);
    expect(decodePart(String(refreshed.body.access_token), 0).alg).toBe('RS256');
    expect((await users(String(refreshed.body.access_token))).status).toBe(200);
  });

  describe('forged RS256 tokens on /v1/users', () => {
    let token: string;
    let clientId: string;
    let rsaKid: string;
    let ecKid: string;
    const keys = () => app.get(SigningKeysService);

    beforeAll(async () => {
      const c = await register({ access_token_signed_response_alg: 'RS256' });
      clientId = c.client_id;
      token = await ccToken(app, c.client_id, c.client_secret);
      rsaKid = keys().current('RS256').kid;
      ecKid = keys().current('ES256').kid;
    });

    const claims = () => {
      const now = Math.floor(Date.now() / 1000);
      return { iss: app.url, sub: clientId, aud: `${app.url}/v1`, client_id: clientId, scope: 'users:read', iat: now, exp: now + 300, jti: 'x' };
    };
    const rsHeader = () => ({ alg: 'RS256', typ: 'at+jwt', kid: rsaKid });
    const rsaPrivate = () => keys().current('RS256').privateKey;
    const rsaPublicPem = () => createPublicKey(rsaPrivate()).export({ format: 'pem', type: 'spki' });

    it('accepts a token forged exactly as Gatehouse signs (the forging helper is right)', async () => {
      expect((await users(signRs256(rsaPrivate(), rsHeader(), claims()))).status).toBe(200);
      expect((await users(token)).status).toBe(200);
    });

    const forged: [string, () => string, RegExp][] = [
      [
        'an altered payload',
        () => {
          const [h, , s] = token.split('.');
          return `${h}.${b64({ ...decodePart(token, 1), scope: 'admin users:read' })}.${s}`;
        },
        /signature/,
      ],
      ['alg none under the RSA kid', () => unsigned({ ...rsHeader(), alg: 'none' }, claims()), /RS256/],
      ['HS256 keyed with the RSA public key PEM', () => signHs256(rsaPublicPem(), { ...rsHeader(), alg: 'HS256' }, claims()), /RS256/],
      [
        'HS256 keyed with the RSA public JWK',
        () => signHs256(JSON.stringify(keys().findLoaded(rsaKid)!.publicJwk), { ...rsHeader(), alg: 'HS256' }, claims()),
        /RS256/,
      ],
      ['an RS256 header with the EC kid', () => signRs256(rsaPrivate(), { ...rsHeader(), kid: ecKid }, claims()), /ES256/],
      ['an ES256 header with the RSA kid', () => signEs256(keys().current('ES256').privateKey, { ...rsHeader(), alg: 'ES256' }, claims()), /RS256/],
      ['PS256 (RSA-PSS) under the RSA kid', () => signRs256(rsaPrivate(), { ...rsHeader(), alg: 'PS256' }, claims(), constants.RSA_PKCS1_PSS_PADDING), /RS256/],
      ['another RSA key under the RSA kid', () => signRs256(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, rsHeader(), claims()), /signature/],
      ['an expired token', () => signRs256(rsaPrivate(), rsHeader(), { ...claims(), exp: Math.floor(Date.now() / 1000) - 60 }), /expired at/],
      ['a wrong audience', () => signRs256(rsaPrivate(), rsHeader(), { ...claims(), aud: 'https://other.example' }), /another audience/],
      ['a wrong typ', () => signRs256(rsaPrivate(), { ...rsHeader(), typ: 'JWT' }, claims()), /at\+jwt/],
      ['a truncated signature', () => token.slice(0, -10), /signature/],
    ];

    it.each(forged)('refuses %s with 401 invalid_token [C41]', async (_name, make, why) => {
      const res = await users(make());
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(((await res.json()) as { error_description: string }).error_description).toMatch(why);
    });
  });

  it('after a rotation, both algorithms’ new keys are in the JWKS before they sign, then sign [H53]', async () => {
    const svc = app.get(SigningKeysService);
    const es = await register();
    const rs = await register({ access_token_signed_response_alg: 'RS256' });
    const signing = { ES256: svc.current('ES256').kid, RS256: svc.current('RS256').kid };
    const oldTokens = [await ccToken(app, es.client_id, es.client_secret), await ccToken(app, rs.client_id, rs.client_secret)];

    const pending = await svc.rotateAll(3600);
    const published = await jwks(app);
    expect(published.find((k) => k.kid === pending.ES256)).toMatchObject({ kty: 'EC', alg: 'ES256' });
    expect(published.find((k) => k.kid === pending.RS256)).toMatchObject({ kty: 'RSA', alg: 'RS256' });
    // Published, not signing yet: each client's tokens still carry the old kid of its algorithm.
    expect(decodePart(await ccToken(app, es.client_id, es.client_secret), 0).kid).toBe(signing.ES256);
    expect(decodePart(await ccToken(app, rs.client_id, rs.client_secret), 0).kid).toBe(signing.RS256);

    const now = await svc.rotateAll(0);
    expect(decodePart(await ccToken(app, es.client_id, es.client_secret), 0).kid).toBe(now.ES256);
    expect(decodePart(await ccToken(app, rs.client_id, rs.client_secret), 0).kid).toBe(now.RS256);
    const kids = (await jwks(app)).map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([signing.ES256, signing.RS256, now.ES256, now.RS256]));
    for (const t of oldTokens) expect((await users(t)).status).toBe(200);
  });
});

describe('a database made before RS256 existed', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('gets an RSA key at its next start, and its EC key and tokens stay as they were', async () => {
    // One PUBLIC_URL (the issuer) for every instance, as behind one load balancer.
    const env = { PUBLIC_URL: 'https://gatehouse.example' };
    const first = await startTestApp({ database: db, env });
    let esKid: string;
    let oldToken: string;
    const c = await first.createClient();
    try {
      oldToken = await ccToken(first, c.clientId, c.clientSecret!);
      esKid = String(decodePart(oldToken, 0).kid);
      // What a database of the previous version holds: its ES256 key only.
      await first.running.db.dataSource.query(`DELETE FROM signing_keys WHERE alg = 'RS256'`);
    } finally {
      await first.close();
    }
    // Two instances start together on it: one RSA key, not two.
    const [a, b] = await Promise.all([startTestApp({ database: db, env }), startTestApp({ database: db, env })]);
    try {
      const rows = await a.running.db.dataSource.query<{ alg: string; kid: string }[]>('SELECT alg, kid FROM signing_keys ORDER BY alg');
      expect(rows.map((r) => r.alg)).toEqual(['ES256', 'RS256']);
      expect(rows[0].kid).toBe(esKid);
      expect(a.get(SigningKeysService).current('RS256').kid).toBe(rows[1].kid);
      expect(b.get(SigningKeysService).current('RS256').kid).toBe(rows[1].kid);
      expect((await fetch(`${b.url}/v1/users`, { headers: { Authorization: `Bearer ${oldToken}` } })).status).toBe(200);
      expect(decodePart(await ccToken(a, c.clientId, c.clientSecret!), 0).kid).toBe(esKid);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('the portal application form', () => {
  let app: TestApp;
  let agent: Agent;
  let csrf: string;

  beforeAll(async () => {
    app = await startTestApp();
    const user = await app.createUser();
    agent = new Agent(app.url);
    expect((await agent.signIn(user.email, user.password)).status).toBe(303);
    csrf = hidden((await agent.get('/portal')).text, 'csrf');
  });
  afterAll(() => app.close());

  /** The new-application form (with type) or an application's edit form (without), as a browser posts it. */
  const post = (path: string, fields: Record<string, string>) => {
    const body = new URLSearchParams({ csrf, name: 'Signed app', ...(path === '/portal/apps' ? { type: 'confidential' } : {}), redirect_uris: '', ...fields });
    body.append('grant_types', 'client_credentials');
    body.append('scopes', 'data:read');
    return agent.post(path, body.toString());
  };
  const stored = async (clientId: string) =>
    (
      await app.running.db.dataSource.query<{ a: string; i: string }[]>(
        'SELECT access_token_signed_response_alg AS a, id_token_signed_response_alg AS i FROM clients WHERE client_id = $1',
        [clientId],
      )
    )[0];

  it('offers both algorithms in a select, ES256 chosen, on the new-application page', async () => {
    const page = await agent.get('/portal/apps/new');
    for (const name of ['access_token_signed_response_alg', 'id_token_signed_response_alg']) {
      const select = new RegExp(`<select id="${name}" name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(page.text)?.[1] ?? '';
      expect(select).toMatch(/<option value="ES256"\s+selected>/);
      expect(select).toMatch(/<option value="RS256"\s*>/);
    }
  });

  it('creates an application with RS256, and edits it back to ES256', async () => {
    const posted = await post('/portal/apps', { access_token_signed_response_alg: 'RS256', id_token_signed_response_alg: 'RS256' });
    expect(posted.status).toBe(303); // post/redirect/get: the secret is shown once by the page it redirects to
    const created = await agent.get(posted.location!);
    const clientId = /<code id="client-id">([^<]+)<\/code>/.exec(created.text)![1];
    expect(await stored(clientId)).toEqual({ a: 'RS256', i: 'RS256' });
    const page = await agent.get(`/portal/apps/${clientId}`);
    expect(page.text).toContain('access tokens RS256, ID tokens RS256');
    expect(page.text).toMatch(/<option value="RS256"\s+selected>/);
    const saved = await post(`/portal/apps/${clientId}`, { access_token_signed_response_alg: 'ES256' });
    expect(saved.status).toBe(303);
    expect(await stored(clientId)).toEqual({ a: 'ES256', i: 'RS256' });
  });

  it('answers a tampered value with 400 and the message next to the select, changing nothing', async () => {
    const res = await post('/portal/apps', { access_token_signed_response_alg: 'HS256' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="access_token_signed_response_alg-error"[\s\S]*Choose ES256 or RS256/);
    expect(res.text).not.toMatch(/<option value="HS256"/);
  });
});

describe('the command line', () => {
  let app: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    await ensureBuilt();
    app = await startTestApp();
    env = { DATABASE_URL: app.db!.url };
  }, 240_000);
  afterAll(() => app.close());

  it('clients:create and clients:update take the signing algorithms; the server signs accordingly', async () => {
    const created = json(
      await cli(['clients:create', '--name', 'cli rs', '--scopes', 'users:read', '--access-token-signed-response-alg', 'RS256', '--json'], env),
    );
    const id = String(created.client_id);
    expect(json(await cli(['clients:get', '--client-id', id, '--json'], env))).toMatchObject({
      access_token_signed_response_alg: 'RS256',
      id_token_signed_response_alg: 'ES256',
    });
    // The server may have cached the client as unknown or as it was: the CLI's change reaches it over the change bus.
    const rsToken = await ccToken(app, id, String(created.client_secret));
    expect(decodePart(rsToken, 0).alg).toBe('RS256');
    const updated = json(
      await cli(['clients:update', '--client-id', id, '--access-token-signed-response-alg', 'ES256', '--id-token-signed-response-alg', 'RS256', '--json'], env),
    );
    expect(updated).toMatchObject({ access_token_signed_response_alg: 'ES256', id_token_signed_response_alg: 'RS256' });
    await eventually(async () => decodePart(await ccToken(app, id, String(created.client_secret)), 0).alg === 'ES256');
    const text = await cli(['clients:get', '--client-id', id], env);
    expect(text.stdout).toMatch(/access_token_signed_response_alg: ES256/);
  });

  it('refuses any other algorithm with a usage error (exit 2) naming the flag and the choices', async () => {
    for (const args of [
      ['clients:create', '--name', 'x', '--access-token-signed-response-alg', 'HS256'],
      ['clients:create', '--name', 'x', '--id-token-signed-response-alg', 'none'],
      ['clients:update', '--client-id', 'gth_x', '--access-token-signed-response-alg', 'rs256'],
    ]) {
      failed(await cli([...args, '--json'], env), 2, /--(access|id)-token-signed-response-alg must be one of ES256, RS256/);
    }
  });

  it('signing-keys:rotate adds a key of each algorithm; both are published at once', async () => {
    const out = json(await cli(['signing-keys:rotate', '--json'], env)) as { kid: string; kids: { ES256: string; RS256: string } };
    expect(out.kid).toBe(out.kids.ES256);
    const rows = await app.running.db.dataSource.query<{ alg: string }[]>('SELECT alg FROM signing_keys WHERE kid = ANY($1) ORDER BY alg', [
      [out.kids.ES256, out.kids.RS256],
    ]);
    expect(rows.map((r) => r.alg)).toEqual(['ES256', 'RS256']);
    await eventually(async () => {
      const kids = (await jwks(app)).map((k) => k.kid);
      return kids.includes(out.kids.ES256) && kids.includes(out.kids.RS256);
    });
  });
});
