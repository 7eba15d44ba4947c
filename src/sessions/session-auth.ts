import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../platform/http/problem.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { SessionsService, type ActiveSession } from './sessions.service.js';
import type { User } from '../users/user.entity.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { ResourceAuthError } from '../auth/resource-auth.error.js';

/** What the portal session may do on the API: manage one's own clients and keys. Never `admin`. */
export const SESSION_SCOPES: readonly string[] = ['clients:manage', 'keys:manage'];
/** Unsafe methods with the session cookie must repeat the session's CSRF token in this header. */
export const CSRF_HEADER = 'X-CSRF-Token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The Principal of a signed-in portal user: acts for that user, with the session's scopes only. */
export function sessionPrincipal(user: Pick<User, 'id'>, ip?: string): Principal {
  return { kind: 'user', subject: user.id, userId: user.id, clientId: undefined, scopes: new Set(SESSION_SCOPES), scheme: 'session', ip };
}

/**
 * The portal session (`gh_session` cookie, `__Host-gh_session` over HTTPS) as a credential of the management API. A cookie is sent
 * by the browser on its own, so it must not open CSRF:
 * - a request from another site is refused (`Sec-Fetch-Site: cross-site` or `same-site`, or an
 *   `Origin` other than PUBLIC_URL's), whatever its method;
 * - POST, PUT, PATCH and DELETE must carry `X-CSRF-Token` equal to the session's CSRF token, which a
 *   page of another origin cannot read: it is in the portal's forms, and in the `X-CSRF-Token`
 *   response header of every request authenticated by the session (same-origin scripts only: no CORS);
 * - the cookie itself is HttpOnly and SameSite=Lax.
 * It is the weak `session` scheme of `@Auth()`: the guard uses it only when no Authorization header
 * and no API key were sent.
 */
@Injectable()
export class SessionAuth implements Authenticator {
  readonly scheme = 'session';
  readonly weak = true;
  readonly challenge = undefined;
  readonly noun = 'portal session';
  readonly how = 'sign in to the portal (session cookie)';
  private readonly origin: string;

  constructor(
    private readonly sessions: SessionsService,
    @InjectConfig() config: AppConfig,
  ) {
    this.origin = new URL(config.publicUrl).origin;
  }

  /** True when the request carries a well-formed session cookie (valid or not). */
  present(req: FastifyRequest): boolean {
    return this.sessions.cookieSent(req);
  }

  async authenticate(req: FastifyRequest, reply: FastifyReply): Promise<Principal> {
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') {
      throw ProblemError.forbidden('The portal session is not accepted on requests from another site; send Authorization: Bearer <token> instead');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== this.origin) {
      throw ProblemError.forbidden(`The portal session is accepted only on requests from ${this.origin}; send Authorization: Bearer <token> instead`);
    }
    const active = await this.sessions.current(req);
    if (!active) {
      throw ResourceAuthError.invalidToken(
        "The portal session has expired or was signed out: sign in again at /portal/signin, or send the header 'Authorization: Bearer <token>'",
      );
    }
    if (UNSAFE.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !this.sessions.csrfValid(req, sent, active, false)) {
        throw ProblemError.forbidden(
          `With the portal session, ${req.method} needs the header ${CSRF_HEADER} set to the session's CSRF token (returned in the ${CSRF_HEADER} header of any GET made with the session)`,
        );
      }
    }
    // Answers vary with the cookie: never stored by a shared cache.
    void reply.header(CSRF_HEADER, active.session.csrfSecret).header('Cache-Control', 'no-store').header('Vary', 'Cookie');
    return sessionPrincipal(active.user, req.ip);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The portal session a signed-in page was admitted with (set by the guard, `@SignedInPage()`). */
    portalSession?: ActiveSession;
  }
}

/**
 * The weak `portal` scheme of `@Auth()`: the session cookie on the portal's own pages
 * (`@SignedInPage()`, `@AdminPage()`). No header CSRF rule here: pages are reached by navigation, even
 * from another site, and their forms carry the CSRF token as a field (PortalPages.forForm checks it).
 * The guard sends the browser to sign in when it is missing or no longer valid.
 */
@Injectable()
export class PortalSessionAuth implements Authenticator {
  readonly scheme = 'portal';
  readonly weak = true;
  readonly challenge = undefined;
  readonly noun = 'portal session';
  readonly how = 'sign in to the portal';

  constructor(private readonly sessions: SessionsService) {}

  present(req: FastifyRequest): boolean {
    return this.sessions.cookieSent(req);
  }

  async authenticate(req: FastifyRequest): Promise<Principal> {
    const active = await this.sessions.current(req);
    if (!active) throw ResourceAuthError.invalidToken('The portal session has expired or was signed out: sign in again at /portal/signin');
    req.portalSession = active;
    return sessionPrincipal(active.user, req.ip);
  }
}
