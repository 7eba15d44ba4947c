import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal.js';
import { ResourceAuthError } from './resource-auth.error.js';

/** The Principal the global guard authenticated: `list(@CurrentPrincipal() p: Principal)`. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw ResourceAuthError.missing('This endpoint needs credentials');
  return principal;
});
