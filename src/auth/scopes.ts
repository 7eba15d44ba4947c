/**
 * Every scope Gatehouse knows, with the words the consent page and Swagger UI show. A new scope is
 * added here (and to the clients allowed to request it).
 */
export const SCOPES = {
  openid: 'Sign you in to the application with your Gatehouse account (it learns your user id)',
  'users:read': 'Read the list of users of the platform',
  'data:read': 'Read your data records',
  'data:write': 'Create and delete your data records',
  profile: 'See your name, email address and role',
  email: 'See your email address',
  'clients:manage': 'Create, change and delete your OAuth applications',
  'keys:manage': 'Create, rotate and revoke your API keys',
  admin: 'Administer Gatehouse: all users, clients, keys and the audit log',
} as const;

export type Scope = keyof typeof SCOPES;

/**
 * OpenID Connect scopes: `openid` asks for an ID token and UserInfo; any client allowed the
 * authorization code flow may ask for it (as Keycloak does). `email` is allowed like any other scope.
 */
export const OIDC_SCOPE = 'openid';

export const ALL_SCOPES = Object.keys(SCOPES) as Scope[];

export function isKnownScope(s: string): s is Scope {
  return Object.prototype.hasOwnProperty.call(SCOPES, s);
}

/** RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Splits a scope parameter; undefined when its grammar is wrong. Duplicates are folded. */
export function parseScope(value: string): string[] | undefined {
  const parts = value.split(' ');
  if (parts.some((p) => !SCOPE_TOKEN.test(p))) return undefined;
  return [...new Set(parts)];
}
