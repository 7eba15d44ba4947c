import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
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

/**
 * Structured JSON logs (pino). Credentials are redacted at the source: headers by path, URLs by
 * parameter; bodies are never logged.
 */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): Logger {
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
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's logger interface over the same pino instance. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
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
