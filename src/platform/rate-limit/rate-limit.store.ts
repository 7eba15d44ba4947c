import type { Redis } from 'ioredis';

/** A fixed-window counter: how many hits in the current window, and ms until it resets. */
export interface Hit {
  count: number;
  resetMs: number;
}

export interface RateLimitStore {
  /** Counts one hit (or `by`) against `key` in a window of `windowMs`. */
  hit(key: string, windowMs: number, by?: number): Promise<Hit>;
  /** The current count without adding to it. */
  peek(key: string): Promise<Hit>;
  /** Takes `by` (one by default) back from a live counter (never creates one, never below zero). */
  undo(key: string, by?: number): Promise<Hit>;
  /** Forgets the counter. */
  reset(key: string): Promise<Hit>;
  close(): Promise<void>;
}

/** One process: counters in a Map, swept every minute. */
export class MemoryStore implements RateLimitStore {
  private readonly counters = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  hit(key: string, windowMs: number, by = 1): Promise<Hit> {
    const now = Date.now();
    let c = this.counters.get(key);
    if (!c || c.resetAt <= now) {
      c = { count: 0, resetAt: now + windowMs };
      this.counters.set(key, c);
    }
    c.count += by;
    return Promise.resolve({ count: c.count, resetMs: c.resetAt - now });
  }

  peek(key: string): Promise<Hit> {
    const now = Date.now();
    const c = this.counters.get(key);
    return Promise.resolve(!c || c.resetAt <= now ? { count: 0, resetMs: 0 } : { count: c.count, resetMs: c.resetAt - now });
  }

  undo(key: string, by = 1): Promise<Hit> {
    const c = this.counters.get(key);
    if (c) c.count = Math.max(0, c.count - by);
    return this.peek(key);
  }

  reset(key: string): Promise<Hit> {
    this.counters.delete(key);
    return Promise.resolve({ count: 0, resetMs: 0 });
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, c] of this.counters) if (c.resetAt <= now) this.counters.delete(k);
  }
}

const HIT_SCRIPT = `local c = redis.call('INCRBY', KEYS[1], ARGV[2])
if c == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`;

const UNDO_SCRIPT = `local c = tonumber(redis.call('GET', KEYS[1]) or '0')
local by = math.min(c, tonumber(ARGV[1]))
if by > 0 then c = redis.call('DECRBY', KEYS[1], by) end
return {c, redis.call('PTTL', KEYS[1])}`;

/** Shared by every instance through Redis (REDIS_URL): INCRBY + PEXPIRE in one atomic script. */
export class RedisStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'gatehouse:rl:',
  ) {}

  async hit(key: string, windowMs: number, by = 1): Promise<Hit> {
    const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.prefix + key, windowMs, by)) as [number, number];
    return { count, resetMs: ttl };
  }

  async peek(key: string): Promise<Hit> {
    const [count, ttl] = await Promise.all([this.redis.get(this.prefix + key), this.redis.pttl(this.prefix + key)]);
    return { count: Number(count ?? 0), resetMs: Math.max(0, ttl) };
  }

  async undo(key: string, by = 1): Promise<Hit> {
    const [count, ttl] = (await this.redis.eval(UNDO_SCRIPT, 1, this.prefix + key, by)) as [number, number];
    return { count, resetMs: Math.max(0, ttl) };
  }

  async reset(key: string): Promise<Hit> {
    await this.redis.del(this.prefix + key);
    return { count: 0, resetMs: 0 };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
