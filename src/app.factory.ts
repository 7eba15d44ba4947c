import 'reflect-metadata';
import { UsageCounters } from './platform/counters/usage-counters.js';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { AuditService } from './audit/audit.service.js';
import { BootstrapService, SWAGGER_CLIENT_ID, type FirstStart } from './bootstrap/bootstrap.service.js';
import { AllExceptionsFilter, sendError } from './platform/http/all-exceptions.filter.js';
import { installCors } from './platform/http/cors.js';
import { FormBody } from './platform/http/form.js';
import { lazyChildLoggerFactory } from './platform/logging/lazy-child-logger.js';
import { MemoValidationPipe } from './platform/http/memo-validation.pipe.js';
import { createLogger, PinoNestLogger, redactUrl } from './platform/logging/logger.js';
import { fieldErrorsOf, ProblemError } from './platform/http/problem.js';
import { setupSwagger } from './auth/openapi.js';
import { installTransportSecurity } from './platform/http/transport-security.js';
import type { AppConfig } from './platform/config/config.js';
import { openDatabase, type Database } from './platform/database/data-source.js';
import { ENTITIES } from './entities.js';

export interface RunningApp {
  readonly app: NestFastifyApplication;
  readonly db: Database;
  readonly logger: Logger;
  readonly firstStart: FirstStart | undefined;
  close(): Promise<void>;
}

/** Bodies above 1 MiB are refused with 413; OAuth and management requests are far smaller. */
export const BODY_LIMIT = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Builds the whole server (database, Nest on Fastify, filters, pipes, Swagger) without listening.
 * main.ts and the end-to-end tests both start Gatehouse through here, so tests run the real thing.
 */
export async function createApp(config: AppConfig, opts: { logger?: Logger } = {}): Promise<RunningApp> {
  const logger = opts.logger ?? createLogger(config);
  const db = await openDatabase(config, { entities: ENTITIES });
  try {
    const adapter = new FastifyAdapter({
      loggerInstance: logger,
      childLoggerFactory: lazyChildLoggerFactory,
      // The access log is our own onResponse hook (one line per request, URL redacted).
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: BODY_LIMIT,
      routerOptions: { maxParamLength: 200 },
      // The router's own refusals (a malformed percent-encoding, a path parameter over maxParamLength)
      // happen before Nest: answered here in the documented format, not as Fastify's raw JSON.
      frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
        securityHeaders(req, reply);
        sendError(error, req, reply, logger);
      },
      trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
      requestIdHeader: false,
      genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
        const given = req.headers['x-request-id'];
        return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      },
      ...(config.tlsCertFile && config.tlsKeyFile ? { https: { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) } } : {}),
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, db.dataSource), adapter, {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: BODY_LIMIT }, (_req: unknown, body: Buffer) => Promise.resolve(FormBody.parse(body)));
    app.useGlobalFilters(new AllExceptionsFilter());
    app.useGlobalPipes(
      new MemoValidationPipe({
        whitelist: true,
        forbidNonWhitelisted: true,
        transform: true,
        exceptionFactory: (errors) => ProblemError.validation(fieldErrorsOf(errors)),
      }),
    );
    installHooks(app, logger, config);
    setupSwagger(app, config, {
      initOAuth: { clientId: SWAGGER_CLIENT_ID, usePkceWithAuthorizationCodeGrant: true, scopes: ['profile'], appName: 'Gatehouse API docs' },
    });
    await app.init();
    const firstStart = app.get(BootstrapService).firstStart;
    return {
      app,
      db,
      logger,
      firstStart,
      close: async () => {
        await app.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** The static files the portal and Swagger UI load with every page (logged at debug). */
const STATIC_ASSET = /^\/(?:portal\/assets\/|docs\/[^/?]+\.(?:css|js|png|html)(?:\?|$)|favicon\.ico)/;

function installHooks(app: NestFastifyApplication, logger: Logger, config: AppConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  installTransportSecurity(fastify, config);
  installCors(fastify, config);
  // Buffered audit events of the last requests: written once those requests are finished, before the database closes.
  fastify.addHook('onClose', () => app.get(AuditService).flush());
  // Every header of every response in one onSend hook (one hook fewer per request than an onRequest
  // hook for X-Request-Id; onSend also runs for the answers that onRequest hooks send themselves).
  fastify.addHook('onSend', (req, reply, payload, done) => {
    securityHeaders(req, reply);
    done(null, payload);
  });
  const counters = app.get(UsageCounters);
  fastify.addHook('onResponse', (req: FastifyRequest, reply, done) => {
    const status = reply.statusCode;
    // The overview's counts (in memory; written every minute): 429s, and refused API keys (a 401 to a request that sent one).
    if (status === 429) counters.count('rate_limited');
    else if (status === 401 && sentApiKey(req)) counters.count('api_key_failed');
    // Stylesheets, scripts and icons that answered well are noise at info: a page view is one line.
    const level = status >= 500 ? 'error' : status < 400 && STATIC_ASSET.test(req.url) ? 'debug' : 'info';
    // The line (and the URL's redaction) is built only when it is written: at LOG_LEVEL=warn it costs nothing.
    if (logger.isLevelEnabled(level)) {
      const line = { reqId: req.id, method: req.method, url: redactUrl(req.url), status, ms: Math.round(reply.elapsedTime * 10) / 10, ip: req.ip };
      logger[level](line, level === 'error' ? 'request failed' : 'request');
    }
    done();
  });
}

/** Whether a request presented an API key (the X-API-Key header or the deprecated api_key query parameter). */
function sentApiKey(req: FastifyRequest): boolean {
  return req.headers['x-api-key'] !== undefined || (typeof req.query === 'object' && req.query !== null && 'api_key' in req.query);
}

/** The headers every response carries (set in one onSend hook; by hand for the router's own refusals, which skip the hooks). */
function securityHeaders(req: FastifyRequest, reply: FastifyReply): void {
  reply.header('X-Request-Id', req.id);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
  if (!reply.hasHeader('X-Frame-Options')) reply.header('X-Frame-Options', 'DENY');
  if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', "frame-ancestors 'none'");
  // A key or token in the URL must not be cached by anything on the way.
  const query = req.query as Record<string, unknown> | undefined;
  if (query && (query.api_key !== undefined || query.access_token !== undefined)) reply.header('Cache-Control', 'no-store');
}
