import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';

/** oauth4webapi's own ESM build (no dependencies), as a browser loads it from a CDN. */
const OAUTH4WEBAPI = readFileSync(createRequire(import.meta.url).resolve('oauth4webapi'), 'utf8');

export interface SpaSettings {
  /** Gatehouse's PUBLIC_URL: the issuer. */
  issuer: string;
  /** The access tokens' audience: the resource identifier of the /v1 API. */
  resource: string;
  clientId: string;
  scope: string;
}

/**
 * A single-page app as a browser runs it, on its own origin: every step is done by oauth4webapi in
 * the page and written to `window.spa` (and, across the redirect, sessionStorage) for the test to read.
 * `/` discovers (RFC 8414, RFC 9728 via the challenge), reads the key set, and links to the
 * authorization request; `/cb` validates the answer, exchanges the code, calls the API, refreshes,
 * revokes, and checks the revoked token no longer works.
 */
function script(s: SpaSettings): string {
  return `
import * as oauth from '/oauth4webapi.js';
const settings = ${JSON.stringify(s)};
const insecure = { [oauth.allowInsecureRequests]: true };
const client = { client_id: settings.clientId };
const redirectUri = location.origin + '/cb';
const issuer = new URL(settings.issuer);
const saved = JSON.parse(sessionStorage.getItem('spa') ?? '{}');
const spa = (window.spa = { steps: saved.steps ?? {}, done: false, error: undefined });
const step = (name, value) => { spa.steps[name] = value; };
const oidc = settings.scope.split(' ').includes('openid');

async function discover() {
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: oidc ? 'oidc' : 'oauth2', ...insecure }));
  return as;
}

async function start() {
  const as = await discover();
  step('discovery', { issuer: as.issuer, token_endpoint: as.token_endpoint, authorization_endpoint: as.authorization_endpoint });
  const jwks = await (await fetch(as.jwks_uri)).json();
  step('jwks', { kids: jwks.keys.map((k) => k.kid), kty: jwks.keys.map((k) => k.kty) });
  // A 401 from the API names its metadata (RFC 9728 5.1); the document names the authorization server.
  const unauthenticated = await fetch(settings.resource + '/users/me');
  const challenge = unauthenticated.headers.get('www-authenticate') ?? '';
  step('challenge', { status: unauthenticated.status, resource_metadata: /resource_metadata="([^"]+)"/.exec(challenge)?.[1] ?? null });
  const rs = await oauth.processResourceDiscoveryResponse(new URL(settings.resource), await oauth.resourceDiscoveryRequest(new URL(settings.resource), insecure));
  step('resource', { resource: rs.resource, authorization_servers: rs.authorization_servers, bearer_methods_supported: rs.bearer_methods_supported });
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oidc ? oauth.generateRandomNonce() : undefined;
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, scope: settings.scope, state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    ...(nonce ? { nonce } : {}),
  }).toString();
  sessionStorage.setItem('spa', JSON.stringify({ steps: spa.steps, verifier, state, nonce }));
  const link = document.createElement('a');
  link.id = 'sign-in';
  link.href = url.href;
  link.textContent = 'Sign in with Gatehouse';
  document.body.append(link);
}

async function me(accessToken) {
  const res = await fetch(settings.resource + '/users/me', { headers: { authorization: 'Bearer ' + accessToken } });
  return { status: res.status, body: res.status === 200 ? await res.json() : null };
}

async function callback() {
  const as = await discover();
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), saved.state);
  const tokens = await oauth.processAuthorizationCodeResponse(
    as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, saved.verifier, insecure),
    oidc ? { expectedNonce: saved.nonce, requireIdToken: true } : undefined);
  if (oidc) {
    // oauth4webapi checked iss, aud, exp, iat, nonce and the alg against the discovery document.
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    step('id_token', { sub: claims.sub, nonce: claims.nonce === saved.nonce, azp: claims.azp });
    const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, tokens.access_token, insecure));
    step('userinfo', { sub: info.sub, email: info.email ?? null, name: info.name ?? null });
  }
  step('exchange', { token_type: tokens.token_type, scope: tokens.scope, refresh: typeof tokens.refresh_token === 'string' });
  step('api', await me(tokens.access_token));
  const refreshed = await oauth.processRefreshTokenResponse(
    as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, insecure));
  step('refresh', { rotated: refreshed.refresh_token !== tokens.refresh_token, api: (await me(refreshed.access_token)).status });
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token, insecure));
  let after;
  try {
    await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshed.refresh_token, insecure));
    after = 'refreshed';
  } catch (err) {
    after = err.error ?? String(err);
  }
  step('revoke', { refreshAfter: after, apiAfter: (await me(refreshed.access_token)).status });
}

(location.pathname === '/cb' ? callback() : start())
  .catch((err) => { spa.error = (err && (err.code || err.error || err.message)) + ': ' + String(err && (err.error_description || err.message)); })
  .finally(() => { spa.done = true; });
`;
}

const page = (title: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><script type="module" src="/app.js"></script></head><body><h1>${title}</h1></body></html>`;

/** Serves the app on 127.0.0.1:`port`: `/` and `/cb` (the page), `/app.js`, `/oauth4webapi.js`. */
export async function startSpa(port: number, settings: SpaSettings): Promise<Server> {
  const app = script(settings);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/app.js' || path === '/oauth4webapi.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(path === '/app.js' ? app : OAUTH4WEBAPI);
    } else if (path === '/' || path === '/cb') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Photo SPA'));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
