import { SigningKeysService } from '../src/oauth/signing-keys.service.js';
import { postForm, startTestApp, type TestApp } from './support/app.js';
import { codeClient, me, tokensFor, type FlowClient } from './support/code-flow.js';
import { decodePart, signEs256 } from './support/jwt.js';

/**
 * Verified access tokens are cached until their exp (issue 8): only the signature check is skipped.
 * Every token here is used first, so that its verification is cached, then must still be refused
 * as soon as it is revoked, its grant withdrawn, or its exp passed.
 */
describe('cached verification of access tokens', () => {
  let app: TestApp;
  let client: FlowClient;

  beforeAll(async () => {
    app = await startTestApp();
    client = await codeClient(app);
  });
  afterAll(() => app.close());

  const users = (token: string) => fetch(`${app.url}/v1/users?limit=1`, { headers: { Authorization: `Bearer ${token}` } });
  const auth = { client_id: () => client.clientId, client_secret: () => client.clientSecret! };
  const revoke = (token: string) => postForm(`${app.url}/oauth2/revoke`, { client_id: auth.client_id(), client_secret: auth.client_secret(), token });

  it('refuses a used (cached) access token as soon as it is revoked', async () => {
    const t = await tokensFor(app, client);
    for (let i = 0; i < 3; i++) expect((await me(app, t.access)).status).toBe(200);
    expect((await revoke(t.access)).status).toBe(200);
    const res = await me(app, t.access);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses a used (cached) access token as soon as its refresh token (its grant) is revoked', async () => {
    const t = await tokensFor(app, client);
    expect((await users(t.access)).status).toBe(200);
    expect((await revoke(t.refresh)).status).toBe(200);
    expect((await users(t.access)).status).toBe(401);
  });

  it('refuses a used (cached) token once its exp has passed: caching never extends a lifetime', async () => {
    const valid = await tokensFor(app, client);
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...decodePart(valid.access, 1), iat: now, exp: now + 2, jti: `short-${now}` };
    const short = signEs256(app.get(SigningKeysService).current().privateKey, decodePart(valid.access, 0), claims);
    expect((await users(short)).status).toBe(200);
    // jsonwebtoken allows 5 s of clock skew after exp; past that, the cached entry must not answer either.
    await new Promise((r) => setTimeout(r, (now + 2 + 6) * 1000 - Date.now()));
    const res = await users(short);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error_description: string }).error_description).toMatch(/expired/);
  }, 20_000);

  it('still refuses a token that differs from a cached one by one character', async () => {
    const t = await tokensFor(app, client);
    expect((await users(t.access)).status).toBe(200);
    // The signature's first character (all 6 of its bits are signature bits).
    const [h, p, sig] = t.access.split('.');
    const altered = `${h}.${p}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    expect((await users(altered)).status).toBe(401);
  });
});
