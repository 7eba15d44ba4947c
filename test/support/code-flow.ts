import { postForm, type TestApp } from './app.js';
import { Agent, hidden, pkce } from './agent.js';

export const REDIRECT = 'https://app.example/cb';

export interface FlowClient {
  clientId: string;
  clientSecret: string | undefined;
  id: string;
}

/** A confidential client of the code flow (with refresh), for the HTTP suites. */
export function codeClient(app: TestApp, extra: Parameters<TestApp['createClient']>[0] = {}): Promise<FlowClient> {
  return app.createClient({
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: [REDIRECT],
    scopes: ['profile', 'data:read', 'users:read'],
    ...extra,
  });
}

export function authorizeUrl(clientId: string, params: Record<string, string> = {}): string {
  return `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, state: 'st', ...params }).toString()}`;
}

/**
 * Signs in (if needed), consents, and returns the redirect back to the client (a URL) with the
 * verifier used. `params` override the authorization request.
 */
export async function authorize(
  agent: Agent,
  clientId: string,
  params: Record<string, string> = {},
): Promise<{ location: URL; verifier: string; status: number }> {
  const { verifier, challenge } = pkce();
  const path = authorizeUrl(clientId, { code_challenge: challenge, code_challenge_method: 'S256', ...params });
  let res = await agent.get(path);
  if (res.status === 200 && res.text.includes('name="decision"')) {
    res = await agent.post('/oauth2/authorize', { csrf: hidden(res.text, 'csrf'), authz: hidden(res.text, 'authz'), decision: 'allow' });
  }
  if (!res.location || (res.status !== 302 && res.status !== 303)) throw new Error(`authorize answered ${res.status}: ${res.text.slice(0, 400)}`);
  return { location: new URL(res.location, agent.base), verifier, status: res.status };
}

/** A signed-in agent for a new user. */
export async function signedIn(app: TestApp, role: 'admin' | 'developer' = 'developer'): Promise<{ agent: Agent; user: { id: string; email: string } }> {
  const user = await app.createUser({ role });
  const agent = new Agent(app.url);
  const res = await agent.signIn(user.email, user.password);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return { agent, user };
}

/** Code -> tokens at the token endpoint (client_secret_post). */
export function exchange(app: TestApp, client: FlowClient, code: string, verifier: string | undefined, extra: Record<string, string> = {}) {
  return postForm(`${app.url}/oauth2/token`, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT,
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    ...(verifier ? { code_verifier: verifier } : {}),
    ...extra,
  });
}

/** Signs in, consents, exchanges: the tokens of one fresh grant. */
export async function tokensFor(app: TestApp, client: FlowClient, agent?: Agent, params: Record<string, string> = {}) {
  const a = agent ?? (await signedIn(app)).agent;
  const { location, verifier } = await authorize(a, client.clientId, params);
  const res = await exchange(app, client, location.searchParams.get('code')!, verifier);
  if (res.status !== 200) throw new Error(`exchange answered ${res.status} ${JSON.stringify(res.body)}`);
  return { access: String(res.body.access_token), refresh: String(res.body.refresh_token), body: res.body, agent: a };
}

export function refresh(app: TestApp, client: FlowClient, token: string, extra: Record<string, string> = {}) {
  return postForm(`${app.url}/oauth2/token`, {
    grant_type: 'refresh_token',
    refresh_token: token,
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    ...extra,
  });
}

export function me(app: TestApp, access: string): Promise<Response> {
  return fetch(`${app.url}/v1/users/me`, { headers: { Authorization: `Bearer ${access}` } });
}
