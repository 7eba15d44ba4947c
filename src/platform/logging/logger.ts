import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import type { AppConfig } from '../config/config.js';

/** Query parameters and form fields whose values never reach a log line. */
const SECRET_PARAMS = new Set(['api_key', 'access_token', 'code', 'client_secret', 'refresh_token', 'password', 'token', 'state', 'code_verifier']);

/** Gatehouse credentials have recognisable prefixes: wherever one appears in a URL, it is hidden. */
const GATEHOUSE_SECRET = /gth_(live|test|cs)_[0-9A-Za-z_]*/g;

/**
 * The URL with the value of every secret parameter replaced. Names are compared decoded and
 * case-insensitively, as the server reads them: `?api%5Fkey=` is the same parameter as `?api_key=`,
 * and `api_key[]` or `x[api_key]` count too. Anything shaped like a Gatehouse key is hidden as well.
 */
export function redactUrl(url: string): string {
  const plain = url.replace(GATEHOUSE_SECRET, 'gth_$1_[REDACTED]');
  const q = plain.indexOf('?');
  if (q < 0) return plain;
  const params = plain
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && decodeName(rawName).some((n) => SECRET_PARAMS.has(n)) ? `${rawName}=[REDACTED]` : pair;
    });
  return `${plain.slice(0, q)}?${params.join('&')}`;
}

/** The words of a parameter name, decoded: `x[API%5Fkey]` -> ['x', 'api_key']. */
function decodeName(raw: string): string[] {
  let name = raw;
  try {
    name = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // undecodable: judge the raw name
  }
  return name.toLowerCase().split(/[^a-z0-9_]+/);
}

/** Whether lines are for a person: `pretty`, or `auto` on a terminal outside production. */
export function wantsPrettyLogs(config: Pick<AppConfig, 'logFormat' | 'production'>, stdoutIsTty = process.stdout.isTTY === true): boolean {
  return config.logFormat === 'pretty' || (config.logFormat === 'auto' && stdoutIsTty && !config.production);
}

/**
 * One readable line per event for a terminal: local time, level, the message, and for requests
 * `GET /v1/users 200 3.1 ms`. The same redaction happens before it (pino's), so nothing secret reaches it.
 */
export function prettyDestination(colorize = process.stdout.isTTY === true, destination?: NodeJS.WritableStream): DestinationStream {
  // Loaded only when wanted: a server logging JSON never carries the formatter in memory.
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pinoPretty({
    colorize,
    destination,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,reqId,method,url,status,ms,ip,context',
    singleLine: true,
    sync: true,
    messageFormat: (log, messageKey) => {
      const raw = log[messageKey];
      const msg = typeof raw === 'string' ? raw : JSON.stringify(raw ?? '');
      if (msg === 'request' || msg === 'request failed') {
        return `${String(log.method)} ${String(log.url)} ${String(log.status)} ${String(log.ms)} ms${msg === 'request failed' ? ' (failed)' : ''}`;
      }
      return typeof log.context === 'string' && log.context ? `[${log.context}] ${msg}` : msg;
    },
  });
}

/**
 * Structured JSON logs (pino), or readable lines on a terminal (LOG_FORMAT). Credentials are redacted
 * at the source: headers by path, URLs by parameter; bodies are never logged.
 */
export function createLogger(
  config: Pick<AppConfig, 'logLevel'> & Partial<Pick<AppConfig, 'logFormat' | 'production'>>,
  destination?: DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'gatehouse' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.client_secret',
        '*.refresh_token',
        '*.code',
        '*.api_key',
      ],
      censor: '[REDACTED]',
    },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string; ip?: string; headers?: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: req.url ? redactUrl(req.url) : undefined,
        remoteAddress: req.ip,
        userAgent: req.headers?.['user-agent'],
      }),
    },
  };
  if (destination) return pino(options, destination);
  const pretty = wantsPrettyLogs({ logFormat: config.logFormat ?? 'json', production: config.production ?? false });
  return pretty ? pino(options, prettyDestination()) : pino(options);
}

/** Nest's start-up chatter (a line per module and per route): useful when debugging, noise otherwise. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** Nest's logger interface over the same pino instance. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    if (context !== undefined && STARTUP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
