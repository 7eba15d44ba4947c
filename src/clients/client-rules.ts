import { isKnownScope } from '../auth/scopes.js';
import type { FieldError } from '../platform/http/problem.js';
import { APPLICATION_TYPES, GRANT_TYPES, type ClientType, type GrantType } from './client.entity.js';

/**
 * Rules for a new OAuth client, as pure functions returning the problem in words (or undefined), so
 * the management API can apply the same ones. RFC 9700 2.1 and RFC 8252 7.3 for redirect URIs.
 */
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const MAX_URI_LENGTH = 2000;

/** Whitespace and control characters, which the URL parser would silently strip or encode (C0, space, DEL, C1, Unicode spaces). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
const HIDDEN = /[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/;

export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > MAX_URI_LENGTH) return `redirect URI is longer than ${MAX_URI_LENGTH} characters`;
  if (HIDDEN.test(uri)) return `redirect URI ${JSON.stringify(uri)} has a space, tab, line break or other control character: remove it`;
  if (uri.includes('*')) return `redirect URI "${uri}" has a wildcard: register each exact URI`;
  if (uri.includes('#')) return `redirect URI "${uri}" has a fragment (#), which RFC 6749 3.1.2 forbids`;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return `redirect URI "${uri}" is not an absolute URI`;
  }
  if (u.protocol === 'http:') {
    if (!LOOPBACK.has(u.hostname)) return `redirect URI "${uri}" uses http: only loopback (127.0.0.1, [::1], localhost) may; use https`;
  } else if (u.protocol !== 'https:') {
    return `redirect URI "${uri}" must use https (or http on loopback), not ${u.protocol}`;
  }
  if (u.username || u.password) return `redirect URI "${uri}" must not carry a user name or password`;
  return undefined;
}

export function grantsProblem(type: ClientType, grants: readonly string[]): string | undefined {
  const unknown = grants.filter((g) => !(GRANT_TYPES as readonly string[]).includes(g));
  if (unknown.length) return `unknown grant type ${unknown.join(', ')}: use ${GRANT_TYPES.join(', ')}`;
  if (grants.length === 0) return 'at least one grant type is needed';
  if (type === 'public' && grants.includes('client_credentials')) return 'a public client has no secret, so it cannot use client_credentials';
  if (grants.includes('refresh_token') && !grants.includes('authorization_code')) return 'refresh_token is only issued with authorization_code: add it';
  return undefined;
}

export function scopesProblem(scopes: readonly string[]): string | undefined {
  const unknown = scopes.filter((s) => !isKnownScope(s));
  if (unknown.length) return `unknown scope ${unknown.join(', ')}`;
  if (scopes.length === 0) return 'at least one scope is needed';
  return undefined;
}

/** The code flow needs somewhere to send the user back. */
export function redirectUrisProblem(grants: readonly GrantType[], uris: readonly string[]): string | undefined {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) return problem;
  }
  if (grants.includes('authorization_code') && uris.length === 0) return 'authorization_code needs at least one redirect URI';
  return undefined;
}

/** `native` (loopback redirect URIs on any port, RFC 8252 7.3) is for public clients only: a native app cannot keep a secret. */
export function applicationTypeProblem(type: ClientType, applicationType: string): string | undefined {
  if (!(APPLICATION_TYPES as readonly string[]).includes(applicationType))
    return `unknown application type ${applicationType}: use ${APPLICATION_TYPES.join(' or ')}`;
  if (applicationType === 'native' && type !== 'public') return 'only a public client can be a native app (a native app cannot keep a client secret)';
  return undefined;
}

/** A client's home page (shown as a link on the sign-in and consent pages): the scheme and host rules of a redirect URI; a fragment may stay. */
export function homepageUrlProblem(url: string): string | undefined {
  if (url.length > MAX_URI_LENGTH) return `homepage URL is longer than ${MAX_URI_LENGTH} characters`;
  if (HIDDEN.test(url)) return 'homepage URL has a space, tab, line break or other control character: remove it';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `homepage URL "${url}" is not an absolute URL`;
  }
  if (u.protocol === 'http:') {
    if (!LOOPBACK.has(u.hostname)) return `homepage URL "${url}" uses http: only localhost, 127.0.0.1 and [::1] may; use https`;
  } else if (u.protocol !== 'https:') {
    return `homepage URL "${url}" must use https (or http on localhost), not ${u.protocol}`;
  }
  if (u.username || u.password) return `homepage URL "${url}" must not carry a user name or password`;
  return undefined;
}

/** A resource server introspects with its secret: a public client has none (and anyone could act as it). */
export function resourceServerProblem(type: ClientType): string | undefined {
  if (type !== 'confidential')
    return 'only a confidential client can be a resource server: introspection needs the client secret, which a public client does not have';
  return undefined;
}

/** OpenID Connect RP-Initiated Logout's post_logout_redirect_uris: the rules of redirect URIs. */
export function postLogoutUrisProblem(uris: readonly string[]): string | undefined {
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) return `post-logout ${problem}`;
  }
  return undefined;
}

/**
 * Every rule problem of a client's settings at once, by field (the management API throws them as one
 * validation problem; the portal shows them next to each field, with the DTO's own at the same time).
 */
export function clientRuleErrors(
  role: string,
  kind: { type: ClientType; applicationType: string },
  grants: readonly string[],
  scopes: readonly string[],
  uris: readonly string[],
  logoutUris: readonly string[],
  homepageUrl?: string | null,
): FieldError[] {
  const errors: FieldError[] = [];
  const a = applicationTypeProblem(kind.type, kind.applicationType);
  if (a) errors.push({ field: 'application_type', message: a });
  const g = grantsProblem(kind.type, grants);
  if (g) errors.push({ field: 'grant_types', message: g });
  const s = scopesProblem(scopes);
  if (s) errors.push({ field: 'scopes', message: s });
  if (scopes.includes('admin') && role !== 'admin') errors.push({ field: 'scopes', message: 'only admin users may register clients with the admin scope' });
  const r = redirectUrisProblem(grants as GrantType[], uris);
  if (r) errors.push({ field: 'redirect_uris', message: r });
  const p = postLogoutUrisProblem(logoutUris);
  if (p) errors.push({ field: 'post_logout_redirect_uris', message: p });
  const h = homepageUrl ? homepageUrlProblem(homepageUrl) : undefined;
  if (h) errors.push({ field: 'homepage_url', message: h });
  return errors;
}
