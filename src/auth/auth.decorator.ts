import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Scope } from './scopes.js';

/** `session`: the portal's `gh_session` cookie (management routes only; see session-auth.ts for its CSRF rules). */
export type AuthScheme = 'bearer' | 'apiKey' | 'session';

export interface AuthOptions {
  /** Accepted schemes, in the order they are tried. */
  schemes: AuthScheme[];
  /** Every one of these scopes is required. */
  scopes: Scope[];
}

export const AUTH_KEY = 'gatehouse:auth';
export const PUBLIC_KEY = 'gatehouse:public';

/** Names of the security schemes in the OpenAPI document. */
export const SECURITY = { bearer: 'bearer', oauth2: 'oauth2', apiKeyHeader: 'apiKey', apiKeyQuery: 'apiKeyQuery', session: 'session' } as const;

/**
 * States a route's authentication in one place, and the matching OpenAPI security, so the docs
 * cannot drift from the guard: `@Auth({ schemes: ['bearer', 'apiKey'], scopes: ['data:read'] })`.
 */
export function Auth(options: AuthOptions): MethodDecorator & ClassDecorator {
  const decorators: (MethodDecorator & ClassDecorator)[] = [SetMetadata(AUTH_KEY, options)];
  if (options.schemes.includes('bearer')) {
    decorators.push(ApiSecurity(SECURITY.bearer, options.scopes), ApiSecurity(SECURITY.oauth2, options.scopes));
  }
  if (options.schemes.includes('apiKey')) {
    decorators.push(ApiSecurity(SECURITY.apiKeyHeader, options.scopes), ApiSecurity(SECURITY.apiKeyQuery, options.scopes));
  }
  if (options.schemes.includes('session')) decorators.push(ApiSecurity(SECURITY.session, options.scopes));
  decorators.push(
    ApiUnauthorizedResponse({ description: 'Missing, malformed, expired or revoked credentials (RFC 6750 `WWW-Authenticate` challenge)' }),
    ApiForbiddenResponse({
      description: `The credential lacks a scope (${options.scopes.join(' ') || 'none needed'}), or may not make this request (the body says why)`,
    }),
  );
  return applyDecorators(...decorators);
}

/** An open route: no credentials needed. Everything else is closed by the global guard. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
