import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.js';

/** The endpoints a browser app on another origin may call: the resource API, the token endpoints and UserInfo. */
const OAUTH_ENDPOINTS = new Set(['/oauth2/token', '/oauth2/revoke', '/oauth2/introspect']);
const API_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type, X-API-Key, X-Request-Id';
const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After, RateLimit, RateLimit-Policy, Deprecation, Link, X-Request-Id';
const PREFLIGHT_MAX_AGE = '600';

/** The methods a CORS request may use on `path`, or undefined when the path takes no CORS at all. */
export function corsMethods(path: string): string | undefined {
  if (OAUTH_ENDPOINTS.has(path)) return 'POST';
  // OpenID Connect UserInfo (a Bearer token, like the API).
  if (path === '/oauth2/userinfo') return 'GET, POST';
  if (path.startsWith('/v1/')) return API_METHODS;
  return undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `@PublicCors()`: the route answers any origin (`'preflight'`: the OPTIONS route made for one). */
    publicCors?: true | 'preflight';
  }
}

/** The Fastify route config `@PublicCors()` sets: the route answers any origin. */
const PUBLIC_CORS_CONFIG = { publicCors: true } as const;
/** One request header name a preflight may ask for (an RFC 9110 token); a list with anything else is not echoed. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
const MAX_ASKED_HEADERS = 20;

/**
 * For public documents that hold nothing per user and take no credentials (server metadata, the key
 * set, the protected-resource metadata): any origin may read them, whatever CORS_ORIGINS says
 * (`Access-Control-Allow-Origin: *`, never with credentials), and a preflight gets 204. A browser app
 * on another origin needs them before it can do anything (as node-oidc-provider and Keycloak answer).
 */
export const PublicCors = (): MethodDecorator => RouteConfig(PUBLIC_CORS_CONFIG);

/**
 * CORS for CORS_ORIGINS only (exact origins; default none): an allowed origin gets
 * `Access-Control-Allow-Origin` naming it (never `*`, never with credentials: these endpoints take
 * Authorization headers, not cookies) on the API and the token, revocation and introspection
 * endpoints, and its preflights are answered 204. Every other origin gets nothing, and
 * /oauth2/authorize, the portal and every other page never carry CORS headers (they act on the
 * session cookie: another site must not read them). Routes marked `@PublicCors()` answer every origin.
 */
export function installCors(fastify: FastifyInstance, config: AppConfig): void {
  installPublicCors(fastify);
  if (config.corsOrigins.length === 0) return;
  const allowed = new Set(config.corsOrigins);
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done) => {
    const methods = corsMethods(req.url.split('?')[0]);
    if (methods === undefined) return done();
    reply.header('Vary', 'Origin');
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) return done();
    reply.header('Access-Control-Allow-Origin', origin);
    if (!isPreflight(req)) {
      reply.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      return done();
    }
    reply
      .code(204)
      .header('Access-Control-Allow-Methods', methods)
      .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
      .header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE)
      .header('Cache-Control', 'no-store')
      .send();
  });
}

/**
 * `@PublicCors()` routes: as each is registered (app.init(), after this), it gets its own onRequest
 * hook (so no other route pays for it) and an OPTIONS route for the preflights at its path.
 */
function installPublicCors(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', function (route) {
    if (route.config?.publicCors !== true) return;
    route.onRequest = [...[route.onRequest ?? []].flat(), anyOrigin];
    const methods = [route.method].flat();
    if (methods.includes('GET')) {
      this.route({ method: 'OPTIONS', url: route.url, config: { publicCors: 'preflight' }, onRequest: anyOrigin, handler: publicPreflight });
    }
  });
}

function isPreflight(req: FastifyRequest): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/** `*`: the same answer for every origin, so no Vary, and never with credentials. */
function anyOrigin(_req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply.header('Access-Control-Allow-Origin', '*');
  done();
}

/** 204 with the methods, and the request headers it asked for when they are plain header names. */
function publicPreflight(req: FastifyRequest, reply: FastifyReply): void {
  reply.code(204).header('Allow', 'GET, HEAD, OPTIONS').header('Cache-Control', 'no-store');
  if (!isPreflight(req)) return void reply.send();
  reply.header('Access-Control-Allow-Methods', 'GET, HEAD').header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
  const asked = req.headers['access-control-request-headers'];
  const names = typeof asked === 'string' ? asked.split(',').map((n) => n.trim()) : [];
  if (names.length > 0 && names.length <= MAX_ASKED_HEADERS && names.every((n) => HEADER_NAME.test(n))) {
    reply.header('Access-Control-Allow-Headers', names.join(', '));
  }
  reply.send();
}
