import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { EMAIL_RULE, isEmail, normalizeEmail } from '../email.js';
import { processEnv, type Env } from './env.js';

export { processEnv, readDotEnv } from './env.js';

/**
 * Gatehouse configuration: read from the environment (and `.env` when present), validated once at
 * start, then passed around typed. Nothing outside src/config reads process.env.
 */
export interface AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  /** The `iss` of every token and of the RFC 8414 metadata. */
  readonly issuer: string;
  /** The `aud` of access tokens: the APIs this server protects. */
  readonly audience: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly redisUrl: string | undefined;
  /** Prefix of every key Gatehouse writes in Redis (several deployments may share one Redis). */
  readonly redisKeyPrefix: string;
  readonly masterKey: string;
  /** True when the master key was generated into DATA_DIR rather than given. */
  readonly masterKeyGenerated: boolean;
  readonly adminEmail: string;
  readonly adminPassword: string | undefined;
  readonly accessTokenTtl: number;
  /** Absolute lifetime of a refresh-token family (REFRESH_TOKEN_TTL). */
  readonly refreshTokenTtl: number;
  /** A refresh token unused for this long expires (never past the family's absolute lifetime). */
  readonly refreshTokenIdleTtl: number;
  /** Seconds in which a retry with a just-rotated refresh token gets the same successor (0 = off). */
  readonly refreshReuseGraceSeconds: number;
  /** Lifetime of a sign-in session (the gh_session cookie). */
  readonly sessionTtl: number;
  /** Seconds a newly rotated signing key is published in the JWKS before it signs. */
  readonly signingKeyActivationDelay: number;
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly trustedProxies: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `auto`: human-readable lines on a terminal outside production, JSON otherwise. */
  readonly logFormat: 'auto' | 'json' | 'pretty';
  /** Create the admin user and (outside production) a demo client on an empty database. */
  readonly bootstrap: boolean;
  readonly rateLimits: {
    /** Requests to the token endpoints per address per minute (0 = off). */
    readonly tokenPerMinute: number;
    /** Failed client authentications per client and address in `failureWindowSeconds` before 429. */
    readonly clientAuthFailures: number;
    /** Failed client authentications per address, any client, in the same window. */
    readonly addressAuthFailures: number;
    readonly failureWindowSeconds: number;
    /** Failed sign-ins per account (any address) in `signInWindowSeconds` before each attempt on it is slowed down (never refused). */
    readonly signInAccountFailures: number;
    /** Failed sign-ins per account from one address in the same window before that address is refused for that account. */
    readonly signInAccountAddressFailures: number;
    /** Failed sign-ins per address (any account) in the same window before the address is refused. */
    readonly signInAddressFailures: number;
    /** Sign-up attempts per address in the same window. */
    readonly signUpsPerAddress: number;
    readonly signInWindowSeconds: number;
    /** Requests per API key per minute on the Data API (0 = off). */
    readonly apiKeyPerMinute: number;
  };
  /** Exact origins allowed to call the API and the token, revocation and introspection endpoints from a browser (CORS). */
  readonly corsOrigins: readonly string[];
  /** Seconds a verified API key is cached (revocations reach every instance at once anyway); 0 = no cache. */
  readonly apiKeyCacheTtl: number;
  /** Adds the unauthenticated benchmark routes GET /v1/ping, /v1/users-open and /v1/data-open. Never in production. */
  readonly benchRoutes: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const PLACEHOLDERS = /^(changeme|change-me|secret|password|placeholder|example|xxx+|test|default)$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS: readonly string[] = ['auto', 'json', 'pretty'];

export function loadConfig(env: Env = processEnv()): AppConfig {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };

  const nodeEnvRaw = str('NODE_ENV') ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    problems.push(`NODE_ENV must be development, production or test (got "${nodeEnvRaw}")`);
  }
  const nodeEnv = (['development', 'production', 'test'].includes(nodeEnvRaw) ? nodeEnvRaw : 'development') as AppConfig['nodeEnv'];
  const production = nodeEnv === 'production';

  const port = int('PORT', 3000, 0, 65535);
  const host = str('HOST') ?? '127.0.0.1';

  let publicUrl = str('PUBLIC_URL') ?? `http://localhost:${port}`;
  try {
    const u = new URL(publicUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    if (u.search || u.hash) throw new Error('query');
    publicUrl = u.href.replace(/\/$/, '');
    if (production && u.protocol !== 'https:') problems.push('PUBLIC_URL must be an https:// URL in production');
  } catch {
    problems.push(`PUBLIC_URL must be an absolute http(s) URL without query or fragment (got "${publicUrl}")`);
  }

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// connection string');
  }
  const dataDir = resolve(str('DATA_DIR') ?? './data');
  const redisUrl = str('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  const redisKeyPrefix = str('REDIS_KEY_PREFIX') ?? 'gatehouse:';
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(redisKeyPrefix)) problems.push('REDIS_KEY_PREFIX must be 1 to 64 letters, digits, or : _ . -');

  let masterKey = str('MASTER_KEY');
  let masterKeyGenerated = false;
  if (masterKey !== undefined) {
    if (masterKey.length < 32 || PLACEHOLDERS.test(masterKey)) {
      problems.push('MASTER_KEY must be at least 32 characters of real randomness (e.g. `openssl rand -base64 32`), not a placeholder');
    }
  } else if (production) {
    problems.push('MASTER_KEY is required in production: it encrypts the signing keys at rest (generate one with `openssl rand -base64 32`)');
  } else if (problems.length === 0) {
    masterKey = generatedMasterKey(dataDir);
    masterKeyGenerated = true;
  }

  const adminEmail = normalizeEmail(str('ADMIN_EMAIL') ?? 'admin@gatehouse.local');
  if (!isEmail(adminEmail)) problems.push(`ADMIN_EMAIL ${EMAIL_RULE} (got "${adminEmail}")`);
  const adminPassword = str('ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 12) problems.push('ADMIN_PASSWORD must be at least 12 characters');

  const accessTokenTtl = int('ACCESS_TOKEN_TTL', 900, 30, 86400);
  const refreshTokenTtl = int('REFRESH_TOKEN_TTL', 2592000, 60, 31536000);
  const idleRaw = str('REFRESH_TOKEN_IDLE_TTL');
  const refreshTokenIdleTtl = int('REFRESH_TOKEN_IDLE_TTL', Math.min(1209600, refreshTokenTtl), 60, 31536000);
  if (idleRaw !== undefined && refreshTokenIdleTtl > refreshTokenTtl) problems.push('REFRESH_TOKEN_IDLE_TTL must not exceed REFRESH_TOKEN_TTL');
  const refreshReuseGraceSeconds = int('REFRESH_REUSE_GRACE_SECONDS', 0, 0, 60);
  const sessionTtl = int('SESSION_TTL', 43200, 60, 2592000);
  const signingKeyActivationDelay = int('SIGNING_KEY_ACTIVATION_DELAY', 60, 0, 86400);

  const tlsCertFile = str('TLS_CERT_FILE');
  const tlsKeyFile = str('TLS_KEY_FILE');
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) problems.push('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  for (const [name, file] of [
    ['TLS_CERT_FILE', tlsCertFile],
    ['TLS_KEY_FILE', tlsKeyFile],
  ] as const) {
    if (file !== undefined && !existsSync(file)) problems.push(`${name} points to a file that does not exist: ${file}`);
  }

  const trustedProxies = (str('TRUSTED_PROXIES') ?? '').split(/[\s,]+/).filter(Boolean);
  for (const p of trustedProxies) {
    const addr = p.split('/')[0];
    if (!isIP(addr) && !['loopback', 'linklocal', 'uniquelocal'].includes(p))
      problems.push(`TRUSTED_PROXIES has an entry that is not an address or CIDR: "${p}"`);
  }

  const logLevelRaw = (str('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const logLevel = ((LOG_LEVELS as readonly string[]).includes(logLevelRaw) ? logLevelRaw : 'info') as AppConfig['logLevel'];
  const logFormatRaw = (str('LOG_FORMAT') ?? 'auto').toLowerCase();
  if (!LOG_FORMATS.includes(logFormatRaw)) problems.push(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}`);
  const logFormat = (LOG_FORMATS.includes(logFormatRaw) ? logFormatRaw : 'auto') as AppConfig['logFormat'];

  const bootstrapRaw = str('BOOTSTRAP') ?? 'true';
  if (!['true', 'false'].includes(bootstrapRaw)) problems.push('BOOTSTRAP must be true or false');

  const rateLimits = {
    tokenPerMinute: int('RATE_LIMIT_TOKEN_PER_MINUTE', 6000, 0, 10_000_000),
    clientAuthFailures: int('RATE_LIMIT_CLIENT_AUTH_FAILURES', 10, 0, 1_000_000),
    addressAuthFailures: int('RATE_LIMIT_ADDRESS_AUTH_FAILURES', 100, 0, 1_000_000),
    failureWindowSeconds: int('RATE_LIMIT_FAILURE_WINDOW', 300, 1, 86400),
    signInAccountFailures: int('RATE_LIMIT_SIGN_IN_ACCOUNT_FAILURES', 10, 0, 1_000_000),
    signInAccountAddressFailures: int('RATE_LIMIT_SIGN_IN_ACCOUNT_ADDRESS_FAILURES', 5, 0, 1_000_000),
    signInAddressFailures: int('RATE_LIMIT_SIGN_IN_ADDRESS_FAILURES', 20, 0, 1_000_000),
    signUpsPerAddress: int('RATE_LIMIT_SIGN_UPS_PER_ADDRESS', 10, 0, 1_000_000),
    signInWindowSeconds: int('RATE_LIMIT_SIGN_IN_WINDOW', 900, 1, 86400),
    apiKeyPerMinute: int('RATE_LIMIT_API_KEY_PER_MINUTE', 6000, 0, 10_000_000),
  };
  const corsOrigins = parseOrigins(str('CORS_ORIGINS'), problems);
  const apiKeyCacheTtl = int('API_KEY_CACHE_TTL', 30, 0, 3600);
  const benchRaw = str('BENCH_ROUTES') ?? 'false';
  if (!['true', 'false'].includes(benchRaw)) problems.push('BENCH_ROUTES must be true or false');
  if (benchRaw === 'true' && production) problems.push('BENCH_ROUTES=true opens unauthenticated routes and is refused in production');

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    nodeEnv,
    production,
    port,
    host,
    publicUrl,
    issuer: publicUrl,
    audience: str('API_AUDIENCE') ?? `${publicUrl}/v1`,
    databaseUrl,
    dataDir,
    redisUrl,
    redisKeyPrefix,
    masterKey: masterKey as string,
    masterKeyGenerated,
    adminEmail,
    adminPassword,
    accessTokenTtl,
    refreshTokenTtl,
    refreshTokenIdleTtl,
    refreshReuseGraceSeconds,
    sessionTtl,
    signingKeyActivationDelay,
    tlsCertFile,
    tlsKeyFile,
    trustedProxies,
    logLevel,
    logFormat,
    bootstrap: bootstrapRaw === 'true',
    rateLimits,
    corsOrigins,
    apiKeyCacheTtl,
    benchRoutes: benchRaw === 'true',
  });
}

/**
 * CORS_ORIGINS: comma- or space-separated exact origins (scheme://host[:port], no path). No wildcard:
 * the token endpoints take credentials, and `*` would let any site call them from a browser.
 */
function parseOrigins(raw: string | undefined, problems: string[]): string[] {
  const origins: string[] = [];
  for (const entry of (raw ?? '').split(/[\s,]+/).filter(Boolean)) {
    let origin: string | undefined;
    try {
      const u = new URL(entry);
      if (
        (u.protocol === 'http:' || u.protocol === 'https:') &&
        !entry.includes('*') &&
        u.origin === entry.replace(/\/$/, '').toLowerCase() &&
        !u.username &&
        !u.password
      )
        origin = u.origin;
    } catch {
      origin = undefined;
    }
    if (origin === undefined) problems.push(`CORS_ORIGINS entries must be exact origins like https://app.example.com, no wildcard or path (got "${entry}")`);
    else origins.push(origin);
  }
  return [...new Set(origins)];
}

/** Outside production a missing MASTER_KEY is generated once into DATA_DIR and reused after. */
function generatedMasterKey(dataDir: string): string {
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return readFileSync(file, 'utf8').trim(); // another process wrote it first
  }
}
