import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.js';
import { sendError } from './all-exceptions.filter.js';
import { ProblemCode, ProblemError } from './problem.js';

/** Methods any route may answer; anything else (TRACE, CONNECT, PROPFIND, ...) is 405 at once. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/**
 * The deepest nesting of objects and arrays a JSON body may have. class-transformer (the global
 * ValidationPipe) walks a body recursively: a body of a few thousand nested arrays overflowed the
 * stack there and was answered 500. No request of the API needs more than a few levels.
 */
export const MAX_BODY_DEPTH = 64;
/** Probes from a load balancer may use plain HTTP even in production. */
const PLAIN_HTTP_ALLOWED = /^\/health\/(live|ready)(\?|$)/;

/**
 * Transport rules at the edge, before routing: unknown methods are refused, and in production a
 * request that did not come over HTTPS (directly, or per X-Forwarded-Proto from a trusted proxy) is
 * refused with a message saying HTTPS is required. HSTS goes on every HTTPS response.
 */
export function installTransportSecurity(fastify: FastifyInstance, config: AppConfig): void {
  const logger = fastify.log;
  fastify.addHook('onRequest', (req, reply, done) => {
    if (!METHODS.has(req.method)) {
      sendError(
        new ProblemError(ProblemCode.MethodNotAllowed, `The method ${req.method} is not allowed`, undefined, { Allow: [...METHODS].join(', ') }),
        req,
        reply,
        logger,
      );
      return;
    }
    if (/%00/.test(req.url)) {
      sendError(ProblemError.badRequest('The URL holds a NUL character (%00), which no parameter may contain'), req, reply, logger);
      return;
    }
    if (config.production && !isHttps(req) && !PLAIN_HTTP_ALLOWED.test(req.url)) {
      sendError(
        new ProblemError(ProblemCode.Forbidden, `HTTPS is required: send this request to ${config.publicUrl}${req.url.split('?')[0]} over https://`),
        req,
        reply,
        logger,
      );
      return;
    }
    done();
  });
  // Refused here rather than fail later: bodies nested too deeply for the validation pipe's recursion,
  // and NUL, which PostgreSQL text cannot hold.
  fastify.addHook('preValidation', (req, reply, done) => {
    if (req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
      if (nestedDeeperThan(req.body, MAX_BODY_DEPTH)) {
        sendError(ProblemError.badRequest(`The request body is nested too deeply: at most ${MAX_BODY_DEPTH} levels of objects and arrays`), req, reply, logger);
        return;
      }
      if (holdsNul(req.body, 0)) {
        sendError(ProblemError.badRequest('The request body holds a NUL character (\\u0000), which no field may contain'), req, reply, logger);
        return;
      }
    }
    done();
  });
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (isHttps(req)) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    done(null, payload);
  });
}

/** Whether objects and arrays nest more than `max` levels deep; walks at most `max + 1` levels, so never deeper than that. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max === 0) return true;
  for (const v of Object.values(value)) if (nestedDeeperThan(v, max - 1)) return true;
  return false;
}

function holdsNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) if (k.includes('\0') || holdsNul(v, depth + 1)) return true;
  return false;
}

/** `req.protocol` is 'https' for TLS sockets, or when a trusted proxy says so (Fastify trustProxy). */
function isHttps(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}
