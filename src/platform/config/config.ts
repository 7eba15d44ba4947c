import { adminSettings, bootstrapSettings, type AdminSettings, type BootstrapSettings } from './admin.settings.js';
import { apiKeySettings, type ApiKeySettings } from './api-keys.settings.js';
import { benchSettings, type BenchSettings } from './bench.settings.js';
import { corsSettings, type CorsSettings } from './cors.settings.js';
import { envReader, processEnv, type Env } from './env.js';
import { lifetimeSettings, type LifetimeSettings } from './lifetimes.settings.js';
import { loggingSettings, type LoggingSettings } from './logging.settings.js';
import { mailSettings, type MailSettings } from './mail.settings.js';
import { masterKeySettings, type MasterKeySettings } from './master-key.settings.js';
import { rateLimitSettings, type RateLimitSettings } from './rate-limits.settings.js';
import { serverSettings, type ServerSettings } from './server.settings.js';
import { databaseSettings, redisSettings, type DatabaseSettings, type RedisSettings } from './storage.settings.js';
import { transportSettings, type TransportSettings } from './transport.settings.js';

export { processEnv, readDotEnv } from './env.js';
export type {
  AdminSettings,
  ApiKeySettings,
  BenchSettings,
  BootstrapSettings,
  CorsSettings,
  DatabaseSettings,
  LifetimeSettings,
  LoggingSettings,
  MailSettings,
  MasterKeySettings,
  RateLimitSettings,
  RedisSettings,
  ServerSettings,
  TransportSettings,
};

/**
 * Gatehouse configuration: read from the environment (and `.env` when present), validated once at
 * start, then passed around typed. Nothing outside src/platform/config reads process.env. One flat
 * object (the field names every consumer uses), made of one settings type per concern, each parsed
 * in its own `*.settings.ts`; a consumer that needs one concern may type its parameter with that
 * concern's type (`LifetimeSettings`, `CorsSettings`, ...).
 */
export type AppConfig = ServerSettings &
  DatabaseSettings &
  RedisSettings &
  MasterKeySettings &
  AdminSettings &
  LifetimeSettings &
  TransportSettings &
  LoggingSettings &
  BootstrapSettings &
  RateLimitSettings &
  CorsSettings &
  ApiKeySettings &
  BenchSettings &
  MailSettings;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads every concern in a fixed order (the order of the problems in the error, and the master key
 * is only generated when nothing before it was refused), then refuses the lot or returns it frozen.
 */
export function loadConfig(env: Env = processEnv()): AppConfig {
  const read = envReader(env);
  const server = serverSettings(read);
  const database = databaseSettings(read);
  const redis = redisSettings(read);
  const masterKey = masterKeySettings(read, server.production, database.dataDir);
  const admin = adminSettings(read);
  const lifetimes = lifetimeSettings(read);
  const transport = transportSettings(read);
  const logging = loggingSettings(read);
  const bootstrap = bootstrapSettings(read);
  const rateLimits = rateLimitSettings(read);
  const cors = corsSettings(read);
  const apiKeys = apiKeySettings(read);
  const bench = benchSettings(read, server.production);
  const mail = mailSettings(read);
  if (read.problems.length > 0) throw new ConfigError([...read.problems]);
  return Object.freeze({
    ...server,
    ...database,
    ...redis,
    ...masterKey,
    ...admin,
    ...lifetimes,
    ...transport,
    ...logging,
    ...bootstrap,
    ...rateLimits,
    ...cors,
    ...apiKeys,
    ...bench,
    ...mail,
  });
}
