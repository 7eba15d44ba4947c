import { decodePart } from './support/jwt.js';
import { hidden } from './support/agent.js';
import { eventually, startTestApp, type TestApp } from './support/app.js';
import { authorizeUrl, codeClient, signedIn, tokensFor } from './support/code-flow.js';
import { call } from './support/keys.js';

type Json = Record<string, unknown>;

/** Issue 12, "visible": where each key and application came from, in the portal, the consent page, the admin API and console, and the audit trail. */
describe('credential lineage: visible', () => {
  let app: TestApp;
  let adminToken: string;
  let adminAgent: Awaited<ReturnType<typeof signedIn>>['agent'];
  beforeAll(async () => {
    app = await startTestApp();
    const admin = await signedIn(app, 'admin');
    adminAgent = admin.agent;
    adminToken = await app.tokenActingFor(admin.user.id, ['admin']);
  });
  afterAll(() => app.close());

  /** A user who let "Reporting service" manage keys and applications; the app made one of each. */
  async function delegatedWithChildren() {
    const vendor = await app.createUser();
    const client = await codeClient(app, { name: 'Reporting service', ownerId: vendor.id, scopes: ['keys:manage', 'clients:manage', 'data:read'] });
    const t = await tokensFor(app, client, undefined, { scope: 'keys:manage clients:manage data:read' });
    const key = await call(app, 'POST', '/v1/api-keys', { token: t.access, body: { name: 'Nightly <b>report</b>', scopes: ['data:read'] } });
    const made = await call(app, 'POST', '/v1/clients', { token: t.access, body: { name: 'Export job', scopes: ['data:read'] } });
    expect([key.status, made.status]).toEqual([201, 201]);
    return { client, ...t, key: key.body as Json, made: made.body as Json, gid: String(decodePart(t.access, 1).gid) };
  }

  it('the consent page says in plain words what an app with keys:manage or clients:manage can create', async () => {
    const client = await codeClient(app, { name: 'Reporting service', scopes: ['keys:manage', 'clients:manage', 'data:read'] });
    const { agent } = await signedIn(app);
    const page = (
      await agent.get(
        authorizeUrl(client.clientId, { scope: 'keys:manage clients:manage data:read', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }),
      )
    ).text;
    expect(page).toContain('will be able to create API keys and applications in your name, with at most the permissions listed here');
    expect(page).toContain('<code>data:read</code> on your data');
    expect(page).toMatch(/they stop working as soon as you withdraw this\s+permission/);
    const none = (await agent.get(authorizeUrl(client.clientId, { scope: 'data:read', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }))).text;
    expect(none).not.toContain('id="delegation"');
  });

  it('the API shows the origin of keys and applications; the portal pages say it in words', async () => {
    const t = await delegatedWithChildren();
    const day = new Date().toISOString().slice(0, 10);
    const by = { client_id: t.client.clientId, name: 'Reporting service' };
    expect(t.key).toMatchObject({ created_via: 'grant', created_by: by, parent_grant_id: t.gid });
    expect(t.made).toMatchObject({ created_via: 'grant', created_by: by, parent_grant_id: t.gid });
    const keyPage = (await t.agent.get(`/portal/keys/${String(t.key.id)}`)).text;
    expect(keyPage).toMatch(new RegExp(`created by <strong>Reporting service</strong> <code class="muted">${t.client.clientId}</code> on your behalf, ${day}`));
    expect(keyPage).toContain('Nightly &lt;b&gt;report&lt;/b&gt;');
    const appPage = (await t.agent.get(`/portal/apps/${String(t.made.client_id)}`)).text;
    expect(appPage).toContain('created by <strong>Reporting service</strong>');
    expect((await t.agent.get('/portal/keys')).text).toContain('on your behalf');
  });

  it('Connected apps lists what each app created, and Withdraw says what it will stop; afterwards the list is empty', async () => {
    const t = await delegatedWithChildren();
    const page = (await t.agent.get('/portal/connected-apps')).text;
    expect(page).toContain(`<a href="/portal/keys/${String(t.key.id)}">Nightly &lt;b&gt;report&lt;/b&gt;</a>`);
    expect(page).toContain(`<a href="/portal/apps/${String(t.made.client_id)}">Export job</a>`);
    expect(page).toContain('Stops its access and the 1 API key and 1 application it created.');
    const csrf = hidden(page, 'csrf');
    expect((await t.agent.post(`/portal/connected-apps/${t.client.clientId}/revoke`, { csrf })).status).toBe(303);
    expect((await t.agent.get('/portal/connected-apps')).text).not.toContain('Reporting service');
  });

  it('the admin API and console show the same origin', async () => {
    const t = await delegatedWithChildren();
    const keys = await call(app, 'GET', `/v1/admin/api-keys?owner_id=${String(t.key.owner_id)}`, { token: adminToken });
    expect((keys.body.data as Json[])[0]).toMatchObject({ id: t.key.id, created_via: 'grant', created_by: { name: 'Reporting service' } });
    const clients = await call(app, 'GET', `/v1/admin/clients?q=${String(t.made.client_id)}`, { token: adminToken });
    expect((clients.body.data as Json[])[0]).toMatchObject({ created_via: 'grant', created_by: { client_id: t.client.clientId } });
    const onBehalf = /created by <strong>Reporting service<\/strong> .* on the owner(&#39;|&#x27;)s behalf/;
    expect((await adminAgent.get('/portal/admin/keys')).text).toMatch(onBehalf);
    expect((await adminAgent.get('/portal/admin/clients')).text).toMatch(onBehalf);
  });

  it('audit events carry the lineage: creation names the consent, withdrawal names what it stopped', async () => {
    const t = await delegatedWithChildren();
    const event = async (type: string, target: string) => {
      let found: Json | undefined;
      await eventually(async () => {
        const res = await call(app, 'GET', `/v1/admin/audit-events?limit=100&type=${type}`, { token: adminToken });
        found = (res.body.data as Json[]).find((e) => e.target === target);
        return found !== undefined;
      }, 5000);
      return found!;
    };
    expect(await event('api_key.created', String(t.key.id))).toMatchObject({
      actor_client_id: t.client.clientId,
      details: { created_via: 'grant', parent_grant_id: t.gid },
    });
    expect(await event('client.created', String(t.made.client_id))).toMatchObject({ details: { created_via: 'grant', parent_grant_id: t.gid } });
    const csrf = hidden((await t.agent.get('/portal/connected-apps')).text, 'csrf');
    await t.agent.post(`/portal/connected-apps/${t.client.clientId}/revoke`, { csrf });
    expect(await event('oauth.consent_withdrawn', t.client.clientId)).toMatchObject({
      details: { stopped_keys: [t.key.id], stopped_clients: [t.made.client_id] },
    });
  });
});
