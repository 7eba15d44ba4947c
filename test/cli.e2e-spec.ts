import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { freePort, postForm, startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { ensureBuilt } from './support/build.js';
import { cli, failed, json } from './support/cli.js';
import { createTestDatabase, queryDatabase, type TestDatabase } from './support/database.js';

/**
 * The operator command line as operators run it: the built dist/src/cli/main.js in a child process,
 * on a real PostgreSQL database and on the embedded one, with and without a server running on it.
 */
const PASSWORD = 'correct horse battery staple';

async function token(app: TestApp, clientId: string, clientSecret: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
}

const tempDirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
  tempDirs.push(dir);
  return dir;
}

beforeAll(() => ensureBuilt(), 240_000);

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('usage errors (no database needed)', () => {
  it('exits 2 with a message on stderr', async () => {
    const env = { DATA_DIR: tempDataDir() };
    // The rules for each value are unit-tested in src/cli/client-input.spec.ts; here, how they surface.
    const [none, unknown, noEmail, badRole, badFlag, badUri] = await Promise.all([
      cli([], env),
      cli(['users:delete', '--json'], env),
      cli(['users:create', '--password', PASSWORD, '--json'], env),
      cli(['users:create', '--email', 'x@example.com', '--password', PASSWORD, '--role', 'root'], env),
      cli(['users:create', '--email', 'x@example.com', '--password', PASSWORD, '--colour', 'blue'], env),
      cli(['clients:create', '--name', 'n', '--type', 'public', '--redirect-uris', 'http://app.example.com/cb', '--json'], env),
    ]);
    failed(none, 2, /usage: .*<command>/);
    failed(unknown, 2, /unknown command "users:delete".*users:create/);
    failed(noEmail, 2, /--email is required/);
    failed(badRole, 2, /--role must be one of admin, developer/);
    failed(badFlag, 2, /--colour/);
    failed(badUri, 2, /http: only loopback/);
  });

  it('prints help on --help, to stdout, with status 0', async () => {
    const run = await cli(['--help'], { DATA_DIR: tempDataDir() });
    expect(run.code).toBe(0);
    for (const name of ['users:create', 'users:unlock', 'clients:create', 'clients:directory', 'keys:create', 'signing-keys:rotate', 'migration:run'])
      expect(run.stdout).toContain(name);
  });
});

describe('on PostgreSQL (DATABASE_URL)', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => queryDatabase<T>(db.url, sql, params);

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url, DATA_DIR: tempDataDir() };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('migration:run applies the migrations once', async () => {
    const first = json(await cli(['migration:run', '--json'], env));
    expect((first.applied as string[]).length).toBeGreaterThan(0);
    expect(json(await cli(['migration:run', '--json'], env))).toEqual({ applied: [] });
  });

  it('users:create prints { id, email, role }, creates no one else, and refuses a duplicate', async () => {
    const dev = json(await cli(['users:create', '--email', 'Dev@Example.com', '--password', PASSWORD, '--json'], env));
    expect(dev).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: 'dev@example.com', role: 'developer' });
    const admin = json(await cli(['users:create', '--email', 'ops@example.com', '--password', PASSWORD, '--role', 'admin', '--json'], env));
    expect(admin.role).toBe('admin');
    expect((await query<{ email: string }>('SELECT email FROM users ORDER BY email')).map((r) => r.email)).toEqual(['dev@example.com', 'ops@example.com']);

    failed(await cli(['users:create', '--email', 'dev@example.com', '--password', PASSWORD, '--json'], env), 1, /already exists/);
  });

  it('users:unlock lets an address refused for failed sign-ins in again on a running server, and audits it', async () => {
    const app = await startTestApp({ database: db });
    try {
      const agent = new Agent(app.url);
      const csrf = hidden((await agent.get('/portal/signin')).text, 'csrf');
      const signIn = (password: string) => agent.post('/portal/signin', { csrf, email: 'dev@example.com', password });
      for (let i = 0; i < 5; i++) expect((await signIn('wrong password!!')).status).toBe(401);
      expect((await signIn(PASSWORD)).status).toBe(429);
      const out = json(await cli(['users:unlock', '--email', 'Dev@Example.com', '--json'], env));
      expect(out).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: 'dev@example.com', sign_in_unlocked_at: expect.any(String) });
      expect((await signIn(PASSWORD)).status).toBe(303);
      const audited = await query<{ details: unknown }>(`SELECT details FROM audit_events WHERE type = 'admin.user_unlocked' AND target = $1`, [out.id]);
      expect(audited).toEqual([{ details: { via: 'cli' } }]);
      failed(await cli(['users:unlock', '--email', 'nobody@example.com', '--json'], env), 1, /No user has the email nobody@example.com/);
      failed(await cli(['users:unlock', '--json'], env), 2, /--email is required/);
    } finally {
      await app.close();
    }
  }, 180_000);

  it('clients:create makes confidential and public clients with the given owner', async () => {
    const conf = json(await cli(['clients:create', '--name', 'Billing', '--owner', 'dev@example.com', '--json'], env));
    expect(conf).toEqual({ client_id: expect.stringMatching(/^gth_/), client_secret: expect.stringMatching(/^gth_cs_/) });
    const [row] = await query<{ email: string; grant_types: string[]; scopes: string[] }>(
      'SELECT u.email, c.grant_types, c.scopes FROM clients c JOIN users u ON u.id = c.owner_id WHERE c.client_id = $1',
      [conf.client_id],
    );
    expect(row).toEqual({ email: 'dev@example.com', grant_types: ['client_credentials'], scopes: ['users:read', 'data:read'] });

    const uris = ['--redirect-uris', 'https://app.example.com/cb http://127.0.0.1:8765/cb'];
    const pub = json(await cli(['clients:create', '--name', 'SPA', '--type', 'public', '--application-type', 'native', ...uris, '--json'], env));
    expect(Object.keys(pub)).toEqual(['client_id']);
    const [p] = await query<{ type: string; application_type: string; grant_types: string[]; redirect_uris: string[] }>(
      'SELECT type, application_type, grant_types, redirect_uris FROM clients WHERE client_id = $1',
      [pub.client_id],
    );
    expect(p).toEqual({
      type: 'public',
      application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1:8765/cb'],
    });

    failed(await cli(['clients:create', '--name', 'X', '--owner', 'nobody@example.com', '--json'], env), 1, /nobody@example\.com/);
    // Only a public client may be native (RFC 8252: loopback redirect URIs on any port); web is the default.
    failed(await cli(['clients:create', '--name', 'X', '--application-type', 'native', '--json'], env), 2, /only a public client can be a native app/);
    failed(await cli(['clients:create', '--name', 'X', '--application-type', 'desktop', '--json'], env), 2, /--application-type must be one of web, native/);
    const [web] = await query<{ application_type: string }>('SELECT application_type FROM clients WHERE client_id = $1', [conf.client_id]);
    expect(web.application_type).toBe('web');
  });

  it("clients:create --directory-access and clients:directory set what a client's own tokens see of the user directory", async () => {
    const made = json(await cli(['clients:create', '--name', 'Reporting', '--owner', 'dev@example.com', '--directory-access', 'whole', '--json'], env));
    const flag = async () =>
      (await query<{ directory_access: boolean }>('SELECT directory_access FROM clients WHERE client_id = $1', [made.client_id]))[0].directory_access;
    expect(await flag()).toBe(true);
    expect(json(await cli(['clients:directory', '--client-id', String(made.client_id), '--access', 'owner', '--json'], env))).toEqual({
      client_id: made.client_id,
      directory_access: false,
    });
    expect(await flag()).toBe(false);
    failed(await cli(['clients:directory', '--client-id', 'nope', '--access', 'whole', '--json'], env), 1, /No client has the client_id nope/);
    failed(await cli(['clients:directory', '--client-id', 'x', '--access', 'all', '--json'], env), 2, /--access must be one of whole, owner/);
  }, 180_000);

  it('clients:resource-server marks a confidential client a resource server and back, refuses a public one, and audits', async () => {
    const made = json(await cli(['clients:create', '--name', 'Orders API', '--json'], env));
    const flag = async (id: unknown) =>
      (await query<{ resource_server: boolean }>('SELECT resource_server FROM clients WHERE client_id = $1', [id]))[0].resource_server;
    expect(await flag(made.client_id)).toBe(false);
    const set = (id: unknown, introspect: string) => cli(['clients:resource-server', '--client-id', String(id), '--introspect', introspect, '--json'], env);
    expect(json(await set(made.client_id, 'any'))).toEqual({ client_id: made.client_id, resource_server: true });
    expect(await flag(made.client_id)).toBe(true);
    const audited = await query<{ details: unknown }>(`SELECT details FROM audit_events WHERE type = 'client.updated' AND target = $1`, [made.client_id]);
    expect(audited).toEqual([{ details: { via: 'cli', resource_server: true } }]);
    expect(json(await set(made.client_id, 'own'))).toEqual({ client_id: made.client_id, resource_server: false });
    expect(await flag(made.client_id)).toBe(false);

    const pub = json(await cli(['clients:create', '--name', 'SPA', '--type', 'public', '--redirect-uris', 'https://spa.example.com/cb', '--json'], env));
    failed(await set(pub.client_id, 'any'), 1, /only a confidential client can be a resource server/);
    expect(await flag(pub.client_id)).toBe(false);
    failed(await set('nope', 'any'), 1, /No client has the client_id nope/);
    failed(await set(made.client_id, 'all'), 2, /--introspect must be one of any, own/);
  }, 180_000);

  it('keys:create prints { id, key }; the key opens the Data API; only its digest is stored', async () => {
    const made = json(
      await cli(['keys:create', '--owner', 'dev@example.com', '--name', 'nightly', '--scopes', 'data:read data:write', '--expires-in', '3600', '--json'], env),
    );
    expect(made).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), key: expect.stringMatching(/^gth_live_[0-9A-Za-z]{40}_[0-9A-Za-z]{6}$/) });
    const [row] = await query<{ name: string; scopes: string[]; email: string; in_s: number; j: string }>(
      `SELECT k.name, k.scopes, u.email, extract(epoch FROM k.expires_at - now())::int AS in_s, row_to_json(k)::text AS j
         FROM api_keys k JOIN users u ON u.id = k.owner_id WHERE k.id = $1`,
      [made.id],
    );
    expect(row).toMatchObject({ name: 'nightly', scopes: ['data:read', 'data:write'], email: 'dev@example.com' });
    expect(row.in_s).toBeGreaterThan(3500);
    expect(row.j).not.toContain(String(made.key));
    const app = await startTestApp({ database: db });
    try {
      expect((await fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': String(made.key) } })).status).toBe(200);
    } finally {
      await app.close();
    }
    expect(Object.keys(json(await cli(['keys:create', '--owner', 'dev@example.com', '--name', 'default', '--json'], env)))).toEqual(['id', 'key']);
    failed(await cli(['keys:create', '--owner', 'dev@example.com', '--name', 'x', '--scopes', 'admin', '--json'], env), 2, /--scopes/);
    failed(await cli(['keys:create', '--owner', 'dev@example.com', '--name', 'x', '--expires-in', '-5', '--json'], env), 2, /--expires-in/);
    failed(await cli(['keys:create', '--owner', 'nobody@example.com', '--name', 'x', '--json'], env), 1, /nobody@example\.com/);
    // --environment test makes a gth_test_ key (the README's test keys); anything else is refused.
    const test = json(await cli(['keys:create', '--owner', 'dev@example.com', '--name', 'sandbox', '--environment', 'test', '--json'], env));
    expect(test.key).toMatch(/^gth_test_[0-9A-Za-z]{40}_[0-9A-Za-z]{6}$/);
    expect((await query<{ environment: string }>('SELECT environment FROM api_keys WHERE id = $1', [test.id]))[0].environment).toBe('test');
    failed(await cli(['keys:create', '--owner', 'dev@example.com', '--name', 'x', '--environment', 'staging', '--json'], env), 2, /--environment/);
  });

  it('prints readable lines without --json', async () => {
    const run = await cli(['clients:create', '--name', 'Readable', '--scopes', 'data:read data:write'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/client_id: +gth_/);
    expect(run.stdout).toMatch(/client_secret: +gth_cs_/);
    expect(() => JSON.parse(run.stdout) as unknown).toThrow();
  });

  it('signing-keys:rotate adds a key the server then publishes', async () => {
    const { kid } = json(await cli(['signing-keys:rotate', '--json'], env));
    expect(await query('SELECT kid FROM signing_keys WHERE kid = $1', [kid])).toHaveLength(1);
    const app = await startTestApp({ database: db });
    try {
      const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    } finally {
      await app.close();
    }
  });

  it('fails with one line, exit 1, when the database cannot be reached', async () => {
    const port = await freePort();
    const run = await cli(['users:create', '--email', 'a@example.com', '--password', PASSWORD, '--json'], {
      ...env,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x`,
    });
    failed(run, 1, /cannot reach the database/);
  });
});

describe('on the embedded database (DATA_DIR)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let app: TestApp | undefined;

  beforeAll(() => {
    dataDir = tempDataDir();
    env = { DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await app?.close();
  });

  it('works with no server running, and leaves the files for the server to open', async () => {
    const user = json(await cli(['users:create', '--email', 'owner@example.com', '--password', PASSWORD, '--json'], env));
    const client = json(await cli(['clients:create', '--name', 'Offline', '--owner', 'owner@example.com', '--json'], env));
    expect(user.email).toBe('owner@example.com');
    expect(existsSync(join(dataDir, 'embedded.lock'))).toBe(false);

    app = await startTestApp({ database: 'embedded', dataDir });
    const res = await token(app, client.client_id as string, client.client_secret as string);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  }, 240_000);

  it('joins a running server without locking it out', async () => {
    const server = app!;
    const lock = readFileSync(join(dataDir, 'embedded.lock'), 'utf8');
    const client = json(await cli(['clients:create', '--name', 'Online', '--scopes', 'data:read', '--json'], env));
    const user = json(await cli(['users:create', '--email', 'second@example.com', '--password', PASSWORD, '--json'], env));
    expect(user.role).toBe('developer');
    json(await cli(['signing-keys:rotate', '--json'], env));

    // The server still owns the files and answers, and the CLI's client works at once.
    expect(readFileSync(join(dataDir, 'embedded.lock'), 'utf8')).toBe(lock);
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    const res = await token(server, client.client_id as string, client.client_secret as string);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('data:read');
    failed(await cli(['users:create', '--email', 'second@example.com', '--password', PASSWORD, '--json'], env), 1, /already exists/);
  }, 240_000);
});
