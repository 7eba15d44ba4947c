import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { ActingUser } from '../clients/caller.service.js';
import { ProblemError } from '../platform/http/problem.js';
import { SessionsService, type ActiveSession } from '../sessions/sessions.service.js';
import { sessionPrincipal } from '../sessions/session-auth.js';
import type { SafeHtml } from '../platform/html/html.js';
import { sessionNav, type NavItem } from './nav.js';
import { FORM_EXPIRED, PAGE_CSP, PAGE_CSP_WITH_SCRIPT, sendErrorPage, sendPage } from '../platform/html/page.js';
import { readForm } from './portal-form.js';

/** The signed-in user of a portal page, and what the management services need to act for them. */
export interface PortalContext {
  active: ActiveSession;
  csrf: string;
  /** For ClientManagementService. */
  caller: ActingUser;
  /** For ApiKeysService: the session's user, as a user principal (the same owner checks as a user's token). */
  principal: Principal;
}

export const CSRF_FAILED = FORM_EXPIRED;

/**
 * What every signed-in portal page does first: find the session (or send the browser to sign in),
 * and for a POST read the form strictly and check its CSRF token before anything else.
 */
/**
 * The session the guard admitted a `@SignedInPage()` / `@AdminPage()` route with. A route that reads
 * it without that decorator fails loudly here (500) rather than serving a page to nobody in particular.
 */
export function signedIn(req: FastifyRequest): ActiveSession {
  const active = req.portalSession;
  if (!active) throw new Error(`${req.method} ${req.routeOptions.url ?? req.url} reads the portal session but is not declared @SignedInPage()`);
  return active;
}

@Injectable()
export class PortalPages {
  constructor(private readonly sessions: SessionsService) {}

  /** The context of a page declared `@SignedInPage()` (the guard found the session, or sent the browser to sign in). */
  forPage(req: FastifyRequest, reply: FastifyReply): PortalContext {
    return this.context(req, reply, signedIn(req));
  }

  /**
   * The context and fields of a form POSTed to a `@SignedInPage()` route; undefined when the answer was
   * already sent: 400 for a malformed form, 403 for a missing or wrong CSRF token.
   */
  forForm<S extends string, M extends string = never>(
    req: FastifyRequest,
    reply: FastifyReply,
    single: readonly S[],
    multi: readonly M[] = [],
  ): { ctx: PortalContext; one: Record<S, string | undefined>; many: Record<M, string[]> } | undefined {
    const form = readForm<S | 'csrf', M>(req, [...single, 'csrf'], multi);
    if (!form.ok) {
      sendErrorPage(reply, 400, 'This form is not valid', `${form.message} Go back and try again.`);
      return undefined;
    }
    const active = signedIn(req);
    if (!this.sessions.csrfValid(req, form.one.csrf, active, false)) {
      sendErrorPage(reply, 403, 'This form has expired', CSRF_FAILED);
      return undefined;
    }
    return { ctx: this.context(req, reply, active), one: form.one, many: form.many };
  }

  /** A signed-in page: with the nav, wide. */
  send(reply: FastifyReply, ctx: PortalContext, status: number, title: string, body: SafeHtml, opts: { current?: NavItem; copyScript?: boolean } = {}): void {
    // Portal forms post only to this origin (the consent page, whose POST redirects to a client, is not sent from here).
    const csp = `${opts.copyScript ? PAGE_CSP_WITH_SCRIPT : PAGE_CSP}; form-action 'self'`;
    sendPage(
      reply,
      status,
      title,
      body,
      { 'Content-Security-Policy': csp },
      { nav: sessionNav(ctx.active.user, ctx.csrf, opts.current), copyScript: opts.copyScript },
    );
  }

  /** A management error (404 for another owner's id, 409 for a key already rotated, ...) as a page with the nav. */
  fail(reply: FastifyReply, ctx: PortalContext, err: unknown): void {
    if (!(err instanceof ProblemError) || err.status >= 500) throw err;
    const title = err.status === 404 ? 'Not found' : 'This cannot be done';
    sendErrorPage(reply, err.status, title, err.detail, err.headers, { nav: sessionNav(ctx.active.user, ctx.csrf) });
  }

  private context(req: FastifyRequest, reply: FastifyReply, active: ActiveSession): PortalContext {
    const user = active.user;
    return {
      active,
      csrf: this.sessions.csrfToken(req, reply, active),
      caller: { userId: user.id, role: user.role, ip: req.ip },
      principal: sessionPrincipal(user, req.ip),
    };
  }
}
