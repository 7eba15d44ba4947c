import * as oidc from 'openid-client';
import { startTestApp, type TestApp } from './support/app.js';
import { Agent, hidden } from './support/agent.js';
import { REDIRECT, type FlowClient } from './support/code-flow.js';

const SIGNED_OUT = 'https://app.example/signed-out';

/**
 * The whole OpenID Connect code flow as openid-client 6 (panva's certified relying party library)
 * does it: discovery, PKCE, nonce and state, the ID token checked by the library (signature over
 * the JWKS, iss, aud, exp, nonce, auth_time against max_age, at_hash), UserInfo with the sub check,
 * a refresh, and the RP-Initiated Logout URL it builds, followed by the browser.
 */
describe('interop: openid-client 6 as the relying party', () => {
  let app: TestApp;
  let rp: FlowClient;
  let config: oidc.Configuration;
  let user: { id: string; email: string; password: string };

  beforeAll(async () => {
    app = await startTestApp();
    rp = await app.createClient({
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [SIGNED_OUT],
      scopes: ['profile', 'email'],
    });
    user = await app.createUser();
    await app.running.db.dataSource.query(`UPDATE users SET display_name = 'Grace Hopper' WHERE id = $1`, [user.id]);
    // Plain HTTP on loopback in tests: openid-client refuses it unless told.
    config = await oidc.discovery(new URL(app.url), rp.clientId, rp.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  });
  afterAll(() => app.close());

  /** The browser's part: sign-in and consent over HTTP, up to the redirect back to the relying party. */
  async function browse(agent: Agent, url: URL): Promise<URL> {
    let res = await agent.get(url.href);
    if (res.location?.startsWith('/portal/signin')) {
      const page = await agent.get(res.location);
      const post = await agent.post('/portal/signin', {
        email: user.email,
        password: user.password,
        csrf: hidden(page.text, 'csrf'),
        return_to: hidden(page.text, 'return_to'),
      });
      res = await agent.get(post.location!);
    }
    if (res.status === 200 && res.text.includes('name="decision"')) {
      res = await agent.post('/oauth2/authorize', { csrf: hidden(res.text, 'csrf'), authz: hidden(res.text, 'authz'), decision: 'allow' });
    }
    if (!res.location) throw new Error(`no redirect: ${res.status} ${res.text.slice(0, 300)}`);
    return new URL(res.location);
  }

  it('discovers the provider: endpoints and algorithms as openid-client reads them', () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(app.url);
    expect(meta.userinfo_endpoint).toBe(`${app.url}/oauth2/userinfo`);
    expect(meta.end_session_endpoint).toBe(`${app.url}/oauth2/logout`);
    expect(meta.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
    expect(meta.supportsPKCE()).toBe(true);
  });

  it('signs in, validates the ID token, reads UserInfo, refreshes and logs out', async () => {
    const agent = new Agent(app.url);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      max_age: '600',
    });
    const back = await browse(agent, url);

    const tokens = await oidc.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, maxAge: 600 });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: app.url, sub: user.id, aud: rp.clientId, nonce, name: 'Grace Hopper', email: user.email, email_verified: false });
    expect(typeof claims.auth_time).toBe('number');
    expect(typeof claims.sid).toBe('string');

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: user.id, name: 'Grace Hopper', email: user.email, email_verified: false });
    // The library refuses UserInfo for another subject (the token substitution check).
    await expect(oidc.fetchUserInfo(config, tokens.access_token, 'someone-else')).rejects.toThrow();

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const renewed = refreshed.claims()!;
    expect(renewed).toMatchObject({ sub: claims.sub, aud: rp.clientId, auth_time: claims.auth_time, sid: claims.sid });
    expect(renewed.nonce).toBeUndefined();

    const logout = oidc.buildEndSessionUrl(config, { id_token_hint: refreshed.id_token!, post_logout_redirect_uri: SIGNED_OUT, state: 'bye' });
    expect(logout.origin + logout.pathname).toBe(`${app.url}/oauth2/logout`);
    const res = await agent.get(logout.href);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`${SIGNED_OUT}?state=bye`);
    expect((await agent.get('/portal')).status).toBe(303);
  });

  it('silent re-authentication with prompt=none after the logout answers login_required, which openid-client surfaces', async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      prompt: 'none',
      state: 's',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const res = await new Agent(app.url).get(url.href);
    const back = new URL(res.location!);
    await expect(oidc.authorizationCodeGrant(config, back, { expectedState: 's', pkceCodeVerifier: 'x'.repeat(43) })).rejects.toMatchObject({
      error: 'login_required',
    });
  });
});
