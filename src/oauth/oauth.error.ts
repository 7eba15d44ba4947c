import { type ErrorResponse, type ErrorStyle, type HttpShapedError, oauthStyleResponse, safeDescription } from '../platform/http/http-error.js';
import { ProblemCode, ProblemError } from '../platform/http/problem.js';

export { safeDescription };

/**
 * RFC 6749 5.2 errors of the token, revocation and introspection endpoints. One factory per error
 * code; the exception filter turns them into `{ error, error_description }` with the right status
 * and headers, so no handler builds an error body by hand.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  | 'server_error'
  | 'temporarily_unavailable';

export class OAuthError extends Error implements HttpShapedError {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  /** RFC 6749 5.2 JSON on the OAuth endpoints; elsewhere (a page, the JSON API) a problem. */
  toResponse(style: ErrorStyle): ErrorResponse | ProblemError {
    if (style === 'oauth') return oauthStyleResponse(this.code, this.description, this.status, this.headers);
    return new ProblemError(this.status === 401 ? ProblemCode.Unauthorized : ProblemCode.BadRequest, this.description, undefined, this.headers);
  }

  static invalidRequest(description: string): OAuthError {
    return new OAuthError('invalid_request', description);
  }

  /** 401; with `WWW-Authenticate: Basic` when the client tried HTTP Basic (RFC 6749 5.2). */
  static invalidClient(description: string, usedBasic: boolean): OAuthError {
    return new OAuthError('invalid_client', description, 401, usedBasic ? { 'WWW-Authenticate': 'Basic realm="gatehouse", charset="UTF-8"' } : {});
  }

  static invalidGrant(description: string): OAuthError {
    return new OAuthError('invalid_grant', description);
  }

  static unauthorizedClient(description: string): OAuthError {
    return new OAuthError('unauthorized_client', description);
  }

  static unsupportedGrantType(description: string): OAuthError {
    return new OAuthError('unsupported_grant_type', description);
  }

  static invalidScope(description: string): OAuthError {
    return new OAuthError('invalid_scope', description);
  }

  static unsupportedTokenType(description: string): OAuthError {
    return new OAuthError('unsupported_token_type', description);
  }
}
