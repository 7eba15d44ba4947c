import { ClientUsageService } from '../src/clients/client-usage.service.js';
import { Agent, hidden, type AgentResponse } from './support/agent.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { call } from './support/keys.js';

/** The value of a readonly secret field of a page. */
function shown(page: string, id: string): string {
  const m = new RegExp(`id="${id}" type="text" readonly value="([^"]*)"`).exec(page);
  if (!m) throw new Error(`no secret field ${id} in: ${page.slice(0, 800)}`);
  return m[1];
}

function fieldErrors(page: string, field: string): string {
  return new RegExp(`<div id="${field}-error" role="alert">([\\s\\S]*?)</div>`).exec(page)?.[1] ?? '';
}

interface Dev {
  agent: Agent;
  id: string;
  csrf: string;
  token: string;
}

/**
 * Issue 17, items 1 and 4, over HTTP against the real app and PostgreSQL: post/redirect/get with the
 * secret shown once (a reload, another session, a late or altered ticket: "already shown", nothing made
 * twice), the key list's filters and rotation pairs, rename, stopping a rotated key early, test/live
 * keys, an application's live secrets (ending the previous one early) and its last use.
 */
describe('portal: shown once, key and secret lifecycle', () => {
  let app: TestApp;
  const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => app.running.db.dataSource.query<T[]>(q, p);

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  async function developer(): Promise<Dev> {
    const user = await app.createUser();
    const agent = new Agent(app.url);
    expect((await agent.signIn(user.email, user.password)).status).toBe(303);
    const token = await app.tokenActingFor(user.id, ['keys:manage', 'data:read', 'data:write']);
    return { agent, id: user.id, csrf: hidden((await agent.get('/portal')).text, 'csrf'), token };
  }

  /** Posts the new-key form; answers the 303. */
  async function postKey(dev: Dev, fields: Record<string, string> = {}): Promise<AgentResponse> {
    const body = new URLSearchParams({ csrf: dev.csrf, name: 'nightly job', scopes: 'data:read', ...fields });
    return dev.agent.post('/portal/keys', body.toString());
  }

  async function createKey(dev: Dev, fields: Record<string, string> = {}): Promise<{ id: string; key: string; location: string }> {
    const res = await postKey(dev, fields);
    expect(res.status).toBe(303);
    const page = await dev.agent.get(res.location!);
    expect(page.status).toBe(200);
    const id = /^\/portal\/keys\/([0-9a-f-]{36})\/shown\//.exec(res.location!)![1];
    return { id, key: shown(page.text, 'api_key'), location: res.location! };
  }

  async function rotateKey(dev: Dev, id: string, grace = '3600'): Promise<{ id: string; key: string; location: string }> {
    const res = await dev.agent.post(`/portal/keys/${id}/rotate`, { csrf: dev.csrf, grace_period_seconds: grace });
    expect(res.status).toBe(303);
    const page = await dev.agent.get(res.location!);
    return { id: /^\/portal\/keys\/([0-9a-f-]{36})\//.exec(res.location!)![1], key: shown(page.text, 'api_key'), location: res.location! };
  }

  async function createApp(dev: Dev): Promise<{ clientId: string; secret: string; location: string }> {
    const body = new URLSearchParams({
      csrf: dev.csrf,
      name: 'Billing',
      type: 'confidential',
      redirect_uris: '',
      grant_types: 'client_credentials',
      scopes: 'data:read',
    });
    const res = await dev.agent.post('/portal/apps', body.toString());
    expect(res.status).toBe(303);
    const page = await dev.agent.get(res.location!);
    return { clientId: /<code id="client-id">([^<]+)<\/code>/.exec(page.text)![1], secret: shown(page.text, 'client_secret'), location: res.location! };
  }

  const data = (key: string) => fetch(`${app.url}/v1/data`, { headers: { 'X-API-Key': key } });
  const token = (clientId: string, secret: string) =>
    postForm(`${app.url}/oauth2/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  const keyCount = async (dev: Dev) => (await sql(`SELECT 1 FROM api_keys WHERE owner_id = $1`, [dev.id])).length;

  describe('post/redirect/get: shown once', () => {
    it('creates a key with a 303 to a page that shows it once; a reload says "already shown" and makes nothing', async () => {
      const dev = await developer();
      const res = await postKey(dev);
      expect(res.status).toBe(303);
      expect(res.location).toMatch(/^\/portal\/keys\/[0-9a-f-]{36}\/shown\/[0-9a-f-]{36}$/);
      expect(res.text).toBe('');
      // Parked sealed: the key is nowhere in the database in clear.
      const parked = await sql<{ sealed: string; expires_at: Date; created_at: Date }>(`SELECT sealed, expires_at, created_at FROM shown_once`);
      const page = await dev.agent.get(res.location!);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      const key = shown(page.text, 'api_key');
      expect(key).toMatch(/^gth_live_/);
      expect(parked.length).toBeGreaterThan(0);
      expect(JSON.stringify(parked)).not.toContain(key);
      expect(JSON.stringify(parked)).not.toContain(key.slice(9, 30));
      const p = parked[parked.length - 1];
      const lifetime = new Date(p.expires_at).getTime() - new Date(p.created_at).getTime();
      expect(lifetime).toBeGreaterThan(295_000); // 5 minutes (the database's clock against the server's)
      expect(lifetime).toBeLessThan(305_000);
      expect((await data(key)).status).toBe(200);
      // Read and deleted: a reload shows "already shown", and no second key exists.
      const again = await dev.agent.get(res.location!);
      expect(again.status).toBe(200);
      expect(again.text).toContain('This key was already shown');
      expect(again.text).not.toContain(key);
      expect(await keyCount(dev)).toBe(1);
      expect(await sql(`SELECT 1 FROM shown_once WHERE subject = $1`, [/keys\/([^/]+)\//.exec(res.location!)![1]])).toHaveLength(0);
    });

    it('answers another user 404 for the shown-once page of a key not theirs; the owner still gets it once', async () => {
      const dev = await developer();
      const res = await postKey(dev);
      const other = await developer();
      const theirs = await other.agent.get(res.location!);
      expect(theirs.status).toBe(404);
      expect(theirs.text).not.toMatch(/gth_live_[A-Za-z0-9]{40}/);
      const page = await dev.agent.get(res.location!);
      expect(shown(page.text, 'api_key')).toMatch(/^gth_live_/);
    });

    it('binds the ticket to the session: the same user signed in elsewhere sees "already shown", the first session the key', async () => {
      const user = await app.createUser();
      const a = new Agent(app.url);
      const b = new Agent(app.url);
      expect((await a.signIn(user.email, user.password)).status).toBe(303);
      expect((await b.signIn(user.email, user.password)).status).toBe(303);
      const csrf = hidden((await a.get('/portal')).text, 'csrf');
      const res = await a.post('/portal/keys', new URLSearchParams({ csrf, name: 'k', scopes: 'data:read' }).toString());
      expect(res.status).toBe(303);
      const inB = await b.get(res.location!);
      expect(inB.status).toBe(200);
      expect(inB.text).toContain('already shown');
      expect(inB.text).not.toMatch(/gth_live_[A-Za-z0-9]{40}/);
      const inA = await a.get(res.location!);
      expect(shown(inA.text, 'api_key')).toMatch(/^gth_live_/);
    });

    it('says "already shown" for a late, altered or junk ticket, and for a signed-out browser sends to sign in', async () => {
      const dev = await developer();
      const res = await postKey(dev);
      const [, keyId, ticket] = /keys\/([^/]+)\/shown\/(.+)$/.exec(res.location!)!;
      for (const t of ['00000000-0000-0000-0000-000000000000', 'not-a-ticket', 'x'.repeat(150), `${ticket.slice(0, -1)}${ticket.endsWith('0') ? '1' : '0'}`]) {
        const page = await dev.agent.get(`/portal/keys/${keyId}/shown/${encodeURIComponent(t)}`);
        expect(page.status).toBe(200);
        expect(page.text).toContain('already shown');
      }
      expect((await dev.agent.get(`/portal/keys/${keyId}/shown/${'x'.repeat(500)}`)).status).toBe(400); // over the router's parameter length: a clear 400
      const signedOut = await new Agent(app.url).get(res.location!);
      expect(signedOut.status).toBe(303);
      await sql(`UPDATE shown_once SET expires_at = now() - interval '1 second' WHERE id = $1`, [ticket]);
      expect((await dev.agent.get(res.location!)).text).toContain('already shown');
      // The wrong key in the path: its own ticket only.
      const res2 = await postKey(dev);
      const ticket2 = /shown\/(.+)$/.exec(res2.location!)![1];
      expect((await dev.agent.get(`/portal/keys/${keyId}/shown/${ticket2}`)).text).toContain('already shown');
      expect(shown((await dev.agent.get(res2.location!)).text, 'api_key')).toMatch(/^gth_live_/);
    });

    it('refuses a missing or altered CSRF token, or a repeated field, creating nothing', async () => {
      const dev = await developer();
      expect((await dev.agent.post('/portal/keys', { name: 'k', scopes: 'data:read' })).status).toBe(403);
      expect((await dev.agent.post('/portal/keys', { csrf: `${dev.csrf}x`, name: 'k', scopes: 'data:read' })).status).toBe(403);
      expect((await dev.agent.post('/portal/keys', `csrf=${encodeURIComponent(dev.csrf)}&name=a&name=b&scopes=data:read`)).status).toBe(400);
      expect(await keyCount(dev)).toBe(0);
      expect(await sql(`SELECT 1 FROM shown_once s JOIN sessions x ON x.id = s.session_id WHERE x.user_id = $1`, [dev.id])).toHaveLength(0);
    });

    it('rotates a key with a 303; the new key shown once, the pair and the grace on the page; a reload rotates nothing', async () => {
      const dev = await developer();
      const first = await createKey(dev);
      const second = await rotateKey(dev, first.id, '3600');
      expect(second.key).not.toBe(first.key);
      const again = await dev.agent.get(second.location);
      expect(again.text).toContain('already shown');
      expect(await keyCount(dev)).toBe(2);
      expect((await data(first.key)).status).toBe(200);
      expect((await data(second.key)).status).toBe(200);
    });

    it('creates an application and rotates its secret with 303s; each secret shown once, a reload makes nothing', async () => {
      const dev = await developer();
      const { clientId, secret, location } = await createApp(dev);
      expect(location).toMatch(new RegExp(`^/portal/apps/${clientId}/shown/[0-9a-f-]{36}$`));
      const reload = await dev.agent.get(location);
      expect(reload.text).toContain('This secret was already shown');
      expect(reload.text).not.toContain(secret);
      expect(await sql(`SELECT 1 FROM clients WHERE owner_id = $1 AND name = 'Billing'`, [dev.id])).toHaveLength(1);
      const rot = await dev.agent.post(`/portal/apps/${clientId}/secret/rotate`, { csrf: dev.csrf, grace_period_seconds: '3600' });
      expect(rot.status).toBe(303);
      const page = await dev.agent.get(rot.location!);
      const second = shown(page.text, 'client_secret');
      expect(page.text).toContain('The previous secret keeps working until');
      expect((await dev.agent.get(rot.location!)).text).toContain('already shown');
      expect(await sql(`SELECT 1 FROM client_secrets s JOIN clients c ON c.id = s.client_pk WHERE c.client_id = $1`, [clientId])).toHaveLength(2);
      expect((await token(clientId, secret)).status).toBe(200);
      expect((await token(clientId, second)).status).toBe(200);
      // Another user's application: 404, with or without a ticket.
      const other = await developer();
      expect((await other.agent.get(rot.location!)).status).toBe(404);
    });
  });

  describe('keys: filters, pairs, rename, stop early, test or live', () => {
    it('lists working keys by default (revoked hidden), filters active / rotating / expired / revoked / all, shows each rotation pair', async () => {
      const dev = await developer();
      const plain = await createKey(dev, { name: 'plain key' });
      const old = await createKey(dev, { name: 'rotated key' });
      const successor = await rotateKey(dev, old.id, '86400');
      const gone = await createKey(dev, { name: 'gone key' });
      expect((await dev.agent.post(`/portal/keys/${gone.id}/revoke`, { csrf: dev.csrf })).status).toBe(303);
      const rows = (page: string) => [...page.matchAll(/data-key-id="([0-9a-f-]{36})"/g)].map((m) => m[1]).sort();
      const list = await dev.agent.get('/portal/keys');
      expect(rows(list.text)).toEqual([plain.id, old.id, successor.id].sort());
      expect(list.text).toMatch(/rotating <span class="pair"\s*>replaced by <a href="\/portal\/keys\/[0-9a-f-]{36}"><code>gth_live_/);
      expect(list.text).toMatch(/stops working <strong>in 2[34] h<\/strong>/);
      expect(rows((await dev.agent.get('/portal/keys?status=active')).text)).toEqual([plain.id, successor.id].sort());
      expect(rows((await dev.agent.get('/portal/keys?status=rotating')).text)).toEqual([old.id]);
      expect(rows((await dev.agent.get('/portal/keys?status=revoked')).text)).toEqual([gone.id]);
      expect(rows((await dev.agent.get('/portal/keys?status=expired')).text)).toEqual([]);
      expect(rows((await dev.agent.get('/portal/keys?status=all')).text)).toHaveLength(4);
      for (const junk of ['?status=bogus', '?status=active&status=revoked', `?status=${'x'.repeat(3000)}`, '?status=']) {
        const bad = await dev.agent.get(`/portal/keys${junk}`);
        expect(bad.status).toBe(400);
        expect(bad.text).toContain('The filter must be one of: current, active, rotating, expired, revoked, all');
      }
      // The JSON API filters the same way, and refuses junk with problem+json.
      const api = await call(app, 'GET', '/v1/api-keys?status=rotating', { token: dev.token });
      expect((api.body.data as { id: string; rotated_at: string | null }[]).map((k) => k.id)).toEqual([old.id]);
      expect((api.body.data as { rotated_at: string | null }[])[0].rotated_at).toMatch(/^\d{4}-/);
      const junk = await call(app, 'GET', '/v1/api-keys?status=bogus', { token: dev.token });
      expect(junk.status).toBe(400);
      expect(junk.headers.get('content-type')).toContain('application/problem+json');
      // The key page shows the pair too, both ways.
      const oldPage = await dev.agent.get(`/portal/keys/${old.id}`);
      expect(oldPage.text).toContain('This key was rotated');
      expect(oldPage.text).toContain(`href="/portal/keys/${successor.id}"`);
      expect(oldPage.text).toContain(`href="/portal/keys/${old.id}/expire"`);
      expect((await dev.agent.get(`/portal/keys/${successor.id}`)).text).toContain(`replaces an older key (<a href="/portal/keys/${old.id}">`);
    });

    it('renames a key (303, audited); refuses an empty, over-long or control-character name next to the field; 404 for another user', async () => {
      const dev = await developer();
      const k = await createKey(dev);
      const ok = await dev.agent.post(`/portal/keys/${k.id}/rename`, { csrf: dev.csrf, name: '  reporting (prod)  ' });
      expect(ok.status).toBe(303);
      expect(ok.location).toBe(`/portal/keys/${k.id}?notice=renamed`);
      expect((await dev.agent.get(ok.location!)).text).toContain('The API key was renamed.');
      expect((await sql<{ name: string }>(`SELECT name FROM api_keys WHERE id = $1`, [k.id]))[0].name).toBe('reporting (prod)');
      const audit = await sql<{ details: { from: string; to: string } }>(`SELECT details FROM audit_events WHERE type = 'api_key.renamed' AND target = $1`, [
        k.id,
      ]);
      expect(audit[0].details).toEqual({ from: 'nightly job', to: 'reporting (prod)' });
      expect((await data(k.key)).status).toBe(200); // the key itself does not change
      for (const [name, message] of [
        ['', 'name must be longer than or equal to 1 characters'],
        ['n'.repeat(101), 'name must be shorter than or equal to 100 characters'],
        ['tab\there', 'name must not contain control characters'],
      ]) {
        const bad = await dev.agent.post(`/portal/keys/${k.id}/rename`, { csrf: dev.csrf, name });
        expect(bad.status).toBe(400);
        expect(fieldErrors(bad.text, 'name')).toContain(message);
      }
      expect((await dev.agent.post(`/portal/keys/${k.id}/rename`, `csrf=${encodeURIComponent(dev.csrf)}&name=a&name=b`)).status).toBe(400);
      expect((await dev.agent.post(`/portal/keys/${k.id}/rename`, { name: 'no csrf' })).status).toBe(403);
      expect((await dev.agent.post(`/portal/keys/${k.id}/rename`, { csrf: dev.csrf, name: 'x', owner_id: dev.id })).status).toBe(400);
      const other = await developer();
      expect((await other.agent.post(`/portal/keys/${k.id}/rename`, { csrf: other.csrf, name: 'mine now' })).status).toBe(404);
      expect((await other.agent.post(`/portal/keys/not-a-uuid/rename`, { csrf: other.csrf, name: 'x' })).status).toBe(404);
      expect((await sql<{ name: string }>(`SELECT name FROM api_keys WHERE id = $1`, [k.id]))[0].name).toBe('reporting (prod)');
      // The JSON API: PATCH with the same rules.
      const api = await call(app, 'PATCH', `/v1/api-keys/${k.id}`, { token: dev.token, body: { name: 'via api' } });
      expect(api.status).toBe(200);
      expect(api.body.name).toBe('via api');
      expect((await call(app, 'PATCH', `/v1/api-keys/${k.id}`, { token: dev.token, body: { name: 'n'.repeat(101) } })).status).toBe(400);
      expect((await call(app, 'PATCH', `/v1/api-keys/${k.id}`, { token: other.token, body: { name: 'theirs' } })).status).toBe(404);
    });

    it('stops a rotated key early after a confirmation (audited, 401 at once, its successor works); twice or on a plain key is 409; 404 for another user', async () => {
      const dev = await developer();
      const old = await createKey(dev);
      const next = await rotateKey(dev, old.id, '86400');
      const confirm = await dev.agent.get(`/portal/keys/${old.id}/expire`);
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain('Stop the old key now');
      expect(confirm.text).toMatch(/in 2[34] h/);
      expect((await data(old.key)).status).toBe(200);
      expect((await dev.agent.post(`/portal/keys/${old.id}/expire`, {})).status).toBe(403);
      const other = await developer();
      expect((await other.agent.get(`/portal/keys/${old.id}/expire`)).status).toBe(404);
      expect((await other.agent.post(`/portal/keys/${old.id}/expire`, { csrf: other.csrf })).status).toBe(404);
      expect((await data(old.key)).status).toBe(200);
      const done = await dev.agent.post(`/portal/keys/${old.id}/expire`, { csrf: dev.csrf });
      expect(done.status).toBe(303);
      expect(done.location).toBe(`/portal/keys/${old.id}?notice=expired`);
      expect((await dev.agent.get(done.location!)).text).toContain('The old key stopped working now');
      expect((await data(old.key)).status).toBe(401);
      expect((await data(next.key)).status).toBe(200);
      expect(await sql(`SELECT 1 FROM audit_events WHERE type = 'api_key.grace_ended' AND target = $1`, [old.id])).toHaveLength(1);
      expect((await dev.agent.post(`/portal/keys/${old.id}/expire`, { csrf: dev.csrf })).status).toBe(409);
      expect((await dev.agent.get(`/portal/keys/${old.id}/expire`)).status).toBe(409);
      expect((await dev.agent.post(`/portal/keys/${next.id}/expire`, { csrf: dev.csrf })).status).toBe(409);
      // The JSON API: the same action.
      const a = await createKey(dev);
      await rotateKey(dev, a.id, '3600');
      const api = await call(app, 'POST', `/v1/api-keys/${a.id}/expire`, { token: dev.token });
      expect(api.status).toBe(200);
      expect(api.body.status).toBe('expired');
      expect((await call(app, 'POST', `/v1/api-keys/${a.id}/expire`, { token: dev.token })).status).toBe(409);
      expect((await call(app, 'POST', `/v1/api-keys/${a.id}/expire`, { token: other.token })).status).toBe(404);
      expect((await data(a.key)).status).toBe(401);
    });

    it('creates a gth_test_ key when test is chosen; refuses any other environment', async () => {
      const dev = await developer();
      const form = await dev.agent.get('/portal/keys/new');
      expect(form.text).toMatch(/name="environment" value="live"\s+checked/);
      const t = await createKey(dev, { environment: 'test' });
      expect(t.key).toMatch(/^gth_test_[A-Za-z0-9]{40}_[A-Za-z0-9]{6}$/);
      expect((await data(t.key)).status).toBe(200);
      expect((await dev.agent.get(`/portal/keys/${t.id}`)).text).toContain('<dd id="key-environment">test</dd>');
      const bad = await postKey(dev, { environment: 'prod' });
      expect(bad.status).toBe(400);
      expect(fieldErrors(bad.text, 'environment')).toContain('environment must be one of the following values: live, test');
      expect(await keyCount(dev)).toBe(1);
    });
  });

  describe('application secrets and last use', () => {
    it('lists the live secrets with their end, ends the previous one early (confirmation, CSRF, audited), 409 the second time', async () => {
      const dev = await developer();
      const { clientId, secret: first } = await createApp(dev);
      const before = await dev.agent.get(`/portal/apps/${clientId}`);
      expect(before.text).toContain('1 secret works now.');
      expect(before.text).not.toContain('/secret/end-previous');
      expect((await dev.agent.get(`/portal/apps/${clientId}/secret/end-previous`)).status).toBe(409);
      const rot = await dev.agent.post(`/portal/apps/${clientId}/secret/rotate`, { csrf: dev.csrf, grace_period_seconds: '86400' });
      const second = shown((await dev.agent.get(rot.location!)).text, 'client_secret');
      const page = await dev.agent.get(`/portal/apps/${clientId}`);
      expect(page.text).toContain('2 secrets work now.');
      expect(page.text).toContain(`…${first.slice(-4)}`);
      expect(page.text).toContain(`…${second.slice(-4)}`);
      expect(page.text).toMatch(/previous secret: stops working <strong>in 2[34] h<\/strong>/);
      expect(page.text).not.toContain(first);
      const confirm = await dev.agent.get(`/portal/apps/${clientId}/secret/end-previous`);
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain('End the previous secret');
      const other = await developer();
      expect((await other.agent.get(`/portal/apps/${clientId}/secret/end-previous`)).status).toBe(404);
      expect((await other.agent.post(`/portal/apps/${clientId}/secret/end-previous`, { csrf: other.csrf })).status).toBe(404);
      expect((await dev.agent.post(`/portal/apps/${clientId}/secret/end-previous`, { csrf: `${dev.csrf}0` })).status).toBe(403);
      expect((await token(clientId, first)).status).toBe(200);
      const done = await dev.agent.post(`/portal/apps/${clientId}/secret/end-previous`, { csrf: dev.csrf });
      expect(done.status).toBe(303);
      expect(done.location).toBe(`/portal/apps/${clientId}?notice=previous-ended`);
      const after = await dev.agent.get(done.location!);
      expect(after.text).toContain('The previous secret stopped working now');
      expect(after.text).toContain('1 secret works now.');
      expect((await token(clientId, first)).status).toBe(401);
      expect((await token(clientId, second)).status).toBe(200);
      expect(await sql(`SELECT 1 FROM audit_events WHERE type = 'client.previous_secret_ended' AND target = $1`, [clientId])).toHaveLength(1);
      expect((await dev.agent.post(`/portal/apps/${clientId}/secret/end-previous`, { csrf: dev.csrf })).status).toBe(409);
    });

    it('shows when the application last obtained a token (batched: no write per token), on the page and in the JSON API', async () => {
      const dev = await developer();
      const { clientId, secret } = await createApp(dev);
      expect((await dev.agent.get(`/portal/apps/${clientId}`)).text).toMatch(/<dd id="client-last-used"><span class="muted">never<\/span>/);
      for (let i = 0; i < 3; i++) expect((await token(clientId, secret)).status).toBe(200);
      expect((await sql<{ at: Date | null }>(`SELECT last_used_at AS at FROM clients WHERE client_id = $1`, [clientId]))[0].at).toBeNull();
      await app.get(ClientUsageService).flush();
      const at = (await sql<{ at: Date | null }>(`SELECT last_used_at AS at FROM clients WHERE client_id = $1`, [clientId]))[0].at;
      expect(Math.abs(new Date(at!).getTime() - Date.now())).toBeLessThan(60_000);
      expect((await dev.agent.get(`/portal/apps/${clientId}`)).text).toMatch(/<dd id="client-last-used"><time datetime="\d{4}-/);
      const api = await call(app, 'GET', `/v1/clients/${clientId}`, { token: await app.tokenActingFor(dev.id, ['clients:manage']) });
      expect(api.body.last_used_at).toBe(new Date(at!).toISOString());
      // A failed token request is no use.
      expect((await token(clientId, 'gth_cs_wrong')).status).toBe(401);
    });
  });
});
