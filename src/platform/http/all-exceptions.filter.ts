import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DB_RETRY_AFTER_SECONDS, isBadInputDbError, isDatabaseUnavailable } from '../database/db-errors.js';
import { sendErrorPage } from '../html/page.js';
import { type ErrorResponse, type ErrorStyle, isHttpShaped, oauthStyleResponse, problemInOAuthStyle } from './http-error.js';
import { ProblemCode, ProblemError } from './problem.js';

/** Pages a browser shows: their errors are HTML pages (never a redirect), not JSON. */
const HTML_PATHS = /^\/(portal|oauth2\/authorize)(\/|\?|$)/;

/** Endpoints whose every error is an RFC 6749 5.2 body. */
const OAUTH_JSON_PATHS = /^\/oauth2\/(token|revoke|introspect)(\/|\?|$)/;

/**
 * The one place where an error becomes a response: RFC 6749 errors on the OAuth endpoints, RFC 9457
 * problem details on the JSON API, HTML pages for the browser. A feature's error says its own shape
 * (`HttpShapedError`, e.g. the RFC 6750 challenges of protected resources), so this filter imports no
 * feature. Unknown errors become a 500 without detail (and are logged); an unreachable database
 * becomes 503 with Retry-After.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    sendError(exception, ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>(), this.logger);
  }
}

export function sendError(exception: unknown, req: FastifyRequest, reply: FastifyReply, logger: Pick<Logger, 'error' | 'warn'>): void {
  if (reply.sent) return;
  const path = req.url.split('?')[0];
  const style: ErrorStyle = OAUTH_JSON_PATHS.test(path) ? 'oauth' : HTML_PATHS.test(path) ? 'page' : 'problem';

  let error = exception;
  if (isBadInputDbError(error)) {
    logger.warn(`input refused by the database: ${(error as Error).message}`);
    error = ProblemError.badRequest('A value in the request cannot be stored (bad encoding, or too long for its field)');
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn(`database unavailable: ${(error as Error).message}`);
    const retry = { 'Retry-After': String(DB_RETRY_AFTER_SECONDS) };
    if (style === 'oauth') {
      return sendJson(
        reply,
        oauthStyleResponse('server_error', 'The authorization server cannot reach its database; retry after the time in Retry-After', 503, retry),
      );
    }
    error = new ProblemError(ProblemCode.ServiceUnavailable, 'The service cannot reach its database; retry after the time in Retry-After', undefined, retry);
  }

  const shaped = isHttpShaped(error) ? error.toResponse(style, req) : undefined;
  if (shaped && !(shaped instanceof ProblemError)) return sendJson(reply, shaped);
  if (shaped) error = shaped;

  if (style === 'oauth') return sendJson(reply, error instanceof ProblemError ? problemInOAuthStyle(error) : oauthStyleOf(error, logger));

  const problem = error instanceof ProblemError ? error : toProblem(error, logger);
  if (style === 'page') {
    sendErrorPage(
      reply,
      problem.status,
      problem.status >= 500 ? 'Gatehouse cannot answer right now' : 'This request cannot be completed',
      problem.detail,
      problem.headers,
    );
    return;
  }
  reply
    .status(problem.status)
    .headers(problem.headers)
    .header('Content-Type', 'application/problem+json; charset=utf-8')
    .send(JSON.stringify(problem.body(path)));
}

function sendJson(reply: FastifyReply, response: ErrorResponse): void {
  reply
    .status(response.status)
    .headers(response.headers)
    .send(response.body ?? '');
}

/** An error no feature shaped, on an OAuth endpoint. */
function oauthStyleOf(error: unknown, logger: Pick<Logger, 'error'>): ErrorResponse {
  const status = statusOf(error);
  if (status !== undefined && status < 500) {
    const described = describeClientError(error, status);
    return oauthStyleResponse(
      'invalid_request',
      described.detail,
      status === 413 || status === 405 || status === 404 || status === 431 ? status : 400,
      described.headers,
    );
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return oauthStyleResponse('server_error', 'The authorization server failed unexpectedly; try again', 500);
}

function toProblem(error: unknown, logger: Pick<Logger, 'error'>): ProblemError {
  const status = statusOf(error);
  if (status !== undefined && status < 500) {
    const { detail, headers } = describeClientError(error, status);
    return new ProblemError(codeFor(status), detail, undefined, headers);
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return new ProblemError(ProblemCode.Internal, 'The server failed unexpectedly; the error was logged');
}

/** The status of a Nest HttpException or a Fastify error (body too large, bad JSON, ...). */
function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const s = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : undefined;
}

function describeClientError(error: unknown, status: number): { detail: string; headers: Record<string, string> } {
  const code = (error as { code?: unknown }).code;
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { detail: 'The request body is larger than this server accepts', headers: {} };
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error instanceof SyntaxError && status === 400))
    return { detail: 'The request body is not valid JSON', headers: {} };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { detail: 'This content type is not accepted here', headers: {} };
  if (code === 'FST_ERR_BAD_URL') return { detail: 'The URL is not valid: a path segment holds a malformed percent-encoding', headers: {} };
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return { detail: 'A path parameter is longer than 200 characters: no identifier is that long', headers: {} };
  if (status === 404) return { detail: 'No such endpoint: check the path and the method (see /docs)', headers: {} };
  if (error instanceof HttpException) {
    const res = error.getResponse();
    const msg = typeof res === 'string' ? res : (res as { message?: unknown }).message;
    return { detail: Array.isArray(msg) ? msg.join('; ') : typeof msg === 'string' ? msg : error.message, headers: {} };
  }
  return { detail: error instanceof Error ? error.message : 'Bad request', headers: {} };
}

function codeFor(status: number): ProblemCode {
  switch (status) {
    case 401:
      return ProblemCode.Unauthorized;
    case 403:
      return ProblemCode.Forbidden;
    case 404:
      return ProblemCode.NotFound;
    case 405:
      return ProblemCode.MethodNotAllowed;
    case 409:
      return ProblemCode.Conflict;
    case 413:
      return ProblemCode.PayloadTooLarge;
    case 415:
      return ProblemCode.UnsupportedMediaType;
    case 429:
      return ProblemCode.TooManyRequests;
    default:
      return ProblemCode.BadRequest;
  }
}
