import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { BearerStrategy } from './bearer.strategy.js';
import { AUTH_KEY, PUBLIC_KEY, type AuthOptions } from './auth.decorator.js';
import type { Principal } from './principal.js';
import { ResourceAuthError } from './resource-auth.error.js';
import { runStrategy } from './run-strategy.js';
import { SessionAuth } from './session-auth.js';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const HOW = "send the header 'Authorization: Bearer <token>' with a token from POST /oauth2/token";
const HOW_KEY = "send the header 'X-API-Key: <key>'";
/** RFC 9745: the `api_key` query parameter is deprecated since 2026-11-28 (the header form replaces it). */
export const QUERY_KEY_DEPRECATION = '@1795824000';

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
    private readonly apiKey: ApiKeyStrategy,
    private readonly session: SessionAuth,
    @InjectConfig() private readonly config: AppConfig,
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
    const principal = await this.authenticate(req, context.switchToHttp().getResponse<FastifyReply>(), options);
    const missing = options.scopes.filter((s) => !principal.scopes.has(s));
    if (missing.length > 0) throw ResourceAuthError.insufficientScope(options.scopes, principal.scheme === 'apiKey' ? 'ApiKey' : 'Bearer');
    req.principal = { ...principal, ip: req.ip };
    return true;
  }

  private async authenticate(req: FastifyRequest, reply: FastifyReply, options: AuthOptions): Promise<Principal> {
    const query = req.query as Record<string, unknown> | undefined;
    if (query && query.access_token !== undefined) {
      throw ResourceAuthError.badRequest(`Access tokens are not accepted in the URL (they leak into logs); ${HOW}`);
    }
    const authorization = req.headers.authorization;
    const takesKeys = options.schemes.includes('apiKey');
    const takesBearer = options.schemes.includes('bearer');
    const takesSession = options.schemes.includes('session');
    const headerKey = req.headers['x-api-key'];
    const queryKey = query?.api_key;
    if (takesKeys && (headerKey !== undefined || queryKey !== undefined)) {
      // X-API-Key is not Authorization: a shared cache could store the answer for someone else.
      reply.header('Cache-Control', 'no-store');
      if (queryKey !== undefined) {
        reply.header('Deprecation', QUERY_KEY_DEPRECATION);
        reply.header('Link', `<${this.config.publicUrl}/docs#/Data>; rel="deprecation"; type="text/html"`);
      }
      if (headerKey !== undefined && queryKey !== undefined) {
        throw ResourceAuthError.badRequest(`Send the API key once: in the X-API-Key header, not also in the api_key query parameter`, 'ApiKey');
      }
      if (authorization !== undefined) {
        throw ResourceAuthError.badRequest('Send one credential: an API key or an Authorization header, not both', 'ApiKey');
      }
      return this.authenticateKey(headerKey ?? queryKey, headerKey !== undefined ? 'X-API-Key header' : 'api_key query parameter');
    }
    if (takesBearer && authorization !== undefined) {
      const m = BEARER.exec(authorization);
      if (!m) throw ResourceAuthError.malformed(`The Authorization header is malformed: ${HOW}`);
      const outcome = await runStrategy<Principal>(this.bearer, { headers: { authorization: `Bearer ${m[1]}` } });
      if (outcome.ok) return outcome.user;
      throw ResourceAuthError.invalidToken('The access token is not valid; request a new one');
    }
    // The portal session counts only when nothing else was sent: an Authorization header or a key always wins.
    if (takesSession && authorization === undefined && headerKey === undefined && queryKey === undefined && this.session.present(req)) {
      return this.session.authenticate(req, reply);
    }
    if (!takesBearer) throw ResourceAuthError.missing(`No API key was sent: ${HOW_KEY}`, 'ApiKey');
    if (!takesKeys && (headerKey !== undefined || queryKey !== undefined)) {
      throw ResourceAuthError.missing(`This endpoint does not accept API keys: ${HOW}`);
    }
    if (takesSession) throw ResourceAuthError.missing(`No credentials were sent: ${HOW}, or sign in to the portal (session cookie)`);
    throw ResourceAuthError.missing(takesKeys ? `No credentials were sent: ${HOW}, or ${HOW_KEY}` : `No access token was sent: ${HOW}`);
  }

  private async authenticateKey(value: unknown, where: string): Promise<Principal> {
    if (Array.isArray(value)) throw ResourceAuthError.badRequest(`The ${where} was given more than once; send one API key`, 'ApiKey');
    if (typeof value !== 'string' || value.trim() === '') throw ResourceAuthError.malformed(`The ${where} is empty: ${HOW_KEY}`, 'ApiKey');
    const outcome = await runStrategy<Principal>(this.apiKey, { headers: { 'x-api-key': value } });
    if (outcome.ok) return outcome.user;
    throw ResourceAuthError.malformed(`The ${where} could not be read: ${HOW_KEY}`, 'ApiKey');
  }
}
