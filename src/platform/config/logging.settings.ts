import type { EnvReader } from './env.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS: readonly string[] = ['auto', 'json', 'pretty'];

/** Logging: LOG_LEVEL, LOG_FORMAT. */
export interface LoggingSettings {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** `auto`: human-readable lines on a terminal outside production, JSON otherwise. */
  readonly logFormat: 'auto' | 'json' | 'pretty';
}

export function loggingSettings({ str, problem }: EnvReader): LoggingSettings {
  const logLevelRaw = (str('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) problem(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const logLevel = ((LOG_LEVELS as readonly string[]).includes(logLevelRaw) ? logLevelRaw : 'info') as LoggingSettings['logLevel'];
  const logFormatRaw = (str('LOG_FORMAT') ?? 'auto').toLowerCase();
  if (!LOG_FORMATS.includes(logFormatRaw)) problem(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}`);
  const logFormat = (LOG_FORMATS.includes(logFormatRaw) ? logFormatRaw : 'auto') as LoggingSettings['logFormat'];
  return { logLevel, logFormat };
}
