import pg from 'pg';
import { freePort, startTestApp, type TestApp } from './support/app.js';
import { hidden, pkce, type Agent } from './support/agent.js';
import { authorizeUrl, signedIn } from './support/code-flow.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

/**
 * Issue 13 item 2: Swagger UI's first-party client (it skips consent and may ask for admin) holds
 * exactly the current PUBLIC_URL's redirect URI, and the any-port rule for loopback redirect URIs
 * (RFC 8252 7.3) applies only to public clients registered as native apps.
 */
const SWAGGER = 'gatehouse-swagger-ui';
const { challenge } = pkce();
const S256 = { code_challenge: challenge, code_challenge_method: 'S256' };

async function redirectUrisOf(db: TestDatabase, clientId: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const { rows } = await c.query<{ redirect_uris: string[] }>('SELECT redirect_uris FROM clients WHERE client_id = $1', [clientId]);
    return rows[0].redirect_uris;
  } finally {
    await c.end();
  }
}

/** The signed-in agent's authorization request; consent given if asked. */
async function authorizeAs(agent: Agent, clientId: string, params: Record<string, string>) {
  let res = await agent.get(authorizeUrl(clientId, { ...S256, ...params }));
  if (res.status === 200 && res.text.includes('name="decision"')) {
    res = await agent.post('/oauth2/authorize', { csrf: hidden(res.text, 'csrf'), authz: hidden(res.text, 'authz'), decision: 'allow' });
  }
  return res;
}

function expectRefusedPage(res: { status: number; location: string | null; text: string }): void {
  expect(res.status).toBe(400);
  expect(res.location).toBeNull();
  expect(res.text).toContain('redirect_uri is not one registered');
}

describe('the first-party Swagger UI client', () => {
  let db: TestDatabase;
  let app: TestApp;
  let admin: Agent;

  beforeAll(async () => {
    db = await createTestDatabase();
    const first = await startTestApp({ database: db });
    const firstUri = `${first.url}/docs/oauth2-redirect.html`;
    expect(await redirectUrisOf(db, SWAGGER)).toEqual([firstUri]);
    // A URI left by an older start or planted in the row: the next start must drop it too.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`UPDATE clients SET redirect_uris = redirect_uris || '{http://127.0.0.1:9/docs/oauth2-redirect.html}' WHERE client_id = $1`, [SWAGGER]);
    await c.end();
    await first.close();
    // Another PUBLIC_URL (a new port) on the same database.
    app = await startTestApp({ database: db });
    ({ agent: admin } = await signedIn(app, 'admin'));
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it("holds exactly the current PUBLIC_URL's redirect URI after a restart", async () => {
    expect(await redirectUrisOf(db, SWAGGER)).toEqual([`${app.url}/docs/oauth2-redirect.html`]);
  });

  it('refuses the redirect URI of an earlier PUBLIC_URL and a planted one: no admin code leaves', async () => {
    for (const uri of ['http://127.0.0.1:9/docs/oauth2-redirect.html', `http://127.0.0.1:${await freePort()}/docs/oauth2-redirect.html`]) {
      expectRefusedPage(await admin.get(authorizeUrl(SWAGGER, { ...S256, redirect_uri: uri, scope: 'admin' })));
    }
  });

  it('matches its loopback redirect URI on the exact port only (never RFC 8252 any-port)', async () => {
    const own = new URL(`${app.url}/docs/oauth2-redirect.html`);
    const other = new URL(own);
    other.port = String(await freePort());
    expectRefusedPage(await admin.get(authorizeUrl(SWAGGER, { ...S256, redirect_uri: other.href, scope: 'admin' })));
    const noPort = `http://127.0.0.1${own.pathname}`;
    expectRefusedPage(await admin.get(authorizeUrl(SWAGGER, { ...S256, redirect_uri: noPort, scope: 'admin' })));

    const ok = await admin.get(authorizeUrl(SWAGGER, { ...S256, redirect_uri: own.href, scope: 'admin' }));
    expect(ok.status).toBe(302);
    const back = new URL(ok.location!);
    expect(back.origin + back.pathname).toBe(own.href);
    expect(back.searchParams.get('code')).toBeTruthy();
  });
});

describe('loopback redirect URIs of third-party clients (RFC 8252 7.3)', () => {
  let app: TestApp;
  let agent: Agent;
  const LOOPBACK = 'http://127.0.0.1:8765/cb';
  const base = { grantTypes: ['authorization_code', 'refresh_token'] as const, redirectUris: [LOOPBACK], scopes: ['profile'] };

  beforeAll(async () => {
    app = await startTestApp();
    ({ agent } = await signedIn(app));
  });
  afterAll(() => app.close());

  it.each([
    ['confidential', { type: 'confidential' as const }],
    ['public web', { type: 'public' as const, applicationType: 'web' as const }],
  ])('a %s client gets its loopback URI on the registered port only', async (_name, kind) => {
    const { clientId } = await app.createClient({ ...base, grantTypes: [...base.grantTypes], ...kind });
    expectRefusedPage(await agent.get(authorizeUrl(clientId, { ...S256, redirect_uri: 'http://127.0.0.1:51999/cb' })));
    expectRefusedPage(await agent.get(authorizeUrl(clientId, { ...S256, redirect_uri: 'http://127.0.0.1/cb' })));
    const res = await authorizeAs(agent, clientId, { redirect_uri: LOOPBACK });
    expect(res.location).toMatch(/^http:\/\/127\.0\.0\.1:8765\/cb\?code=/);
  });

  it('a public native client gets its loopback URI on any port, and nothing else loosely', async () => {
    const { clientId } = await app.createClient({ ...base, grantTypes: [...base.grantTypes], type: 'public', applicationType: 'native' });
    for (const uri of ['http://127.0.0.1:51999/cb', 'http://127.0.0.1/cb']) {
      const res = await authorizeAs(agent, clientId, { redirect_uri: uri });
      expect(res.location!.startsWith(`${uri}?code=`)).toBe(true);
    }
    expectRefusedPage(await agent.get(authorizeUrl(clientId, { ...S256, redirect_uri: 'http://127.0.0.1:51999/other' })));
    expectRefusedPage(await agent.get(authorizeUrl(clientId, { ...S256, redirect_uri: 'http://localhost:51999/cb' })));
  });
});
