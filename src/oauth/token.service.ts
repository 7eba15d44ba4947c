import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClientUsageService } from '../clients/client-usage.service.js';
import { FormBody } from '../platform/http/form.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { RateLimitService, type Policy } from '../platform/rate-limit/rate-limit.service.js';
import { ClientAuthService, repeated } from './client-auth.service.js';
import { GRANT_HANDLERS, type GrantHandler, type TokenResponse } from './grants/grant.js';
import { OAuthError } from './oauth.error.js';

/** Reads the form body of an OAuth endpoint, refusing any other content type and any parameter sent twice (docs/contract.md: 400 invalid_request). */
export function requireForm(req: FastifyRequest): FormBody {
  if (req.body instanceof FormBody) {
    if (req.body.hasNul()) throw OAuthError.invalidRequest('The request holds a NUL character, which no parameter may contain');
    // Every parameter, not only those the grant reads: RFC 6749 3.2 and docs/contract.md ("a parameter sent twice is 400").
    const twice = req.body.repeatedName();
    if (twice !== undefined) throw repeated(twice.slice(0, 60));
    return req.body;
  }
  const type = req.headers['content-type'];
  throw OAuthError.invalidRequest(
    `The request body must be application/x-www-form-urlencoded${type ? ` (got ${String(type).split(';')[0].slice(0, 60)})` : ' (no body was sent)'}`,
  );
}

/** POST /oauth2/token: checks the request, authenticates the client, hands over to the grant. */
@Injectable()
export class TokenService {
  private readonly handlers: Map<string, GrantHandler>;
  private readonly perAddress: Policy;

  constructor(
    private readonly clientAuth: ClientAuthService,
    private readonly limits: RateLimitService,
    private readonly usage: ClientUsageService,
    @InjectConfig() config: AppConfig,
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
  ) {
    this.handlers = new Map(handlers.map((h) => [h.grantType, h]));
    this.perAddress = { name: 'token', limit: config.rateLimits.tokenPerMinute, windowSeconds: 60 };
  }

  supportedGrantTypes(): string[] {
    return [...this.handlers.keys()];
  }

  async exchange(req: FastifyRequest): Promise<TokenResponse> {
    const form = requireForm(req);
    const grantType = form.one('grant_type', repeated);
    if (grantType === undefined) {
      throw OAuthError.invalidRequest(`The grant_type parameter is missing; use one of: ${this.supportedGrantTypes().join(', ')}`);
    }
    const handler = this.handlers.get(grantType);
    if (!handler) {
      throw OAuthError.unsupportedGrantType(
        `The grant_type '${grantType.slice(0, 60)}' is not supported; use one of: ${this.supportedGrantTypes().join(', ')} (password and implicit grants are not offered)`,
      );
    }
    await this.limits.consume(this.perAddress, req.ip);
    const client = await this.clientAuth.authenticate(req.headers.authorization, form, req.ip);
    const issued = await handler.handle({ client, form, ip: req.ip });
    this.usage.touch(client.client.id); // last_used_at: a Map write here, one batched UPDATE later
    return issued;
  }
}
