import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';

const KEY = 'k'.repeat(20) + 'Zq81hQ0x-3uLmP9aVb2c';

/** One bad value of every kind the configuration refuses, and what it says, in order. */
const ALL_BAD = {
  NODE_ENV: 'staging',
  PORT: 'eighty',
  PUBLIC_URL: 'ftp://x',
  DATABASE_URL: 'mysql://x',
  REDIS_URL: 'http://r',
  REDIS_KEY_PREFIX: 'a b',
  MASTER_KEY: 'changeme',
  ADMIN_EMAIL: 'root@localhost',
  ADMIN_PASSWORD: 'short',
  ACCESS_TOKEN_TTL: '-1',
  REFRESH_TOKEN_TTL: '3600',
  REFRESH_TOKEN_IDLE_TTL: '7200',
  REFRESH_REUSE_GRACE_SECONDS: '61',
  SESSION_TTL: '1',
  SIGNING_KEY_ACTIVATION_DELAY: '86401',
  TLS_CERT_FILE: '/nonexistent/cert.pem',
  TRUSTED_PROXIES: 'loopback bogus',
  LOG_LEVEL: 'loud',
  LOG_FORMAT: 'xml',
  BOOTSTRAP: 'yes',
  RATE_LIMIT_TOKEN_PER_MINUTE: '-1',
  RATE_LIMIT_API_KEY_PER_MINUTE: 'x',
  CORS_ORIGINS: '*',
  API_KEY_CACHE_TTL: '3601',
  BENCH_ROUTES: 'yes',
};

const ALL_BAD_PROBLEMS = [
  'NODE_ENV must be development, production or test (got "staging")',
  'PORT must be a whole number from 0 to 65535 (got "eighty")',
  'PUBLIC_URL must be an absolute http(s) URL without query or fragment (got "ftp://x")',
  'DATABASE_URL must be a postgres:// or postgresql:// connection string',
  'REDIS_URL must be a redis:// or rediss:// URL',
  'REDIS_KEY_PREFIX must be 1 to 64 letters, digits, or : _ . -',
  'MASTER_KEY must be at least 32 characters of real randomness (e.g. `openssl rand -base64 32`), not a placeholder',
  'ADMIN_EMAIL must be an email address such as name@example.com (no spaces or quotes, a domain with a dot, at most 254 characters) (got "root@localhost")',
  'ADMIN_PASSWORD must be at least 12 characters',
  'ACCESS_TOKEN_TTL must be a whole number from 30 to 86400 (got "-1")',
  'REFRESH_TOKEN_IDLE_TTL must not exceed REFRESH_TOKEN_TTL',
  'REFRESH_REUSE_GRACE_SECONDS must be a whole number from 0 to 60 (got "61")',
  'SESSION_TTL must be a whole number from 60 to 2592000 (got "1")',
  'SIGNING_KEY_ACTIVATION_DELAY must be a whole number from 0 to 86400 (got "86401")',
  'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
  'TLS_CERT_FILE points to a file that does not exist: /nonexistent/cert.pem',
  'TRUSTED_PROXIES has an entry that is not an address or CIDR: "bogus"',
  'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  'LOG_FORMAT must be one of auto, json, pretty',
  'BOOTSTRAP must be true or false',
  'RATE_LIMIT_TOKEN_PER_MINUTE must be a whole number from 0 to 10000000 (got "-1")',
  'RATE_LIMIT_API_KEY_PER_MINUTE must be a whole number from 0 to 10000000 (got "x")',
  'CORS_ORIGINS entries must be exact origins like https://app.example.com, no wildcard or path (got "*")',
  'API_KEY_CACHE_TTL must be a whole number from 0 to 3600 (got "3601")',
  'BENCH_ROUTES must be true or false',
];

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({ MASTER_KEY: KEY });
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      accessTokenTtl: 900,
      refreshTokenTtl: 2592000,
      databaseUrl: undefined,
      logLevel: 'info',
    });
    expect(c.issuer).toBe('http://localhost:3000');
  });

  it('names every bad value in one error', () => {
    try {
      loadConfig({ MASTER_KEY: KEY, PORT: 'eighty', ACCESS_TOKEN_TTL: '-1', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      throw new Error('should have failed');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const name of ['PORT', 'ACCESS_TOKEN_TTL', 'DATABASE_URL', 'LOG_LEVEL']) expect(msg).toContain(name);
    }
  });

  it('refuses production without a real master key or with http PUBLIC_URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com' })).toThrow(/MASTER_KEY is required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', MASTER_KEY: 'changeme' })).toThrow(
      /MASTER_KEY must be at least 32/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', MASTER_KEY: KEY })).toThrow(/PUBLIC_URL must be an https/);
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com', MASTER_KEY: KEY }).production).toBe(true);
  });

  it('generates a master key into DATA_DIR outside production, once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-config-'));
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    expect(a.masterKeyGenerated).toBe(true);
    expect(a.masterKey).toBe(b.masterKey);
    expect(readFileSync(join(dir, 'master.key'), 'utf8').trim()).toBe(a.masterKey);
  });

  it('keeps the benchmark routes off by default and refuses them in production', () => {
    expect(loadConfig({ MASTER_KEY: KEY })).toMatchObject({ benchRoutes: false, apiKeyCacheTtl: 30 });
    expect(loadConfig({ MASTER_KEY: KEY, BENCH_ROUTES: 'true' }).benchRoutes).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://a.example', MASTER_KEY: KEY, BENCH_ROUTES: 'true' })).toThrow(
      /refused in production/,
    );
    expect(() => loadConfig({ MASTER_KEY: KEY, BENCH_ROUTES: 'yes', API_KEY_CACHE_TTL: '-1' })).toThrow(/BENCH_ROUTES[\s\S]*|API_KEY_CACHE_TTL/);
  });

  it('reads the refresh and session lifetimes, with safe defaults', () => {
    expect(loadConfig({ MASTER_KEY: KEY })).toMatchObject({ refreshTokenIdleTtl: 1209600, refreshReuseGraceSeconds: 0, sessionTtl: 43200 });
    expect(loadConfig({ MASTER_KEY: KEY, REFRESH_TOKEN_TTL: '3600' }).refreshTokenIdleTtl).toBe(3600);
    const c = loadConfig({ MASTER_KEY: KEY, REFRESH_TOKEN_IDLE_TTL: '600', REFRESH_REUSE_GRACE_SECONDS: '5', SESSION_TTL: '900' });
    expect(c).toMatchObject({ refreshTokenIdleTtl: 600, refreshReuseGraceSeconds: 5, sessionTtl: 900 });
    expect(() => loadConfig({ MASTER_KEY: KEY, REFRESH_TOKEN_TTL: '3600', REFRESH_TOKEN_IDLE_TTL: '7200' })).toThrow(/REFRESH_TOKEN_IDLE_TTL/);
    expect(() => loadConfig({ MASTER_KEY: KEY, REFRESH_REUSE_GRACE_SECONDS: '3600' })).toThrow(/REFRESH_REUSE_GRACE_SECONDS/);
  });

  it('reads CORS_ORIGINS as exact origins, none by default, and refuses wildcards, paths and other schemes', () => {
    expect(loadConfig({ MASTER_KEY: KEY }).corsOrigins).toEqual([]);
    expect(loadConfig({ MASTER_KEY: KEY, CORS_ORIGINS: 'https://a.example, http://localhost:5173 https://a.example/' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    for (const bad of ['*', 'https://*.example', 'https://a.example/path', 'ftp://a.example', 'a.example', 'https://u:p@a.example', 'null']) {
      expect(() => loadConfig({ MASTER_KEY: KEY, CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });

  it('reads the sign-in, sign-up and API-key limits and the Redis key prefix, with defaults', () => {
    // Issue 12.6: the account limit is now a slow-down threshold (10); refusals are per account and address (5).
    expect(loadConfig({ MASTER_KEY: KEY })).toMatchObject({
      redisKeyPrefix: 'gatehouse:',
      rateLimits: {
        signInAccountAddressFailures: 5,
        signInAddressFailures: 20,
        signInAccountFailures: 10,
        signUpsPerAddress: 10,
        signInWindowSeconds: 900,
        apiKeyPerMinute: 6000,
      },
    });
    expect(() => loadConfig({ MASTER_KEY: KEY, REDIS_KEY_PREFIX: 'a b', RATE_LIMIT_API_KEY_PER_MINUTE: '-1' })).toThrow(
      /REDIS_KEY_PREFIX[\s\S]*RATE_LIMIT_API_KEY_PER_MINUTE|RATE_LIMIT_API_KEY_PER_MINUTE[\s\S]*REDIS_KEY_PREFIX/,
    );
  });

  it('reads ADMIN_EMAIL with the one email rule (src/platform/email.ts): normalised, and a bad one named', () => {
    expect(loadConfig({ MASTER_KEY: KEY, ADMIN_EMAIL: '  Ops+Admin@Example.COM ' }).adminEmail).toBe('ops+admin@example.com');
    for (const bad of ['root@localhost', 'a@@example.com', 'ops@example.com.', '"ops"@example.com']) {
      expect(() => loadConfig({ MASTER_KEY: KEY, ADMIN_EMAIL: bad })).toThrow(/ADMIN_EMAIL must be an email address/);
    }
  });

  it('names the problems in the order the settings are read, one concern after another, all of them at once', () => {
    expect(() => loadConfig(ALL_BAD)).toThrow(new ConfigError(ALL_BAD_PROBLEMS));
    expect(() => loadConfig(ALL_BAD)).toThrow(`Invalid configuration:\n  - ${ALL_BAD_PROBLEMS.join('\n  - ')}`);
  });

  it('returns one frozen object with the flat field names, in the order the concerns compose it', () => {
    const c = loadConfig({ MASTER_KEY: KEY });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.keys(c)).toEqual([
      ...['nodeEnv', 'production', 'port', 'host', 'publicUrl', 'issuer', 'audience', 'databaseUrl', 'dataDir', 'redisUrl', 'redisKeyPrefix'],
      ...['masterKey', 'masterKeyGenerated', 'adminEmail', 'adminPassword', 'accessTokenTtl', 'refreshTokenTtl', 'refreshTokenIdleTtl'],
      ...['refreshReuseGraceSeconds', 'sessionTtl', 'signingKeyActivationDelay', 'tlsCertFile', 'tlsKeyFile', 'trustedProxies', 'logLevel'],
      ...['logFormat', 'bootstrap', 'rateLimits', 'corsOrigins', 'apiKeyCacheTtl', 'benchRoutes', 'smtpUrl', 'mailFrom'],
    ]);
  });

  describe('.env.example and the README', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    // Every concern of the configuration lives in this folder (config.ts composes the *.settings.ts files).
    const source = readdirSync(import.meta.dirname)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
      .map((f) => readFileSync(join(import.meta.dirname, f), 'utf8'))
      .join('\n');
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const names = [...new Set([...source.matchAll(/\b(?:str|int)\('([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]))];

    it('name every variable the configuration reads', () => {
      expect(names.length).toBeGreaterThan(30);
      for (const name of names) {
        expect({ name, inExample: new RegExp(`^${name}=`, 'm').test(example) }).toEqual({ name, inExample: true });
        expect({ name, inReadme: readme.includes(`\`${name}\``) }).toEqual({ name, inReadme: true });
      }
    });

    it('.env.example holds the defaults: loading it changes nothing', () => {
      const fromExample = Object.fromEntries(
        example
          .split('\n')
          .filter((l) => /^[A-Z][A-Z0-9_]*=./.test(l))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      expect(loadConfig({ ...fromExample, MASTER_KEY: KEY })).toEqual(loadConfig({ MASTER_KEY: KEY }));
    });
  });
});
