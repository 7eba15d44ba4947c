import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RateLimiter } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { RateLimitService, type Policy } from '../platform/rate-limit/rate-limit.service.js';

/**
 * `@Auth({ rateLimit: 'api-key' })`, the per-key limit of the Data API (RATE_LIMIT_API_KEY_PER_MINUTE):
 * requests made with an API key are counted per key, on every instance together when REDIS_URL is
 * set. Past the limit: 429 problem details with Retry-After, RateLimit and RateLimit-Policy; below
 * it, the same two headers tell the caller what is left. The guard calls it after authentication, so
 * the key is already verified (an unknown key never creates a counter). Bearer requests are not limited here.
 */
@Injectable()
export class ApiKeyRateLimiter implements RateLimiter {
  readonly policy = 'api-key';
  private readonly limit: Policy;

  constructor(
    private readonly limits: RateLimitService,
    @InjectConfig() config: AppConfig,
  ) {
    this.limit = { name: 'api-key', limit: config.rateLimits.apiKeyPerMinute, windowSeconds: 60 };
  }

  consume(principal: Principal, reply: FastifyReply): void | Promise<void> {
    if (this.limit.limit <= 0) return; // switched off: no promise, no look-up
    const keyId = principal.apiKeyId;
    if (keyId === undefined) return;
    return this.limits.consume(this.limit, keyId, 'Too many requests with this API key').then((headers) => {
      if (headers) void reply.headers(headers);
    });
  }
}
