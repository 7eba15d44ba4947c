import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse, ApiQuery, ApiSecurity, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Scope } from './scopes.js';

/**
 * The credential schemes, each an `Authenticator` of the module that owns it: `bearer` (oauth),
 * `apiKey` (api-keys), `session`: the portal's cookie on the management API (sessions, with its CSRF
 * header rules), `portal`: the same cookie on the portal's own pages (CSRF by form field).
 */
export type AuthScheme = 'bearer' | 'apiKey' | 'session' | 'portal';

export interface AuthOptions {
  /** Accepted schemes, in the order they are tried. */
  schemes: AuthScheme[];
  /** Every one of these scopes is required. */
  scopes: Scope[];
  /** A role the caller's user must hold, checked by the registered `RoleCheck` after the scopes. */
  role?: 'admin';
  /** A browser page: without a valid credential the browser is sent to sign in (303) instead of a 401. */
  page?: boolean;
  /** For a page's form (POST): where sign-in comes back to (a GET page); plain sign-in when absent. */
  returnTo?: string;
  /** A rate limit counted per credential, by the registered `RateLimiter` of this policy name. */
  rateLimit?: 'api-key';
}

export const AUTH_KEY = 'gatehouse:auth';
export const PUBLIC_KEY = 'gatehouse:public';

/**
 * Names of the security schemes in the OpenAPI document: one per OAuth2 flow (Swagger UI shows each
 * as its own form, authorized on its own), a pasted Bearer token, and the API key header. The
 * deprecated `api_key` query parameter is a documented (deprecated) parameter of the API-key routes,
 * and the portal session, which Swagger UI cannot send, is the `x-gatehouse-session` extension.
 */
export const SECURITY = {
  bearer: 'bearer',
  oauth2Code: 'oauth2-authorization-code',
  oauth2ClientCredentials: 'oauth2-client-credentials',
  apiKey: 'apiKey',
} as const;
/** OpenAPI extension on operations that also take the portal session cookie. */
export const SESSION_EXTENSION = 'x-gatehouse-session';
/**
 * OpenAPI extension listing the scopes an operation needs. OpenAPI 3.0 lets only the oauth2
 * requirements carry scopes (bearer and apiKey list `[]`), so a reader of those schemes finds them here.
 */
export const REQUIRED_SCOPES_EXTENSION = 'x-required-scopes';

/**
 * States a route's authentication in one place, and the matching OpenAPI security, so the docs
 * cannot drift from the guard: `@Auth({ schemes: ['bearer', 'apiKey'], scopes: ['data:read'] })`.
 */
export function Auth(options: AuthOptions): MethodDecorator & ClassDecorator {
  // Swagger's decorators keep state per instance: each route the returned decorator is applied to
  // gets decorators built for it alone, so `const auth = Auth(...)` may be shared by several routes.
  return ((target: object, key?: string | symbol, descriptor?: TypedPropertyDescriptor<unknown>) => {
    const apply = applyDecorators(...authDecorators(options)) as (t: object, k?: string | symbol, d?: TypedPropertyDescriptor<unknown>) => void;
    apply(target, key, descriptor);
  }) as MethodDecorator & ClassDecorator;
}

function authDecorators(options: AuthOptions): (MethodDecorator & ClassDecorator)[] {
  const decorators: (MethodDecorator & ClassDecorator)[] = [SetMetadata(AUTH_KEY, options)];
  // OpenAPI 3.0: a requirement lists scopes only for oauth2 (and openIdConnect) schemes, [] otherwise.
  if (options.schemes.includes('bearer')) {
    decorators.push(
      ApiSecurity(SECURITY.bearer, []),
      ApiSecurity(SECURITY.oauth2Code, options.scopes),
      ApiSecurity(SECURITY.oauth2ClientCredentials, options.scopes),
    );
  }
  if (options.schemes.includes('apiKey')) {
    decorators.push(
      ApiSecurity(SECURITY.apiKey, []),
      ApiQuery({
        name: 'api_key',
        required: false,
        deprecated: true,
        schema: { type: 'string' },
        description: 'Deprecated: the API key as a query parameter (it leaks into logs and histories); send the X-API-Key header instead',
      }),
    );
  }
  if (options.scopes.length > 0) decorators.push(ApiExtension(REQUIRED_SCOPES_EXTENSION, [...options.scopes]));
  if (options.schemes.includes('session')) {
    decorators.push(ApiExtension(SESSION_EXTENSION, { csrf_header: 'X-CSRF-Token', scopes: options.scopes }));
  }
  if (options.rateLimit) {
    decorators.push(ApiTooManyRequestsResponse({ description: 'Too many requests with this API key in the current minute (problem details, Retry-After)' }));
  }
  decorators.push(
    ApiUnauthorizedResponse({ description: 'Missing, malformed, expired or revoked credentials (RFC 6750 `WWW-Authenticate` challenge)' }),
    ApiForbiddenResponse({
      description: `The credential lacks a scope (${options.scopes.join(' ') || 'none needed'}), or may not make this request (the body says why)`,
    }),
  );
  return decorators;
}

/** A signed-in portal page: the portal session, or a redirect to sign in (and back). */
export const SignedInPage = (): MethodDecorator & ClassDecorator => Auth({ schemes: ['portal'], scopes: [], page: true });
/** A portal page for admins: signed in (or sent to sign in), and the admin role (or a 403 page). */
export const AdminPage = (returnTo?: string): MethodDecorator & ClassDecorator =>
  Auth({ schemes: ['portal'], scopes: [], page: true, role: 'admin', ...(returnTo ? { returnTo } : {}) });

/** An open route: no credentials needed. Everything else is closed by the global guard. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
