import { randomBytes } from 'node:crypto';
import { loadConfig } from '../platform/config/config.js';
import { RateLimitService } from '../platform/rate-limit/rate-limit.service.js';
import { ACCOUNT_ADDRESS_LIMIT, ADDRESS_LIMIT, SIGN_UP_LIMIT, SignInThrottle, slowDown, SLOWDOWN_BASE_MS, SLOWDOWN_MAX_MS } from './sign-in-throttle.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Throttles sharing one store: in memory (one instance), or Redis (several instances) with a prefix of their own. */
async function throttles(shared: boolean, n = 1, extra: Record<string, string> = {}): Promise<{ all: SignInThrottle[]; close(): Promise<void> }> {
  const env = {
    MASTER_KEY: 'k'.repeat(20) + 'Zq81hQ0x-3uLmP9aVb2c',
    ...extra,
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

const never = null;

/** Runs `attempts` failed sign-ins (begin, never succeeded), each let through. */
async function fail(t: SignInThrottle, email: string, ip: string, attempts: number): Promise<void> {
  for (let i = 0; i < attempts; i++) expect((await t.begin(email, never, ip)).refused).toBeNull();
}

describe('slowDown', () => {
  it('waits nothing up to the threshold, then doubles from the base up to the cap; 0 switches it off', () => {
    expect(slowDown(10, 10)).toBe(0);
    expect(slowDown(11, 10)).toBe(SLOWDOWN_BASE_MS);
    expect(slowDown(12, 10)).toBe(2 * SLOWDOWN_BASE_MS);
    expect(slowDown(1000, 10)).toBe(SLOWDOWN_MAX_MS);
    expect(slowDown(1_000_000, 0)).toBe(0);
  });
});

describe.each([
  ['in memory', false],
  ['in Redis', true],
])('SignInThrottle %s', (_name, shared) => {
  let ctx: Awaited<ReturnType<typeof throttles>>;
  afterEach(() => ctx.close());

  it('refuses an address that failed ACCOUNT_ADDRESS_LIMIT times on an account, for that account only; others and the owner go on', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    await fail(t, 'a@example.com', '10.0.0.1', ACCOUNT_ADDRESS_LIMIT);
    const refused = await t.begin('a@example.com', never, '10.0.0.1');
    expect(refused.refused).toBe('account_address');
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect((await t.begin('b@example.com', never, '10.0.0.1')).refused).toBeNull();
    const owner = await t.begin('a@example.com', never, '10.9.9.9');
    expect(owner.refused).toBeNull();
    await t.succeeded(owner);
  });

  it('never refuses an account failing from many addresses: it slows every attempt on it down instead', async () => {
    ctx = await throttles(shared, 1, { RATE_LIMIT_SIGN_IN_ACCOUNT_FAILURES: '4' });
    const [t] = ctx.all;
    for (let i = 0; i < 6; i++) await fail(t, 'a@example.com', `10.0.1.${i}`, 1);
    const started = Date.now();
    const owner = await t.begin('a@example.com', never, '10.9.9.9');
    expect(owner.refused).toBeNull();
    expect(owner.slowedMs).toBe(4 * SLOWDOWN_BASE_MS);
    expect(Date.now() - started).toBeGreaterThanOrEqual(owner.slowedMs - 5);
    expect((await t.begin('other@example.com', never, '10.9.9.9')).slowedMs).toBe(0);
  });

  it("a success forgives its own address's failures, not the others'", async () => {
    ctx = await throttles(shared, 1, { RATE_LIMIT_SIGN_IN_ACCOUNT_FAILURES: '4' });
    const [t] = ctx.all;
    await fail(t, 'a@example.com', '10.0.2.1', 4);
    await t.succeeded(await t.begin('a@example.com', never, '10.0.2.1'));
    // The owner's own typos are gone: the address may fail again, and the account is not slowed.
    expect((await t.begin('a@example.com', never, '10.0.2.2')).slowedMs).toBe(0);
    await fail(t, 'a@example.com', '10.0.2.3', 4);
    await t.succeeded(await t.begin('a@example.com', never, '10.0.2.1'));
    expect((await t.begin('a@example.com', never, '10.0.2.1')).slowedMs).toBe(2 * SLOWDOWN_BASE_MS);
  });

  it('refuses an address after ADDRESS_LIMIT failures across accounts; successes do not count against it', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    for (let i = 0; i < 30; i++) await t.succeeded(await t.begin('ok@example.com', never, '10.0.0.1'));
    for (let i = 0; i < ADDRESS_LIMIT; i++) await fail(t, `u${i}@example.com`, '10.0.0.1', 1);
    expect((await t.begin('new@example.com', never, '10.0.0.1')).refused).toBe('address');
    expect((await t.begin('new@example.com', never, '10.0.0.2')).refused).toBeNull();
  });

  it('a parallel burst from one address cannot slip under the account-and-address limit', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    const attempts = await Promise.all(Array.from({ length: 50 }, () => t.begin('burst@example.com', never, '10.1.0.1')));
    expect(attempts.filter((a) => a.refused === null)).toHaveLength(ACCOUNT_ADDRESS_LIMIT);
  });

  it('an unlock (a new unlocked_at) starts every count of the account afresh', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    await fail(t, 'a@example.com', '10.0.3.1', ACCOUNT_ADDRESS_LIMIT);
    expect((await t.begin('a@example.com', never, '10.0.3.1')).refused).toBe('account_address');
    expect((await t.begin('a@example.com', new Date(), '10.0.3.1')).refused).toBeNull();
  });

  it('an abandoned attempt (database down) does not count', async () => {
    ctx = await throttles(shared);
    const [t] = ctx.all;
    for (let i = 0; i < ACCOUNT_ADDRESS_LIMIT * 3; i++) {
      const a = await t.begin('x@example.com', never, '10.0.0.3');
      expect(a.refused).toBeNull();
      await t.abandoned(a);
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
  it('counts failures on every instance against the account, the pair and the address', async () => {
    const ctx = await throttles(true, 3, { RATE_LIMIT_SIGN_IN_ACCOUNT_FAILURES: '3' });
    try {
      const [a, b, c] = ctx.all;
      for (let i = 0; i < ACCOUNT_ADDRESS_LIMIT; i++) await fail(ctx.all[i % 3], 'shared@example.com', '10.2.0.1', 1);
      expect((await b.begin('shared@example.com', never, '10.2.0.1')).refused).toBe('account_address');
      expect((await c.begin('shared@example.com', never, '10.2.9.8')).slowedMs).toBeGreaterThan(0);
      // A success on one forgives that address on all.
      await a.succeeded(await a.begin('shared@example.com', never, '10.2.9.7'));
      for (let i = 0; i < SIGN_UP_LIMIT; i++) expect(await ctx.all[i % 3].signUpAttempt('10.3.0.1')).toBe(0);
      expect(await b.signUpAttempt('10.3.0.1')).toBeGreaterThan(0);
    } finally {
      await ctx.close();
    }
  });
});
