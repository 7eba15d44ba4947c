import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/config.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { ACCOUNT_LIMIT, ADDRESS_LIMIT, SIGN_UP_LIMIT, SignInThrottle } from './sign-in-throttle.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Throttles sharing one store: in memory (one instance), or Redis (several instances) with a prefix of their own. */
async function throttles(shared: boolean, n = 1): Promise<{ all: SignInThrottle[]; close(): Promise<void> }> {
  const env = {
    MASTER_KEY: 'k'.repeat(20) + 'Zq81hQ0x-3uLmP9aVb2c',
    ...(shared ? { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomBytes(6).toString('hex')}:` } : {}),
  };
  const config = loadConfig(env);
  const services = Array.from({ length: n }, () => new RateLimitService(config));
  await Promise.all(services.map((s) => s.onModuleInit()));
  return {
    all: services.map((s) => new SignInThrottle(s, config)),
    close: async () => {
      await Promise.all(services.map((s) => s.onModuleDestroy()));
    },
  };
}

/** Runs `attempts` failed sign-ins (begin, never succeeded). */
async function fail(t: SignInThrottle, email: string, ip: string, attempts: number): Promise<void> {
  for (let i = 0; i < attempts; i++) expect(await t.begin(email, ip)).toBe(0);
}

describe.each([
  ['in memory', false],
  ['in Redis', true],
])('SignInThrottle %s', (_name, shared) => {
  let ctx: Awaited<ReturnType<typeof throttles>>;
  afterEach(() => ctx.close());

  it('locks an account after ACCOUNT_LIMIT failures from any address, and a success clears it', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await fail(t, 'a@example.com', `10.0.0.${i}`, 1);
    expect(await t.begin('a@example.com', '10.9.9.9')).toBeGreaterThan(0);
    expect(await t.begin('b@example.com', '10.9.9.9')).toBe(0);
    await t.succeeded('a@example.com', '10.9.9.9');
    expect(await t.begin('a@example.com', '10.9.9.9')).toBe(0);
  });

  it('locks an address after ADDRESS_LIMIT failures across accounts; successes do not count against it', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    for (let i = 0; i < 30; i++) {
      expect(await t.begin('ok@example.com', '10.0.0.1')).toBe(0);
      await t.succeeded('ok@example.com', '10.0.0.1');
    }
    for (let i = 0; i < ADDRESS_LIMIT; i++) await fail(t, `u${i}@example.com`, '10.0.0.1', 1);
    expect(await t.begin('new@example.com', '10.0.0.1')).toBeGreaterThan(0);
    expect(await t.begin('new@example.com', '10.0.0.2')).toBe(0);
  });

  it('a parallel burst cannot slip under the account limit', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    const waits = await Promise.all(Array.from({ length: 50 }, (_, i) => t.begin('burst@example.com', `10.1.0.${i}`)));
    expect(waits.filter((w) => w === 0)).toHaveLength(ACCOUNT_LIMIT);
  });

  it('an abandoned attempt (database down) does not count', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    for (let i = 0; i < ACCOUNT_LIMIT * 3; i++) {
      expect(await t.begin('x@example.com', '10.0.0.3')).toBe(0);
      await t.abandoned('x@example.com', '10.0.0.3');
    }
  });

  it('limits sign-up attempts per address', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    for (let i = 0; i < SIGN_UP_LIMIT; i++) expect(await t.signUpAttempt('10.0.0.1')).toBe(0);
    expect(await t.signUpAttempt('10.0.0.1')).toBeGreaterThan(0);
    expect(await t.signUpAttempt('10.0.0.2')).toBe(0);
  });
});

describe('SignInThrottle on several instances sharing Redis', () => {
  it('counts failures on every instance against the account and the address', async () => {
    const ctx = await throttles(true, 3);
    try {
      const [a, b, c] = ctx.all;
      for (let i = 0; i < ACCOUNT_LIMIT; i++) await fail(ctx.all[i % 3], 'shared@example.com', `10.2.0.${i}`, 1);
      expect(await b.begin('shared@example.com', '10.2.9.9')).toBeGreaterThan(0);
      expect(await c.begin('shared@example.com', '10.2.9.8')).toBeGreaterThan(0);
      // A success on one clears the account for all.
      await a.succeeded('shared@example.com', '10.2.9.7');
      expect(await c.begin('shared@example.com', '10.2.9.8')).toBe(0);
      for (let i = 0; i < SIGN_UP_LIMIT; i++) expect(await ctx.all[i % 3].signUpAttempt('10.3.0.1')).toBe(0);
      expect(await b.signUpAttempt('10.3.0.1')).toBeGreaterThan(0);
    } finally {
      await ctx.close();
    }
  });
});
