import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { BearerStrategy } from './bearer.strategy.js';
import { AUTH_KEY, PUBLIC_KEY, type AuthOptions } from './auth.decorator.js';
import type { Principal } from './principal.js';
import { ResourceAuthError } from './resource-auth.error.js';
import { runStrategy } from './run-strategy.js';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const HOW = "send the header 'Authorization: Bearer <token>' with a token from POST /oauth2/token";

/**
 * The global guard: secure by default. A route is open only with `@Public()`; otherwise `@Auth()`
 * names its schemes and scopes, and a route with neither is refused (and fails the route test).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const options = this.reflector.getAllAndOverride<AuthOptions>(AUTH_KEY, targets);
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!options) {
      this.logger.error(`route ${req.method} ${req.routeOptions.url} has neither @Public() nor @Auth(); refusing`);
      throw ResourceAuthError.missing('This endpoint is not open to any credential');
    }
    const principal = await this.authenticate(req, options);
    const missing = options.scopes.filter((s) => !principal.scopes.has(s));
    if (missing.length > 0) throw ResourceAuthError.insufficientScope(options.scopes, principal.scheme === 'apiKey' ? 'ApiKey' : 'Bearer');
    req.principal = principal;
    return true;
  }

  private async authenticate(req: FastifyRequest, options: AuthOptions): Promise<Principal> {
    const query = req.query as Record<string, unknown> | undefined;
    if (query && query.access_token !== undefined) {
      throw ResourceAuthError.badRequest(`Access tokens are not accepted in the URL (they leak into logs); ${HOW}`);
    }
    const authorization = req.headers.authorization;
    if (options.schemes.includes('bearer') && authorization !== undefined) {
      const m = BEARER.exec(authorization);
      if (!m) throw ResourceAuthError.malformed(`The Authorization header is malformed: ${HOW}`);
      const outcome = await runStrategy<Principal>(this.bearer, { headers: { authorization: `Bearer ${m[1]}` } });
      if (outcome.ok) return outcome.user;
      throw ResourceAuthError.invalidToken('The access token is not valid; request a new one');
    }
    throw ResourceAuthError.missing(`No access token was sent: ${HOW}`);
  }
}
