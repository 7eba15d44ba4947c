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

/**
 * CORS for CORS_ORIGINS only (exact origins; default none): an allowed origin gets
 * `Access-Control-Allow-Origin` naming it (never `*`, never with credentials: these endpoints take
 * Authorization headers, not cookies) on the API and the token, revocation and introspection
 * endpoints, and its preflights are answered 204. Every other origin gets nothing, and
 * /oauth2/authorize, the portal and every other page never carry CORS headers (they act on the
 * session cookie: another site must not read them).
 */
export function installCors(fastify: FastifyInstance, config: AppConfig): void {
  if (config.corsOrigins.length === 0) return;
  const allowed = new Set(config.corsOrigins);
  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done) => {
    const methods = corsMethods(req.url.split('?')[0]);
    if (methods === undefined) return done();
    reply.header('Vary', 'Origin');
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) return done();
    reply.header('Access-Control-Allow-Origin', origin);
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!preflight) {
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
