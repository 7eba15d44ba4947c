import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { ApiKeyStrategy } from '../api-keys/api-key.strategy.js';
import { BearerStrategy } from '../oauth/bearer.strategy.js';
import { AUTH_KEY, PUBLIC_KEY, type AuthOptions } from './auth.decorator.js';
import { RequestPrincipal, type Principal } from './principal.js';
import { ResourceAuthError } from './resource-auth.error.js';
import { SessionAuth } from '../sessions/session-auth.js';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const HOW = "send the header 'Authorization: Bearer <token>' with a token from POST /oauth2/token";
const HOW_KEY = "send the header 'X-API-Key: <key>'";
/** RFC 9745: the `api_key` query parameter is deprecated since 2026-11-28 (the header form replaces it). */
export const QUERY_KEY_DEPRECATION = '@1795824000';

/** What the decorators say about one handler: read once through the Reflector, then kept (metadata is fixed at startup). */
type RouteAuth = { public: true } | { public: false; options: AuthOptions | undefined };

/**
 * The global guard: secure by default. A route is open only with `@Public()`; otherwise `@Auth()`
 * names its schemes and scopes, and a route with neither is refused (and fails the route test).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);
  /** Per controller class, per handler: the Reflector's answer (a metadata walk per request otherwise). */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteAuth>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly bearer: BearerStrategy,
    private readonly apiKey: ApiKeyStrategy,
    private readonly session: SessionAuth,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Synchronous when the credential is answered from memory (the hot path); a promise when it needs I/O. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.routeAuth(context);
    if (route.public) return true;
    const options = route.options;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!options) {
      this.logger.error(`route ${req.method} ${req.routeOptions.url} has neither @Public() nor @Auth(); refusing`);
      throw ResourceAuthError.missing('This endpoint is not open to any credential');
    }
    const principal = this.authenticate(req, context.switchToHttp().getResponse<FastifyReply>(), options);
    return principal instanceof Promise ? principal.then((p) => admit(req, options, p)) : admit(req, options, principal);
  }

  private routeAuth(context: ExecutionContext): RouteAuth {
    const handler = context.getHandler();
    const controller = context.getClass();
    let handlers = this.routes.get(controller);
    if (!handlers) this.routes.set(controller, (handlers = new WeakMap()));
    let route = handlers.get(handler);
    if (!route) {
      const targets = [handler, controller];
      route = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)
        ? { public: true }
        : { public: false, options: this.reflector.getAllAndOverride<AuthOptions>(AUTH_KEY, targets) };
      handlers.set(handler, route);
    }
    return route;
  }

  private authenticate(req: FastifyRequest, reply: FastifyReply, options: AuthOptions): Principal | Promise<Principal> {
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
      // The hot path: a token checked in full within the last second, sent exactly as before.
      const known = authorization.startsWith('Bearer ') ? this.bearer.known(authorization.slice(7)) : undefined;
      if (known) return known;
      const m = BEARER.exec(authorization);
      if (!m) throw ResourceAuthError.malformed(`The Authorization header is malformed: ${HOW}`);
      // The strategy's own verify step (what passport-http-bearer would call with this token), without
      // passport's per-request machinery; its errors (ResourceAuthError) propagate as they are.
      return orRefuse(this.bearer.validate(m[1]), () => ResourceAuthError.invalidToken('The access token is not valid; request a new one'));
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

  private authenticateKey(value: unknown, where: string): Principal | Promise<Principal> {
    if (Array.isArray(value)) throw ResourceAuthError.badRequest(`The ${where} was given more than once; send one API key`, 'ApiKey');
    if (typeof value !== 'string' || value.trim() === '') throw ResourceAuthError.malformed(`The ${where} is empty: ${HOW_KEY}`, 'ApiKey');
    // The strategy's verify step (what passport-headerapikey would call with this header value), without passport's machinery.
    return orRefuse(this.apiKey.validate(value), () => ResourceAuthError.malformed(`The ${where} could not be read: ${HOW_KEY}`, 'ApiKey'));
  }
}

/** Every scope the route needs, or 403; then the Principal (with the caller's address) goes on the request. */
function admit(req: FastifyRequest, options: AuthOptions, principal: Principal): true {
  for (const scope of options.scopes) {
    if (!principal.scopes.has(scope)) throw ResourceAuthError.insufficientScope(options.scopes, principal.scheme === 'apiKey' ? 'ApiKey' : 'Bearer');
  }
  req.principal = new RequestPrincipal(principal, req);
  return true;
}

/** A strategy's answer, refused (as passport's fail() was) when it is empty. */
function orRefuse(outcome: Principal | Promise<Principal>, refusal: () => Error): Principal | Promise<Principal> {
  if (outcome instanceof Promise) {
    return outcome.then((p) => {
      if (!p) throw refusal();
      return p;
    });
  }
  if (!outcome) throw refusal();
  return outcome;
}
