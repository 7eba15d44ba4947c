import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthScheme } from './auth.decorator.js';
import type { Principal } from './principal.js';

/**
 * One credential scheme, as the global guard sees it. The module that owns the credential implements
 * it (oauth: Bearer tokens, api-keys: API keys, sessions: the portal cookie) and registers the class
 * through `AuthModule.forRoot({ authenticators })`; the guard walks the schemes a route declares in
 * `@Auth()` and never imports a feature. See CONTRIBUTING.md, "A credential scheme".
 */
export interface Authenticator {
  /** The name routes use in `@Auth({ schemes: [...] })`. */
  readonly scheme: AuthScheme;
  /**
   * A weak credential is one a browser sends on its own (a cookie): it counts only when no strong
   * credential of any scheme was sent, so an Authorization header or a key always wins.
   */
  readonly weak: boolean;
  /** The `WWW-Authenticate` scheme of its RFC 6750 errors (`Bearer`, `ApiKey`); none for a cookie. */
  readonly challenge: 'Bearer' | 'ApiKey' | undefined;
  /** What the credential is called in error messages ("access token", "API key"). */
  readonly noun: string;
  /** How to send it, for the 401 that says what was missing ("send the header 'X-API-Key: <key>'"). */
  readonly how: string;
  /** True when the request carries this credential (valid or not). Cheap: called on every request. */
  present(req: FastifyRequest): boolean;
  /**
   * The Principal, synchronously when the answer is in memory (the hot path), a promise when it needs
   * I/O; throws `ResourceAuthError` (or `ProblemError`) when the credential is refused.
   */
  authenticate(req: FastifyRequest, reply: FastifyReply): Principal | Promise<Principal>;
}

/** The injection token of every registered Authenticator (an array), like `GRANT_HANDLERS` for grants. */
export const AUTHENTICATORS = Symbol('AUTHENTICATORS');

/**
 * Whether the caller's user holds a role (`@Auth({ role })`): the module that owns users and their
 * credentials implements it. Throws the refusal itself (a `ProblemError` 403, worded for a page when
 * `page` is true), so the reasons it knows (a disabled user, a client with no owner) reach the caller.
 */
export interface RoleCheck {
  require(req: FastifyRequest, principal: Principal, role: string, page: boolean): void | Promise<void>;
}
export const ROLE_CHECK = Symbol('ROLE_CHECK');

/** A per-credential rate limit (`@Auth({ rateLimit })`); throws a 429 `ProblemError` past the limit. */
export interface RateLimiter {
  /** The policy name routes use in `@Auth({ rateLimit: ... })`. */
  readonly policy: string;
  /** Counts the request; synchronous (and free) when the limit is off or does not apply to this credential. */
  consume(principal: Principal, reply: FastifyReply): void | Promise<void>;
}
export const RATE_LIMITERS = Symbol('RATE_LIMITERS');
