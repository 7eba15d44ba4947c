import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

type LogFn = FastifyBaseLogger['info'];

/**
 * A request's logger, made only when something logs through it. Fastify gives every request a
 * pino child bound to its reqId; building one (bindings serialised, redaction paths applied) was
 * measured at 6 to 8 % of the CPU of a small request (`node --cpu-prof` on GET /v1/ping), and nearly
 * every request logs nothing through it (the access line is written by our onResponse hook with
 * reqId itself). Lines that are logged through `req.log` still carry reqId, as before.
 */
class LazyChildLogger {
  private real: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): Logger {
    return (this.real ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.real?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  fatal(...args: Parameters<LogFn>): void {
    this.logger.fatal(...args);
  }

  error(...args: Parameters<LogFn>): void {
    this.logger.error(...args);
  }

  warn(...args: Parameters<LogFn>): void {
    this.logger.warn(...args);
  }

  info(...args: Parameters<LogFn>): void {
    this.logger.info(...args);
  }

  debug(...args: Parameters<LogFn>): void {
    this.logger.debug(...args);
  }

  trace(...args: Parameters<LogFn>): void {
    this.logger.trace(...args);
  }

  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }

  isLevelEnabled(level: string): boolean {
    return this.real ? this.real.isLevelEnabled(level) : this.parent.isLevelEnabled(level);
  }
}

/** Fastify's `childLoggerFactory`: a LazyChildLogger over the server's logger. */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(logger as Logger, bindings, options);
}
