import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { RateLimitService, type Policy } from '../platform/rate-limit/rate-limit.service.js';

/**
 * Per-key rate limit on the Data API (RATE_LIMIT_API_KEY_PER_MINUTE): requests made with an API key
 * are counted per key, on every instance together when REDIS_URL is set. Past the limit: 429 problem
 * details with Retry-After, RateLimit and RateLimit-Policy; below it, the same two headers tell the
 * caller what is left. Runs after the global AuthGuard, so the key is already verified (an unknown key
 * never creates a counter). Bearer requests are not limited here.
 */
@Injectable()
export class ApiKeyRateLimitGuard implements CanActivate {
  private readonly policy: Policy;

  constructor(
    private readonly limits: RateLimitService,
    @InjectConfig() config: AppConfig,
  ) {
    this.policy = { name: 'api-key', limit: config.rateLimits.apiKeyPerMinute, windowSeconds: 60 };
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (this.policy.limit <= 0) return true; // switched off: no promise, no look-up
    const http = context.switchToHttp();
    const keyId = http.getRequest<FastifyRequest>().principal?.apiKeyId;
    if (keyId === undefined) return true;
    return this.limits.consume(this.policy, keyId, 'Too many requests with this API key').then((headers) => {
      if (headers) http.getResponse<FastifyReply>().headers(headers);
      return true;
    });
  }
}
