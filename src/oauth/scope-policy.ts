import { parseScope } from '../auth/scopes.js';
import { OAuthError } from './oauth.error.js';

/**
 * The scopes a token gets: the requested ones, each of which must be allowed; all allowed ones when
 * none is requested (RFC 6749 3.3 lets the server choose a default; least privilege is then up to
 * the client's registration).
 */
export function resolveScope(requested: string | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) {
    if (allowed.length === 0) throw OAuthError.invalidScope('This client is allowed no scopes; ask its owner to add the scopes it needs');
    return [...allowed];
  }
  const scopes = parseScope(requested);
  if (!scopes) throw OAuthError.invalidScope('The scope parameter is malformed: scopes are separated by single spaces');
  const refused = scopes.filter((s) => !allowed.includes(s));
  if (refused.length > 0) {
    throw OAuthError.invalidScope(`This client is not allowed the scope ${refused.join(' ')}; it may request: ${allowed.join(' ') || '(none)'}`);
  }
  return scopes;
}
