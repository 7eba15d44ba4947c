import { randomUUID } from 'node:crypto';
import { AccessTokenService } from '../../src/oauth/access-token.service.js';
import type { TestApp } from './app.js';

/**
 * An access token of a user, as the authorization code flow will issue it (a `gid` marks a user
 * grant). Minted straight through the service until that flow lands.
 */
export function userToken(app: TestApp, userId: string, scopes: string[]): string {
  return app.get(AccessTokenService).issue({ sub: userId, clientId: 'test-code-client', scope: scopes, gid: randomUUID() }).token;
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
  const token = userToken(app, user.id, ['keys:manage', 'data:read', 'data:write', ...(role === 'admin' ? ['admin'] : [])]);
  const createKey = async (body: Record<string, unknown> = {}) => {
    const res = await call(app, 'POST', '/v1/api-keys', { token, body: { name: 'test key', scopes: ['data:read', 'data:write'], ...body } });
    if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; key: string; [k: string]: unknown };
  };
  return { user, token, createKey };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
