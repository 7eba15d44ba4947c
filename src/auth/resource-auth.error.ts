import type { FastifyRequest } from 'fastify';
import { type ErrorResponse, type ErrorStyle, type HttpShapedError, safeDescription } from '../platform/http/http-error.js';

/**
 * RFC 6750 section 3 errors of protected resources. The status, the `WWW-Authenticate` challenge and
 * the JSON body are all built here, from one place.
 */
export type ResourceErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export class ResourceAuthError extends Error implements HttpShapedError {
  constructor(
    readonly status: 400 | 401 | 403,
    readonly code: ResourceErrorCode,
    readonly description: string,
    /** RFC 6750: when the request had no credentials at all, the challenge carries no error code. */
    readonly withErrorInChallenge: boolean,
    readonly scope?: string,
    readonly scheme: 'Bearer' | 'ApiKey' = 'Bearer',
  ) {
    super(description);
    this.name = 'ResourceAuthError';
  }

  /** No credentials at all. */
  static missing(description: string, scheme: 'Bearer' | 'ApiKey' = 'Bearer'): ResourceAuthError {
    return new ResourceAuthError(401, 'invalid_request', description, false, undefined, scheme);
  }

  /** Credentials of an unsupported form, e.g. `Authorization: Basic ...` or a token with spaces. */
  static malformed(description: string, scheme: 'Bearer' | 'ApiKey' = 'Bearer'): ResourceAuthError {
    return new ResourceAuthError(401, 'invalid_request', description, true, undefined, scheme);
  }

  /** Several credentials, or a token where one must not be sent (RFC 6750 2: one method only). */
  static badRequest(description: string, scheme: 'Bearer' | 'ApiKey' = 'Bearer'): ResourceAuthError {
    return new ResourceAuthError(400, 'invalid_request', description, true, undefined, scheme);
  }

  /** Two credentials on one request (RFC 6750 2: one method only): the one wording every scheme uses. */
  static twoCredentials(first: string, second: string, scheme: 'Bearer' | 'ApiKey' = 'Bearer'): ResourceAuthError {
    return ResourceAuthError.badRequest(`Send one credential: ${article(first)} and ${article(second)} were both sent`, scheme);
  }

  static invalidToken(description: string, scheme: 'Bearer' | 'ApiKey' = 'Bearer'): ResourceAuthError {
    return new ResourceAuthError(401, 'invalid_token', description, true, undefined, scheme);
  }

  static insufficientScope(required: readonly string[], scheme: 'Bearer' | 'ApiKey' = 'Bearer'): ResourceAuthError {
    const scope = required.join(' ');
    return new ResourceAuthError(
      403,
      'insufficient_scope',
      `This request needs the scope '${scope}', which the credential was not granted`,
      true,
      scope,
      scheme,
    );
  }

  /** The same RFC 6750 answer on every endpoint: status, challenge, JSON body. */
  toResponse(_style?: ErrorStyle, req?: FastifyRequest): ErrorResponse {
    return {
      status: this.status,
      headers: { 'WWW-Authenticate': this.challenge(req?.resourceMetadata), 'Cache-Control': 'no-store' },
      body: { error: this.code, error_description: this.description },
    };
  }

  /** With `resourceMetadata` (RFC 9728 5.1, the protected resource's metadata URL) on a Bearer challenge. */
  challenge(resourceMetadata?: string): string {
    const parts = [`realm="gatehouse"`];
    if (this.withErrorInChallenge) {
      parts.push(`error="${this.code}"`, `error_description="${safeDescription(this.description)}"`);
      if (this.scope) parts.push(`scope="${this.scope}"`);
    }
    if (resourceMetadata !== undefined && this.scheme === 'Bearer') parts.push(`resource_metadata="${safeDescription(resourceMetadata)}"`);
    return `${this.scheme} ${parts.join(', ')}`;
  }
}

function article(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
