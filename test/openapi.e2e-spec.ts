import { Validator } from '@seriousme/openapi-schema-validator';
import { REQUIRED_SCOPES_EXTENSION } from '../src/auth/auth.decorator.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden, pkce } from './support/agent.js';
import { authorizeUrl, REDIRECT } from './support/code-flow.js';
import { operationsOf, resolve, responseErrors, schemaErrors, type OpenApiDocument, type Schema } from './support/openapi.js';

interface Res {
  status: number;
  contentType: string | null;
  text: string;
  body: unknown;
  headers: Headers;
}

type Json = Record<string, unknown>;

/**
 * Issue 14, "Contracts": the OpenAPI document at /docs-json is valid OpenAPI 3, declares a schema for
 * every 2xx body, keeps scopes on the oauth2 requirements only, and says what the server really sends:
 * real calls with real credentials (all obtained through the API), each body checked against the
 * schema its operation declares.
 */
describe('the OpenAPI document is valid and true', () => {
  let app: TestApp;
  let doc: OpenApiDocument;
  /** `METHOD /path status` of every checked call. */
  const checked: string[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    doc = (await (await fetch(`${app.url}/docs-json`)).json()) as OpenApiDocument;
  });
  afterAll(() => app.close());

  async function call(
    method: string,
    path: string,
    opts: { bearer?: string; apiKey?: string; json?: unknown; form?: Json; headers?: Json; agent?: Agent } = {},
  ): Promise<Res> {
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string>) };
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
    if (opts.agent?.cookies.size) headers.cookie = [...opts.agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (opts.json !== undefined) [headers['content-type'], body] = ['application/json', JSON.stringify(opts.json)];
    if (opts.form) [headers['content-type'], body] = ['application/x-www-form-urlencoded', new URLSearchParams(opts.form as Record<string, string>).toString()];
    const res = await fetch(`${app.url}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    const contentType = res.headers.get('content-type');
    return { status: res.status, contentType, text, headers: res.headers, body: contentType?.startsWith('application/json') && text ? JSON.parse(text) : text };
  }

  /** Calls an operation (`template` is its path in the document) and checks the answer against the document. */
  async function conforming<T = Json>(expected: number, method: string, template: string, path: string, opts: Parameters<typeof call>[2] = {}): Promise<T> {
    const res = await call(method, path, opts);
    expect({ call: `${method} ${path}`, status: res.status, text: res.status === expected ? '' : res.text.slice(0, 300) }).toEqual({
      call: `${method} ${path}`,
      status: expected,
      text: '',
    });
    expect(responseErrors(doc, method.toLowerCase(), template, res)).toEqual([]);
    checked.push(`${method.toUpperCase()} ${template} ${res.status}`);
    return res.body as T;
  }

  it('validates as OpenAPI 3.0 with a real schema validator', async () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('declares a schema for every 2xx response that has a body (204 has none)', () => {
    const missing: string[] = [];
    let withBody = 0;
    for (const { method, path, op } of operationsOf(doc)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!status.startsWith('2')) continue;
        const where = `${method.toUpperCase()} ${path} ${status}`;
        if (status === '204') {
          if (response.content) missing.push(`${where}: 204 declares content`);
          continue;
        }
        withBody++;
        const media = Object.entries(response.content ?? {});
        if (media.length === 0) missing.push(`${where}: no content`);
        for (const [type, m] of media) if (!m.schema) missing.push(`${where} ${type}: no schema`);
      }
    }
    expect(missing).toEqual([]);
    expect(withBody).toBeGreaterThanOrEqual(28);
  });

  it('puts scopes only on oauth2 requirements, and names them in x-required-scopes for the other schemes', () => {
    const schemes = doc.components?.securitySchemes ?? {};
    const problems: string[] = [];
    for (const { method, path, op } of operationsOf(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      const oauth2Scopes = new Set<string>();
      for (const requirement of [...(doc.security ?? []), ...(op.security ?? [])]) {
        for (const [name, scopes] of Object.entries(requirement)) {
          const type = schemes[name]?.type;
          if (!type) problems.push(`${where}: unknown security scheme ${name}`);
          else if (type === 'oauth2' || type === 'openIdConnect') scopes.forEach((s) => oauth2Scopes.add(s));
          else if (scopes.length > 0) problems.push(`${where}: ${type} scheme ${name} carries scopes ${scopes.join(' ')}`);
        }
      }
      const named = (op[REQUIRED_SCOPES_EXTENSION] as string[] | undefined) ?? [];
      if (JSON.stringify([...oauth2Scopes].sort()) !== JSON.stringify([...named].sort()))
        problems.push(`${where}: oauth2 scopes ${[...oauth2Scopes].join(' ')}, ${REQUIRED_SCOPES_EXTENSION} ${named.join(' ')}`);
    }
    expect(problems).toEqual([]);
  });

  describe('the body checker can fail', () => {
    const user = () => ({
      id: '0b6b1c9e-4f7a-4f43-9d0e-3c2f2f1d6a11',
      email: 'a@example.com',
      display_name: '',
      role: 'developer',
      status: 'active',
      created_at: '2026-01-01T00:00:00.000Z',
    });
    const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

    it('accepts a conforming body, and refuses a wrong type, a missing required property, an undeclared one, a bad enum, format or null', () => {
      expect(schemaErrors(doc, ref('UserResponse'), user())).toEqual([]);
      expect(schemaErrors(doc, ref('UserResponse'), { ...user(), role: 7 })).toContain('$.role: expected string, got number 7');
      const { email: _email, ...noEmail } = user();
      expect(schemaErrors(doc, ref('UserResponse'), noEmail)).toEqual(['$: required property email is missing']);
      expect(schemaErrors(doc, ref('UserResponse'), { ...user(), password_hash: 'x' })).toEqual(['$: property password_hash is not declared in the schema']);
      expect(schemaErrors(doc, ref('UserResponse'), { ...user(), role: 'root' })).toEqual([expect.stringContaining('is not one of')]);
      expect(schemaErrors(doc, ref('UserResponse'), { ...user(), created_at: 'yesterday' })).toEqual(['$.created_at: "yesterday" is not a date-time']);
      expect(schemaErrors(doc, ref('UserResponse'), { ...user(), email: null })).toEqual(['$.email: null, but the schema is not nullable']);
      expect(schemaErrors(doc, ref('UserResponsePage'), { data: [{ ...user(), id: 'nope' }], next_cursor: null })).toEqual([
        '$.data[0].id: "nope" is not a uuid',
      ]);
      expect(schemaErrors(doc, ref('TokenResponseBody'), { access_token: 'a', token_type: 'Bearer', expires_in: 1.5, scope: '' })).toEqual([
        expect.stringContaining('$.expires_in: expected integer'),
      ]);
    });

    it('follows nullable $refs (allOf) and oneOf, and holds an empty object schema to no properties', () => {
      const createdBy = resolve(doc, ref('ClientResponse')).properties!.created_by; // nullable, allOf [$ref]
      expect(schemaErrors(doc, createdBy, null)).toEqual([]);
      expect(schemaErrors(doc, createdBy, { client_id: 'gth_x', name: 'n' })).toEqual([]);
      expect(schemaErrors(doc, createdBy, { client_id: 'gth_x' })).toEqual(['$: required property name is missing']);
      expect(schemaErrors(doc, createdBy, { client_id: 'gth_x', name: 'n', secret: 's' })).toEqual(['$: property secret is not declared in the schema']);
      expect(schemaErrors(doc, ref('IntrospectionResponse'), { active: true, aud: ['a', 'b'] })).toEqual([]);
      expect(schemaErrors(doc, ref('IntrospectionResponse'), { active: true, aud: 3 })).toEqual([expect.stringContaining('$.aud: matches 0 of the 2 oneOf')]);
      const revoke = doc.paths['/oauth2/revoke'].post.responses!['200'].content!['application/json'].schema!;
      expect(schemaErrors(doc, revoke, {})).toEqual([]);
      expect(schemaErrors(doc, revoke, { ok: true })).not.toEqual([]);
    });
  });

  describe('real responses, with real credentials, match the document', () => {
    const s: Record<string, string> = {};
    let adminAgent: Agent;

    it('an admin signs in, registers a client with the session, and gets a token for it', async () => {
      const agent = (adminAgent = new Agent(app.url));
      expect((await agent.signIn(app.config.adminEmail, app.config.adminPassword!)).status).toBe(303);
      const csrf = hidden((await agent.get('/portal')).text, 'csrf');
      const scopes = ['admin', 'profile', 'users:read', 'clients:manage', 'keys:manage', 'data:read', 'data:write'];
      const client = await conforming(201, 'POST', '/v1/clients', '/v1/clients', {
        agent,
        headers: { 'X-CSRF-Token': csrf },
        json: { name: 'Contract admin', scopes },
      });
      const basic = `Basic ${Buffer.from(`${String(client.client_id)}:${String(client.client_secret)}`).toString('base64')}`;
      const token = await conforming(200, 'POST', '/oauth2/token', '/oauth2/token', {
        form: { grant_type: 'client_credentials' },
        headers: { authorization: basic },
      });
      Object.assign(s, { admin: String(token.access_token), adminId: String(client.owner_id) });
    });

    it('health and discovery', async () => {
      await conforming(200, 'GET', '/health/live', '/health/live');
      await conforming(200, 'GET', '/health/ready', '/health/ready');
      await conforming(200, 'GET', '/.well-known/oauth-authorization-server', '/.well-known/oauth-authorization-server');
      await conforming(200, 'GET', '/.well-known/openid-configuration', '/.well-known/openid-configuration');
      await conforming(200, 'GET', '/.well-known/jwks.json', '/.well-known/jwks.json');
      await conforming(200, 'GET', '/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource');
      await conforming(200, 'GET', '/.well-known/oauth-protected-resource/v1', '/.well-known/oauth-protected-resource/v1');
    });

    it('the code flow: consent page, tokens, refresh, /v1/users/me, introspection, revocation', async () => {
      const app2 = await conforming(201, 'POST', '/v1/clients', '/v1/clients', {
        bearer: s.admin,
        json: { name: 'Contract app', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [REDIRECT], scopes: ['profile', 'users:read'] },
      });
      const client = { id: String(app2.client_id), secret: String(app2.client_secret) };
      const agent = adminAgent;
      const { verifier, challenge } = pkce();
      const url = authorizeUrl(client.id, { scope: 'openid profile users:read', code_challenge: challenge, code_challenge_method: 'S256' });
      const consent = await conforming<string>(200, 'GET', '/oauth2/authorize', url, { agent });
      const decided = await agent.post('/oauth2/authorize', {
        csrf: hidden(consent, 'csrf'),
        authz: hidden(consent, 'authz'),
        decision: 'allow',
      });
      const code = new URL(decided.location!).searchParams.get('code')!;
      const exchange = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: client.id, client_secret: client.secret };
      const tokens = await conforming(200, 'POST', '/oauth2/token', '/oauth2/token', { form: { ...exchange, code_verifier: verifier } });
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const refreshed = await conforming(200, 'POST', '/oauth2/token', '/oauth2/token', {
        form: { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token), client_id: client.id, client_secret: client.secret },
      });
      await conforming(302, 'GET', '/oauth2/authorize', url, { agent }); // consent remembered: straight back
      const me = await conforming(200, 'GET', '/v1/users/me', '/v1/users/me', { bearer: String(refreshed.access_token) });
      s.adminUserId = String(me.id);
      expect(tokens.id_token).toEqual(expect.any(String));
      for (const method of ['GET', 'POST']) {
        expect(await conforming(200, method, '/oauth2/userinfo', '/oauth2/userinfo', { bearer: String(refreshed.access_token) })).toMatchObject({ sub: me.id });
      }
      // RP-Initiated Logout with no session: the signed-out page (a new browser, so the admin's session lives on).
      await conforming(200, 'GET', '/oauth2/logout', '/oauth2/logout', { agent: new Agent(app.url) });
      await conforming(200, 'POST', '/oauth2/logout', '/oauth2/logout', { form: { state: 'x' } });
      const auth = { client_id: client.id, client_secret: client.secret };
      expect(
        await conforming(200, 'POST', '/oauth2/introspect', '/oauth2/introspect', { form: { ...auth, token: String(refreshed.access_token) } }),
      ).toMatchObject({ active: true });
      expect(
        await conforming(200, 'POST', '/oauth2/introspect', '/oauth2/introspect', { form: { ...auth, token: String(refreshed.refresh_token) } }),
      ).toMatchObject({ active: true });
      expect(await conforming(200, 'POST', '/oauth2/introspect', '/oauth2/introspect', { form: { ...auth, token: 'not-a-token' } })).toEqual({ active: false });
      expect(await conforming(200, 'POST', '/oauth2/revoke', '/oauth2/revoke', { form: { ...auth, token: String(refreshed.refresh_token) } })).toEqual({});
      s.appClientId = client.id;
    });

    it('client management', async () => {
      const id = s.appClientId;
      await conforming(200, 'GET', '/v1/clients', '/v1/clients?limit=1', { bearer: s.admin });
      await conforming(200, 'GET', '/v1/clients/{clientId}', `/v1/clients/${id}`, { bearer: s.admin });
      await conforming(200, 'PATCH', '/v1/clients/{clientId}', `/v1/clients/${id}`, { bearer: s.admin, json: { name: 'Contract app, renamed' } });
      await conforming(201, 'POST', '/v1/clients/{clientId}/secret/rotate', `/v1/clients/${id}/secret/rotate`, {
        bearer: s.admin,
        json: { grace_period_seconds: 0 },
      });
    });

    it('API keys and the Data API, with the key and with the token', async () => {
      const created = await conforming(201, 'POST', '/v1/api-keys', '/v1/api-keys', {
        bearer: s.admin,
        json: { name: 'contract key', scopes: ['data:read', 'data:write'] },
      });
      await conforming(200, 'GET', '/v1/api-keys', '/v1/api-keys', { bearer: s.admin });
      await conforming(200, 'GET', '/v1/api-keys/{id}', `/v1/api-keys/${String(created.id)}`, { bearer: s.admin });
      const rotated = await conforming(201, 'POST', '/v1/api-keys/{id}/rotate', `/v1/api-keys/${String(created.id)}/rotate`, {
        bearer: s.admin,
        json: { grace_period_seconds: 60 },
      });
      const apiKey = String(rotated.key);
      await conforming(200, 'PATCH', '/v1/api-keys/{id}', `/v1/api-keys/${String(created.id)}`, { bearer: s.admin, json: { name: 'contract key, renamed' } });
      await conforming(200, 'POST', '/v1/api-keys/{id}/expire', `/v1/api-keys/${String(created.id)}/expire`, { bearer: s.admin });
      const record = await conforming(201, 'POST', '/v1/data', '/v1/data', { apiKey, json: { data: { room: 'lab', readings: [21.5, 22], ok: true } } });
      await conforming(200, 'GET', '/v1/data', '/v1/data', { apiKey });
      await conforming(200, 'GET', '/v1/data', '/v1/data?limit=1', { bearer: s.admin });
      await conforming(200, 'GET', '/v1/data/{id}', `/v1/data/${String(record.id)}`, { apiKey });
      await conforming(204, 'DELETE', '/v1/data/{id}', `/v1/data/${String(record.id)}`, { apiKey });
      await conforming(204, 'DELETE', '/v1/api-keys/{id}', `/v1/api-keys/${String(created.id)}`, { bearer: s.admin });
      s.keyId = String(rotated.id);
    });

    it('the user directory', async () => {
      await conforming(200, 'GET', '/v1/users', '/v1/users', { bearer: s.admin });
      await conforming(200, 'GET', '/v1/users/{id}', `/v1/users/${s.adminUserId}`, { bearer: s.admin });
    });

    it('the admin API', async () => {
      const dev = await app.createUser();
      await conforming(200, 'GET', '/v1/admin/users', '/v1/admin/users?limit=2', { bearer: s.admin });
      await conforming(200, 'PATCH', '/v1/admin/users/{id}', `/v1/admin/users/${dev.id}`, { bearer: s.admin, json: { status: 'disabled' } });
      await conforming(204, 'POST', '/v1/admin/users/{id}/unlock', `/v1/admin/users/${dev.id}/unlock`, { bearer: s.admin });
      await conforming(200, 'GET', '/v1/admin/clients', '/v1/admin/clients', { bearer: s.admin });
      await conforming(200, 'PATCH', '/v1/admin/clients/{clientId}', `/v1/admin/clients/${s.appClientId}`, {
        bearer: s.admin,
        json: { directory_access: true, resource_server: true },
      });
      await conforming(200, 'GET', '/v1/admin/api-keys', '/v1/admin/api-keys', { bearer: s.admin });
      await conforming(204, 'DELETE', '/v1/admin/api-keys/{id}', `/v1/admin/api-keys/${s.keyId}`, { bearer: s.admin });
      await conforming(200, 'GET', '/v1/admin/audit-events', '/v1/admin/audit-events?limit=100', { bearer: s.admin });
      await conforming(204, 'DELETE', '/v1/admin/clients/{clientId}', `/v1/admin/clients/${s.appClientId}`, { bearer: s.admin });
    });

    it('checked at least 30 real answers, among them every operation that answers 2xx with a body', () => {
      expect(checked.length).toBeGreaterThanOrEqual(30);
      const declared = operationsOf(doc).flatMap(({ method, path, op }) =>
        Object.entries(op.responses ?? {})
          .filter(([status, r]) => status.startsWith('2') && r.content)
          .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
      );
      expect(declared.filter((d) => !checked.includes(d))).toEqual([]);
    });
  });
});
