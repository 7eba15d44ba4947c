import { resolve } from 'node:path';
import type { EnvReader } from './env.js';

/** The database: DATABASE_URL (PostgreSQL) or the embedded one in DATA_DIR. */
export interface DatabaseSettings {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
}

/** Redis, shared by the instances for rate limits: REDIS_URL, REDIS_KEY_PREFIX. */
export interface RedisSettings {
  readonly redisUrl: string | undefined;
  /** Prefix of every key Gatehouse writes in Redis (several deployments may share one Redis). */
  readonly redisKeyPrefix: string;
}

export function databaseSettings({ str, problem }: EnvReader): DatabaseSettings {
  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problem('DATABASE_URL must be a postgres:// or postgresql:// connection string');
  }
  return { databaseUrl, dataDir: resolve(str('DATA_DIR') ?? './data') };
}

export function redisSettings({ str, problem }: EnvReader): RedisSettings {
  const redisUrl = str('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problem('REDIS_URL must be a redis:// or rediss:// URL');
  const redisKeyPrefix = str('REDIS_KEY_PREFIX') ?? 'gatehouse:';
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(redisKeyPrefix)) problem('REDIS_KEY_PREFIX must be 1 to 64 letters, digits, or : _ . -');
  return { redisUrl, redisKeyPrefix };
}
