import type pg from 'pg';
import { startTestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { ensureBuilt } from './support/build.js';
import { cli, failed, json } from './support/cli.js';
import { createTestDatabase, queryDatabase, type TestDatabase } from './support/database.js';

/** The operator's read and manage commands (users:*, clients:*, keys:*), the built CLI on a real PostgreSQL. */
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase 42';

let db: TestDatabase;
let env: Record<string, string>;
const query = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => queryDatabase<T>(db.url, sql, params);

beforeAll(async () => {
  await ensureBuilt();
  db = await createTestDatabase();
  env = { DATABASE_URL: db.url, DATA_DIR: '/nonexistent-gh-cli' };
}, 240_000);
afterAll(async () => {
  await db?.drop();
});

describe('users', () => {
  it('users:create reads the password from standard input when --password is absent', async () => {
    const made = json(await cli(['users:create', '--email', 'Piped@Example.com', '--json'], env, `${PASSWORD}\n`));
    expect(made).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email: 'piped@example.com', role: 'developer' });
    const [row] = await query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [made.id]);
    expect(row.password_hash).not.toContain(PASSWORD);
    json(await cli(['users:create', '--email', 'ops@example.com', '--role', 'admin', '--json'], env, PASSWORD));
    failed(await cli(['users:create', '--email', 'short@example.com', '--json'], env, 'short\n'), 2, /at least 12 characters/);
    failed(await cli(['users:create', '--email', 'empty@example.com', '--json'], env, ''), 2, /no password on standard input/);
    expect(await query('SELECT 1 FROM users WHERE email IN ($1, $2)', ['short@example.com', 'empty@example.com'])).toEqual([]);
  }, 180_000);

  it('users:list and users:get show users without secrets', async () => {
    const list = json(await cli(['users:list', '--json'], env));
    expect(list.more).toBe(false);
    const emails = (list.data as { email: string }[]).map((u) => u.email);
    expect(emails).toEqual(['ops@example.com', 'piped@example.com']);
    expect(JSON.stringify(list)).not.toMatch(/password|hash/i);
    const admins = json(await cli(['users:list', '--role', 'admin', '--json'], env));
    expect((admins.data as { email: string }[]).map((u) => u.email)).toEqual(['ops@example.com']);
    const text = await cli(['users:list'], env);
    expect(text.stdout).toMatch(/admin +active +ops@example\.com/);

    const byEmail = json(await cli(['users:get', '--email', 'PIPED@example.com', '--json'], env));
    expect(byEmail).toMatchObject({ email: 'piped@example.com', role: 'developer', status: 'active' });
    expect(json(await cli(['users:get', '--id', String(byEmail.id), '--json'], env))).toEqual(byEmail);
    expect((await cli(['users:get', '--email', 'piped@example.com'], env)).stdout).toMatch(/^id: +[0-9a-f-]{36}\nemail: +piped@example\.com\n/);

    failed(await cli(['users:get', '--json'], env), 2, /exactly one of --email and --id/);
    failed(await cli(['users:get', '--email', 'a@example.com', '--id', 'x', '--json'], env), 2, /exactly one of --email and --id/);
    failed(await cli(['users:get', '--email', 'nobody@example.com', '--json'], env), 1, /No user has the email nobody@example\.com/);
    failed(await cli(['users:get', '--id', 'not-a-uuid', '--json'], env), 1, /No user has the id not-a-uuid/);
    failed(await cli(['users:list', '--status', 'gone', '--json'], env), 2, /--status must be one of active, disabled/);
  }, 180_000);

  it('users:update disables, enables and changes the role, audited as admin.user_changed', async () => {
    const out = json(await cli(['users:update', '--email', 'piped@example.com', '--status', 'disabled', '--role', 'admin', '--json'], env));
    expect(out).toMatchObject({ email: 'piped@example.com', status: 'disabled', role: 'admin' });
    expect(json(await cli(['users:update', '--email', 'piped@example.com', '--status', 'active', '--json'], env))).toMatchObject({
      status: 'active',
      role: 'admin',
    });
    json(await cli(['users:update', '--email', 'piped@example.com', '--role', 'developer', '--json'], env));
    const audited = await query<{ details: unknown }>(
      `SELECT details FROM audit_events WHERE type = 'admin.user_changed' AND target = $1 ORDER BY created_at`,
      [out.id],
    );
    expect(audited).toEqual([
      { details: { via: 'cli', status: 'disabled', role: 'admin' } },
      { details: { via: 'cli', status: 'active' } },
      { details: { via: 'cli', role: 'developer' } },
    ]);
    failed(await cli(['users:update', '--email', 'piped@example.com', '--json'], env), 2, /nothing to change/);
    failed(await cli(['users:update', '--email', 'piped@example.com', '--role', 'root', '--json'], env), 2, /--role must be one of admin, developer/);
    failed(await cli(['users:update', '--email', 'nobody@example.com', '--status', 'disabled', '--json'], env), 1, /No user has the email/);
  }, 180_000);

  it('users:set-password takes the password from standard input only; the new one signs in, the old one no longer does', async () => {
    const before = await query<{ password_hash: string }>("SELECT password_hash FROM users WHERE email = 'piped@example.com'");
    const out = json(await cli(['users:set-password', '--email', 'piped@example.com', '--json'], env, `${NEW_PASSWORD}\r\nignored second line\n`));
    expect(out).toEqual({ id: expect.any(String), email: 'piped@example.com', password_changed_at: expect.any(String) });
    const after = await query<{ password_hash: string }>("SELECT password_hash FROM users WHERE email = 'piped@example.com'");
    expect(after[0].password_hash).not.toBe(before[0].password_hash);
    expect(after[0].password_hash).not.toContain(NEW_PASSWORD);
    const audited = await query(`SELECT 1 FROM audit_events WHERE type = 'admin.user_changed' AND target = $1 AND details->>'password' = 'set'`, [out.id]);
    expect(audited).toHaveLength(1);

    // Never from argv: there is no --password flag to leak into ps or the shell history.
    failed(await cli(['users:set-password', '--email', 'piped@example.com', '--password', NEW_PASSWORD, '--json'], env), 2, /--password/);
    failed(await cli(['users:set-password', '--email', 'piped@example.com', '--json'], env, 'too short\n'), 2, /at least 12 characters/);
    failed(await cli(['users:set-password', '--email', 'piped@example.com', '--json'], env, '\n'), 2, /no password on standard input/);
    failed(await cli(['users:set-password', '--email', 'nobody@example.com', '--json'], env, `${NEW_PASSWORD}\n`), 1, /No user has the email/);
    failed(await cli(['users:set-password', '--json'], env, `${NEW_PASSWORD}\n`), 2, /--email is required/);

    const app = await startTestApp({ database: db });
    try {
      const agent = new Agent(app.url);
      const csrf = hidden((await agent.get('/portal/signin')).text, 'csrf');
      expect((await agent.post('/portal/signin', { csrf, email: 'piped@example.com', password: PASSWORD })).status).toBe(401);
      expect((await agent.post('/portal/signin', { csrf, email: 'piped@example.com', password: NEW_PASSWORD })).status).toBe(303);
    } finally {
      await app.close();
    }
  }, 180_000);
});

describe('clients', () => {
  let confidential: Record<string, unknown>;
  let secret: string;

  beforeAll(async () => {
    confidential = json(await cli(['clients:create', '--name', 'Billing', '--owner', 'ops@example.com', '--json'], env));
    secret = String(confidential.client_secret);
    json(await cli(['clients:create', '--name', 'Unowned', '--json'], env));
  }, 120_000);

  it('clients:list (all, or one owner) and clients:get show clients without secrets', async () => {
    const all = json(await cli(['clients:list', '--json'], env));
    // Newest first; the server started earlier in this file made its first-party docs client before these.
    expect((all.data as { name: string }[]).map((c) => c.name).slice(0, 2)).toEqual(['Unowned', 'Billing']);
    const mine = json(await cli(['clients:list', '--owner', 'OPS@example.com', '--json'], env));
    expect((mine.data as { client_id: string }[]).map((c) => c.client_id)).toEqual([confidential.client_id]);
    expect(JSON.stringify(all)).not.toContain(secret);
    expect((await cli(['clients:list'], env)).stdout).toMatch(/gth_\S+ +confidential +active +Billing/);
    failed(await cli(['clients:list', '--owner', 'nobody@example.com', '--json'], env), 1, /No user has the email nobody@example\.com/);

    const got = json(await cli(['clients:get', '--client-id', String(confidential.client_id), '--json'], env));
    expect(got).toMatchObject({ client_id: confidential.client_id, name: 'Billing', status: 'active', scopes: ['users:read', 'data:read'] });
    expect(JSON.stringify(got)).not.toContain(secret);
    failed(await cli(['clients:get', '--client-id', 'gth_nope', '--json'], env), 1, /No client has the client_id gth_nope/);
    failed(await cli(['clients:get', '--client-id', 'x'.repeat(500), '--json'], env), 1, /No client has the client_id x+$/m);
    failed(await cli(['clients:get', '--json'], env), 2, /--client-id is required/);
  }, 180_000);

  it('clients:update disables a client on a running server at once, changes scopes and redirect URIs, and audits', async () => {
    const id = String(confidential.client_id);
    const app = await startTestApp({ database: db });
    try {
      const token = () =>
        fetch(`${app.url}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
        });
      expect((await token()).status).toBe(200);
      expect(json(await cli(['clients:update', '--client-id', id, '--status', 'disabled', '--json'], env))).toMatchObject({ status: 'disabled' });
      expect((await token()).status).toBe(401);
      json(await cli(['clients:update', '--client-id', id, '--status', 'active', '--scopes', 'data:read', '--json'], env));
      const res = await token();
      expect(res.status).toBe(200);
      expect(((await res.json()) as { scope: string }).scope).toBe('data:read');
    } finally {
      await app.close();
    }
    const types = await query<{ type: string }>('SELECT type FROM audit_events WHERE target = $1 AND details @> \'{"via":"cli"}\' ORDER BY created_at', [id]);
    expect(types.map((t) => t.type)).toEqual(['client.disabled', 'client.enabled', 'client.updated']);

    failed(await cli(['clients:update', '--client-id', id, '--json'], env), 2, /nothing to change/);
    failed(await cli(['clients:update', '--client-id', id, '--scopes', 'root', '--json'], env), 2, /--scopes: unknown scope root/);
    failed(await cli(['clients:update', '--client-id', id, '--status', 'gone', '--json'], env), 2, /--status must be one of active, disabled/);
    failed(await cli(['clients:update', '--client-id', id, '--redirect-uris', 'http://evil.example.com/cb', '--json'], env), 2, /--redirect-uris: .*loopback/);
    failed(await cli(['clients:update', '--client-id', 'gth_nope', '--status', 'disabled', '--json'], env), 1, /No client has the client_id/);
  }, 180_000);

  it('clients:update and clients:create set post-logout redirect URIs (OpenID Connect logout), with the redirect URI rules', async () => {
    const id = String(confidential.client_id);
    const updated = json(await cli(['clients:update', '--client-id', id, '--post-logout-redirect-uris', 'https://billing.example/bye', '--json'], env));
    expect(updated.post_logout_redirect_uris).toEqual(['https://billing.example/bye']);
    failed(
      await cli(['clients:update', '--client-id', id, '--post-logout-redirect-uris', 'http://evil.example/bye', '--json'], env),
      2,
      /--post-logout-redirect-uris: post-logout redirect URI/,
    );
    const created = json(
      await cli(['clients:create', '--name', 'RP', '--post-logout-redirect-uris', 'https://rp.example/bye https://rp.example/bye2', '--json'], env),
    );
    const shown = json(await cli(['clients:get', '--client-id', String(created.client_id), '--json'], env));
    expect(shown.post_logout_redirect_uris).toEqual(['https://rp.example/bye', 'https://rp.example/bye2']);
    failed(await cli(['clients:create', '--name', 'RP', '--post-logout-redirect-uris', 'https://rp.example/#x', '--json'], env), 2, /fragment/);
  }, 120_000);

  it('clients:create and clients:update set the home page (https, or http on localhost), refuse javascript:, data:, http elsewhere and over-long', async () => {
    const created = json(await cli(['clients:create', '--name', 'Home', '--homepage-url', 'https://home.example/app', '--json'], env));
    const id = String(created.client_id);
    expect(json(await cli(['clients:get', '--client-id', id, '--json'], env)).homepage_url).toBe('https://home.example/app');
    expect(json(await cli(['clients:update', '--client-id', id, '--homepage-url', 'http://localhost:3000/', '--json'], env)).homepage_url).toBe(
      'http://localhost:3000/',
    );
    expect(json(await cli(['clients:update', '--client-id', id, '--homepage-url', '', '--json'], env)).homepage_url).toBeNull();
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,hi',
      'http://home.example/',
      `https://home.example/${'a'.repeat(2000)}`,
      'https://u:p@home.example/',
    ]) {
      failed(await cli(['clients:create', '--name', 'Home', '--homepage-url', bad, '--json'], env), 2, /--homepage-url: homepage URL/);
      failed(await cli(['clients:update', '--client-id', id, '--homepage-url', bad, '--json'], env), 2, /--homepage-url: homepage URL/);
    }
    expect(json(await cli(['clients:get', '--client-id', id, '--json'], env)).homepage_url).toBeNull();
  }, 120_000);

  it('clients:delete removes the client and audits it', async () => {
    const id = String(confidential.client_id);
    expect(json(await cli(['clients:delete', '--client-id', id, '--json'], env))).toEqual({ client_id: id, deleted: true });
    expect(await query('SELECT 1 FROM clients WHERE client_id = $1', [id])).toEqual([]);
    expect(await query(`SELECT 1 FROM audit_events WHERE type = 'client.deleted' AND target = $1`, [id])).toHaveLength(1);
    failed(await cli(['clients:delete', '--client-id', id, '--json'], env), 1, /No client has the client_id/);
  }, 180_000);
});

describe('API keys', () => {
  it('keys:list, keys:get and keys:revoke: never the key itself; a revoked key is refused by a running server', async () => {
    const made = json(await cli(['keys:create', '--owner', 'piped@example.com', '--name', 'nightly', '--json'], env));
    json(await cli(['keys:create', '--owner', 'ops@example.com', '--name', 'ops key', '--json'], env));
    const key = String(made.key);
    const all = json(await cli(['keys:list', '--json'], env));
    expect((all.data as { name: string }[]).map((k) => k.name)).toEqual(['ops key', 'nightly']);
    expect(JSON.stringify(all)).not.toContain(key);
    const mine = json(await cli(['keys:list', '--owner', 'piped@example.com', '--json'], env));
    expect((mine.data as { id: string }[]).map((k) => k.id)).toEqual([made.id]);
    expect(json(await cli(['keys:get', '--id', String(made.id), '--json'], env))).toMatchObject({ id: made.id, name: 'nightly', status: 'active' });
    expect((await cli(['keys:get', '--id', String(made.id)], env)).stdout).toMatch(/status: +active/);

    let revokedAt: unknown;
    const app = await startTestApp({ database: db });
    try {
      expect((await fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': key } })).status).toBe(200);
      const revoked = json(await cli(['keys:revoke', '--id', String(made.id), '--json'], env));
      expect(revoked).toMatchObject({ id: made.id, status: 'revoked', revoked_at: expect.any(String) });
      revokedAt = revoked.revoked_at;
      expect((await fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': key } })).status).toBe(401);
    } finally {
      await app.close();
    }
    // Idempotent: a second revoke keeps the first time.
    const again = json(await cli(['keys:revoke', '--id', String(made.id), '--json'], env));
    expect(again.revoked_at).toBe(revokedAt);
    expect(await query(`SELECT 1 FROM audit_events WHERE type = 'api_key.revoked' AND target = $1`, [made.id])).toHaveLength(2);

    failed(await cli(['keys:get', '--id', 'not-a-uuid', '--json'], env), 1, /API key not-a-uuid/);
    failed(await cli(['keys:revoke', '--id', '00000000-0000-4000-8000-000000000000', '--json'], env), 1, /API key 00000000/);
    failed(await cli(['keys:list', '--owner', 'nobody@example.com', '--json'], env), 1, /No user has the email/);
    failed(await cli(['keys:revoke', '--json'], env), 2, /--id is required/);
  }, 180_000);
});

describe('usage errors', () => {
  it('lists every problem at once, one a line', async () => {
    const run = await cli(['keys:create', '--name', 'x\u0007', '--scopes', 'admin', '--expires-in', 'soon', '--json'], env);
    failed(run, 2, /--owner is required/);
    expect(run.stderr.trim().split('\n')).toEqual([
      'gatehouse: --owner is required',
      '--name must be at most 100 printable characters',
      '--scopes may only hold data:read, data:write (got "admin")',
      '--expires-in must be a positive number of seconds (a whole number from 1 to 315360000)',
    ]);
    const user = await cli(['users:create', '--email', 'not-an-address', '--password', 'short', '--role', 'root'], env);
    failed(user, 2, /--email .*\n--password must be at least 12 characters\n--role must be one of admin, developer/);
  }, 180_000);

  it('takes a negative number as a value, for the command to judge', async () => {
    const run = await cli(['keys:create', '--owner', 'piped@example.com', '--name', 'x', '--expires-in', '-5', '--json'], env);
    failed(run, 2, /--expires-in must be a positive number of seconds/);
    expect(run.stderr).not.toMatch(/ambiguous/);
  });
});
