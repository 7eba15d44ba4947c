import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RoleCheck } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { ProblemError } from '../platform/http/problem.js';
import { CallerService } from './caller.service.js';

/**
 * `@Auth({ role: 'admin' })`: the user the credential acts for (the token's user, the owner of a
 * client acting for itself, the session's user) must be an active admin now, not when the token was
 * issued. On a page, the session the guard admitted already holds that user. CallerService's refusals (a client with no owner, a disabled user) come through as they are.
 */
@Injectable()
export class CallerRoleCheck implements RoleCheck {
  constructor(private readonly callers: CallerService) {}

  require(req: FastifyRequest, principal: Principal, role: string, page: boolean): void | Promise<void> {
    // A page admitted with the portal session already holds its user, loaded and checked active now.
    const session = req.portalSession;
    if (session && session.user.id === principal.userId) return refuseUnless(session.user.role === role, role, page);
    return this.callers.of(principal).then((caller) => refuseUnless(caller.role === role, role, page));
  }
}

function refuseUnless(allowed: boolean, role: string, page: boolean): void {
  if (allowed) return;
  throw ProblemError.forbidden(
    page
      ? 'Administrators only: this part of the portal is for administrators, and your account is a developer account.'
      : `Only ${role} users may use this endpoint`,
  );
}
