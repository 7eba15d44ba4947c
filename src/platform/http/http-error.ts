import type { FastifyRequest } from 'fastify';
import type { ProblemError } from './problem.js';

/**
 * How an endpoint answers errors: RFC 6749 5.2 JSON on the OAuth endpoints, RFC 9457 problem details
 * on the JSON API, an HTML page on the pages a browser shows.
 */
export type ErrorStyle = 'oauth' | 'problem' | 'page';

/** A finished error response: status, headers and a JSON body (none for a redirect). */
export interface ErrorResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown> | undefined;
}

/**
 * An error that knows its own HTTP shape. A feature's error class implements it, so the exception
 * filter (platform) never imports a feature: it asks the error for its response in the endpoint's
 * style, and renders a returned `ProblemError` as problem details or as a page.
 */
export interface HttpShapedError {
  /** `req` is the request being answered, for what the guard put on it (e.g. the resource's metadata URL). */
  toResponse(style: ErrorStyle, req?: FastifyRequest): ErrorResponse | ProblemError;
}

export function isHttpShaped(error: unknown): error is HttpShapedError {
  return error instanceof Error && typeof (error as Partial<HttpShapedError>).toResponse === 'function';
}

/** RFC 6749 5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E (no '"' or '\'). */
export function safeDescription(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
}

/** An RFC 6749 5.2 error body with the headers every OAuth error carries. */
export function oauthStyleResponse(code: string, description: string, status: number, headers: Record<string, string> = {}): ErrorResponse {
  return {
    status,
    headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
    body: { error: code, error_description: safeDescription(description) },
  };
}

/** A problem raised on an OAuth endpoint, said in RFC 6749 words. */
export function problemInOAuthStyle(error: ProblemError): ErrorResponse {
  if (error.status === 503 || error.status === 429) {
    return oauthStyleResponse(error.status === 503 ? 'server_error' : 'invalid_request', error.detail, error.status, error.headers);
  }
  if (error.status >= 500) return oauthStyleResponse('server_error', 'The authorization server failed; try again', 500);
  return oauthStyleResponse('invalid_request', error.detail, error.status === 404 ? 404 : error.status === 405 ? 405 : 400, error.headers);
}
