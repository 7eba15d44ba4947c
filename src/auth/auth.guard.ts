import { CanActivate, ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_KEY, PUBLIC_KEY, type AuthOptions } from './auth.decorator.js';
import { AUTHENTICATORS, RATE_LIMITERS, ROLE_CHECK, type Authenticator, type RateLimiter, type RoleCheck } from './authenticator.js';
import { RequestPrincipal, type Principal } from './principal.js';
import { ResourceAuthError } from './resource-auth.error.js';
import { RESOURCE_METADATA, type ResourceMetadataLocator } from './resource-metadata.js';
import { SignInRequired } from './sign-in-required.js';

/** RFC 6750 2.3 is not supported: a token in the URL leaks into logs and histories. */
const TOKEN_IN_URL =
  "Access tokens are not accepted in the URL (they leak into logs); send the header 'Authorization: Bearer <token>' with a token from POST /oauth2/token";

/** What the decorators say about one handler, resolved once (metadata is fixed at startup). */
type RouteAuth =
  | { public: true }
  | {
      public: false;
      options: AuthOptions;
      strong: Authenticator[];
      weak: Authenticator[];
      limiter: RateLimiter | undefined;
      /** RFC 9728: the metadata URL its Bearer challenges name, when the route is a protected resource. */
      resourceMetadata?: string;
    };
type GuardedRoute = Extract<RouteAuth, { public: false }>;

/**
 * The global guard: secure by default. A route is open only with `@Public()`; otherwise `@Auth()`
 * names its schemes and scopes, and a route with neither is refused (and fails the route test). The
 * schemes themselves are `Authenticator`s registered by the modules that own the credentials.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);
  /** Per controller class, per handler: the resolved route (a metadata walk per request otherwise). */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteAuth>>();
  private readonly byScheme: Map<string, Authenticator>;
  private readonly allStrong: Authenticator[];

  private readonly limiters: Map<string, RateLimiter>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTHENTICATORS) authenticators: Authenticator[],
    @Inject(ROLE_CHECK) private readonly roles: RoleCheck,
    @Inject(RATE_LIMITERS) limiters: RateLimiter[],
    @Optional() @Inject(RESOURCE_METADATA) private readonly resourceMetadata?: ResourceMetadataLocator,
  ) {
    this.byScheme = new Map(authenticators.map((a) => [a.scheme, a]));
    this.allStrong = authenticators.filter((a) => !a.weak);
    this.limiters = new Map(limiters.map((l) => [l.policy, l]));
  }

  /** Synchronous when the credential is answered from memory (the hot path); a promise when it needs I/O. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.routeAuth(context);
    if (route.public) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (route.options.page) return this.page(req, reply, route);
    // Before anything can refuse: every RFC 6750 challenge of this request, from here or the handler, names it.
    if (route.resourceMetadata !== undefined) req.resourceMetadata = route.resourceMetadata;
    const [authenticator, principal] = this.authenticate(req, reply, route);
    return principal instanceof Promise
      ? principal.then((p) => this.admit(req, reply, route, authenticator, p))
      : this.admit(req, reply, route, authenticator, principal);
  }

  /** A page: a missing or refused credential sends the browser to sign in instead of a 401. */
  private async page(req: FastifyRequest, reply: FastifyReply, route: GuardedRoute): Promise<true> {
    let principal: Principal;
    let authenticator: Authenticator;
    try {
      let answer: Principal | Promise<Principal>;
      [authenticator, answer] = this.authenticate(req, reply, route);
      principal = await answer;
    } catch (err) {
      if (err instanceof ResourceAuthError && err.status === 401) throw new SignInRequired(req.method, req.url, route.options.returnTo);
      throw err;
    }
    return this.admit(req, reply, route, authenticator, principal);
  }

  /** Scopes (403), the role, the rate limit; then the Principal (with the caller's address) goes on the request. */
  private admit(req: FastifyRequest, reply: FastifyReply, route: GuardedRoute, by: Authenticator, principal: Principal): true | Promise<true> {
    const { options } = route;
    for (const scope of options.scopes) {
      if (!principal.scopes.has(scope)) throw ResourceAuthError.insufficientScope(options.scopes, by.challenge ?? 'Bearer');
    }
    req.principal = new RequestPrincipal(principal, req);
    const role = options.role ? this.roles.require(req, req.principal, options.role, options.page === true) : undefined;
    if (role instanceof Promise) return role.then(() => this.limit(route, req.principal!, reply));
    return this.limit(route, req.principal, reply);
  }

  private limit(route: GuardedRoute, principal: Principal, reply: FastifyReply): true | Promise<true> {
    const counted = route.limiter?.consume(principal, reply);
    return counted instanceof Promise ? counted.then(() => true as const) : true;
  }

  private routeAuth(context: ExecutionContext): RouteAuth {
    const handler = context.getHandler();
    const controller = context.getClass();
    let handlers = this.routes.get(controller);
    if (!handlers) this.routes.set(controller, (handlers = new WeakMap()));
    let route = handlers.get(handler);
    if (!route) {
      route = this.resolve([handler, controller], `${controller.name}.${handler.name}`);
      // The path decides (a handler's paths share their prefix): resolved once, with the first request.
      const path = context.switchToHttp().getRequest<FastifyRequest>().routeOptions.url;
      if (!route.public && !route.options.page && path !== undefined) route.resourceMetadata = this.resourceMetadata?.urlFor(path);
      handlers.set(handler, route);
    }
    return route;
  }

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  private resolve(targets: [Function, Function], name: string): RouteAuth {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return { public: true };
    const options = this.reflector.getAllAndOverride<AuthOptions | undefined>(AUTH_KEY, targets);
    const declared = (options?.schemes ?? []).map((s) => this.byScheme.get(s));
    if (!options || declared.length === 0 || declared.some((a) => !a)) {
      this.logger.error(`route ${name} has neither @Public() nor @Auth() with registered schemes; refusing`);
      return { public: false, options: { schemes: [], scopes: [] }, strong: [], weak: [], limiter: undefined };
    }
    const limiter = options.rateLimit ? this.limiters.get(options.rateLimit) : undefined;
    if (options.rateLimit && !limiter) throw new Error(`route ${name}: no rate limiter is registered for the policy '${options.rateLimit}'`);
    const known = declared as Authenticator[];
    return { public: false, options, strong: known.filter((a) => !a.weak), weak: known.filter((a) => a.weak), limiter };
  }

  private authenticate(req: FastifyRequest, reply: FastifyReply, route: GuardedRoute): [Authenticator, Principal | Promise<Principal>] {
    const query = req.query as Record<string, unknown> | undefined;
    // Pages take no token at all: their query strings are theirs (a page link with `access_token` is not an API call).
    if (!route.options.page && query && query.access_token !== undefined) throw ResourceAuthError.badRequest(TOKEN_IN_URL);
    let chosen: Authenticator | undefined;
    for (const a of route.strong) {
      if (!a.present(req)) continue;
      if (chosen) throw ResourceAuthError.twoCredentials(chosen.noun, a.noun, route.strong[0].challenge);
      chosen = a;
    }
    if (chosen) return [chosen, chosen.authenticate(req, reply)];
    const strongSent = this.allStrong.find((a) => a.present(req));
    if (!strongSent) {
      // A weak credential (the portal cookie) counts only when nothing else was sent.
      for (const a of route.weak) if (a.present(req)) return [a, a.authenticate(req, reply)];
    }
    throw this.missing(route, strongSent);
  }

  /** The 401 for a request without an accepted credential: says which ones this route takes, and how. */
  private missing(route: GuardedRoute, sent: Authenticator | undefined): ResourceAuthError {
    const accepted = [...route.strong, ...route.weak];
    if (accepted.length === 0) return ResourceAuthError.missing('This endpoint is not open to any credential');
    const challenge = accepted.find((a) => a.challenge)?.challenge;
    if (sent) return ResourceAuthError.missing(`This endpoint does not accept ${sent.noun}s: ${accepted[0].how}`, challenge);
    if (accepted.length === 1) return ResourceAuthError.missing(`No ${accepted[0].noun} was sent: ${accepted[0].how}`, challenge);
    return ResourceAuthError.missing(`No credentials were sent: ${accepted.map((a) => a.how).join(', or ')}`, challenge);
  }
}
