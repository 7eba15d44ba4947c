import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { ProblemCode, ProblemError } from '../http/problem.js';
import type { AppConfig } from '../config/config.js';
import { InjectConfig } from '../config/config.module.js';
import { MemoryStore, RedisStore, type Hit, type RateLimitStore } from './rate-limit.store.js';

export interface Policy {
  /** Name used in keys and in the RateLimit-Policy header. */
  name: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window rate limits, in memory or shared through Redis (REDIS_URL). When Redis cannot be
 * reached the limits fall back to this process's memory instead of failing requests: a limiter
 * must not turn a Redis outage into an authentication outage.
 */
@Injectable()
export class RateLimitService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RateLimitService.name);
  private readonly memory = new MemoryStore();
  private readonly shared: RateLimitStore | undefined;
  private readonly redis: Redis | undefined;
  private warnedAt = 0;

  constructor(@InjectConfig() config: AppConfig) {
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, lazyConnect: false });
      this.redis.on('error', (e: Error) => this.warn(`redis: ${e.message}`));
      this.shared = new RedisStore(this.redis, `${config.redisKeyPrefix}rl:`);
    }
  }

  /** Waits (at most a few seconds) for Redis, so the first requests after a start count in the shared store. */
  async onModuleInit(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((done) => {
      const finish = (): void => {
        clearTimeout(timer);
        redis.off('ready', finish);
        redis.off('error', finish);
        done();
      };
      const timer = setTimeout(finish, 3000);
      redis.once('ready', finish);
      redis.once('error', finish);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.memory.close();
    await this.shared?.close();
  }

  /**
   * Counts a hit; throws 429 when over the limit. A limit of 0 switches the policy off. Returns the
   * `RateLimit` and `RateLimit-Policy` headers of an allowed request (undefined when off).
   */
  async consume(policy: Policy, key: string, message = 'Too many requests'): Promise<Record<string, string> | undefined> {
    if (policy.limit <= 0) return undefined;
    const hit = await this.store((s) => s.hit(`${policy.name}:${key}`, policy.windowSeconds * 1000));
    if (hit.count > policy.limit) throw tooMany(policy, hit, message);
    return {
      'RateLimit-Policy': `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`,
      RateLimit: `"${policy.name}";r=${policy.limit - hit.count};t=${Math.max(1, Math.ceil(hit.resetMs / 1000))}`,
    };
  }

  /** Throws 429 when `key` is already over the limit (e.g. of failures), without counting. */
  async assertUnder(policy: Policy, key: string, message: string): Promise<void> {
    if (policy.limit <= 0) return;
    const hit = await this.store((s) => s.peek(`${policy.name}:${key}`));
    if (hit.count >= policy.limit) throw tooMany(policy, hit, message);
  }

  /**
   * Counts a hit and answers, instead of throwing, how many seconds to wait when it went over the
   * limit (0 = go on). Counting before the work, not after it, means parallel requests cannot all
   * slip under the limit together.
   */
  async take(policy: Policy, key: string): Promise<number> {
    if (policy.limit <= 0) return 0;
    const hit = await this.store((s) => s.hit(`${policy.name}:${key}`, policy.windowSeconds * 1000));
    return hit.count > policy.limit ? Math.max(1, Math.ceil(hit.resetMs / 1000)) : 0;
  }

  /** Takes back `by` hits (one by default) counted by `take` (the attempts turned out not to count, e.g. one succeeded). */
  async giveBack(policy: Policy, key: string, by = 1): Promise<void> {
    if (policy.limit <= 0 || by <= 0) return;
    await this.store((s) => s.undo(`${policy.name}:${key}`, by));
  }

  /** Counts a hit, never refusing; returns the count in the current window (0 when the policy is off). */
  async tally(policy: Policy, key: string): Promise<number> {
    if (policy.limit <= 0) return 0;
    return (await this.store((s) => s.hit(`${policy.name}:${key}`, policy.windowSeconds * 1000))).count;
  }

  /** The hits counted against `key` in its current window (0 when the policy is off). */
  async count(policy: Policy, key: string): Promise<number> {
    if (policy.limit <= 0) return 0;
    return (await this.store((s) => s.peek(`${policy.name}:${key}`))).count;
  }

  /** Forgets the count of `key`. */
  async reset(policy: Policy, key: string): Promise<void> {
    if (policy.limit <= 0) return;
    await this.store((s) => s.reset(`${policy.name}:${key}`));
  }

  /** The 429 for a policy `take` found over its limit. */
  static tooMany(policy: Policy, retryAfterSeconds: number, message: string): ProblemError {
    return tooMany(policy, { count: policy.limit + 1, resetMs: retryAfterSeconds * 1000 }, message);
  }

  /** Counts a failure against `key`. */
  async record(policy: Policy, key: string): Promise<void> {
    await this.tally(policy, key);
  }

  private async store(op: (s: RateLimitStore) => Promise<Hit>): Promise<Hit> {
    if (this.shared) {
      try {
        return await op(this.shared);
      } catch (err) {
        this.warn(`shared rate limits unavailable, using this instance's memory: ${(err as Error).message}`);
      }
    }
    return op(this.memory);
  }

  private warn(message: string): void {
    if (Date.now() - this.warnedAt < 30_000) return;
    this.warnedAt = Date.now();
    this.logger.warn(message);
  }
}

function tooMany(policy: Policy, hit: Hit, message: string): ProblemError {
  const retryAfter = Math.max(1, Math.ceil(hit.resetMs / 1000));
  return new ProblemError(ProblemCode.TooManyRequests, `${message}; retry after ${retryAfter} seconds`, undefined, {
    'Retry-After': String(retryAfter),
    'RateLimit-Policy': `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`,
    RateLimit: `"${policy.name}";r=0;t=${retryAfter}`,
  });
}
