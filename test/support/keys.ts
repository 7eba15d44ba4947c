import { randomUUID } from 'node:crypto';
import { AccessTokenService } from '../../src/oauth/access-token.service.js';
import { Grant } from '../../src/oauth/store/grant.entity.js';
import type { TestApp } from './app.js';

/**
 * An access token of a user, as the authorization code flow issues it: a grant (the `gid` family)
 * recorded for a client of the user's, then a token of that grant. The browser and code-flow suites
 * go through the real pages; these suites only need a valid user token.
 */
export async function userToken(app: TestApp, userId: string, scopes: string[]): Promise<string> {
  const client = await app.createClient({
    type: 'public',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: ['http://127.0.0.1:9/cb'],
    scopes,
  });
  const gid = randomUUID();
  await app.running.db.dataSource.getRepository(Grant).insert({ id: gid, userId, clientPk: client.id, scopes, expiresAt: new Date(Date.now() + 86400_000) });
  return app.get(AccessTokenService).issue({ sub: userId, clientId: client.clientId, scope: scopes, gid }).token;
}

export interface Call {
  token?: string;
  key?: string;
  queryKey?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(
  app: TestApp,
  method: string,
  path: string,
  c: Call = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> & { data?: unknown } }> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  if (c.key !== undefined) headers['x-api-key'] = c.key;
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  const url = c.queryKey === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(c.queryKey)}`;
  const res = await fetch(`${app.url}${url}`, { method, headers, body: c.body === undefined ? undefined : JSON.stringify(c.body) });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { raw: text };
  }
  return { status: res.status, headers: res.headers, body };
}

/** A user with a keys:manage token, and a helper to create keys for them. */
export async function keyOwner(app: TestApp, role: 'admin' | 'developer' = 'developer') {
  const user = await app.createUser({ role });
  const token = await userToken(app, user.id, ['keys:manage', 'data:read', 'data:write', ...(role === 'admin' ? ['admin'] : [])]);
  const createKey = async (body: Record<string, unknown> = {}) => {
    const res = await call(app, 'POST', '/v1/api-keys', { token, body: { name: 'test key', scopes: ['data:read', 'data:write'], ...body } });
    if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; key: string; [k: string]: unknown };
  };
  return { user, token, createKey };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
