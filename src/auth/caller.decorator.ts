import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal.js';
import { ResourceAuthError } from './resource-auth.error.js';

/**
 * The one way a handler reads who is calling: `list(@Caller() caller: Principal)`, the Principal the
 * guard admitted (its scheme, user, client, scopes; the address for the audit trail). The user a
 * management request acts for, with their role now, is `CallerService.of(caller)` (clients).
 */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw ResourceAuthError.missing('This endpoint needs credentials');
  return principal;
});
