import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import type { Authenticator } from '../auth/authenticator.js';
import { StrategyRunner } from '../auth/passport-run.js';
import type { Principal } from '../auth/principal.js';
import { ResourceAuthError } from '../auth/resource-auth.error.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { ApiKeyVerifier } from './api-key-verifier.service.js';

export const API_KEY_HEADER = 'x-api-key';
const HOW_KEY = "send the header 'X-API-Key: <key>'";
/** RFC 9745: the `api_key` query parameter is deprecated since 2026-11-28 (the header form replaces it). */
export const QUERY_KEY_DEPRECATION = '@1795824000';

/** passport-headerapikey: the key from `X-API-Key` (ApiKeyAuthenticator hands it the query form the same way). */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'headerapikey') {
  constructor(private readonly verifier: ApiKeyVerifier) {
    super({ header: 'X-API-Key', prefix: '' }, false);
  }

  /** passport's verify step (ApiKeyAuthenticator runs the strategy with it): synchronous on a cache hit, a promise otherwise. */
  validate(apiKey: string): Principal | Promise<Principal> {
    return this.verifier.verifyNow(apiKey) ?? this.verifier.verify(apiKey);
  }
}

/**
 * The `apiKey` scheme of `@Auth()`: a key in `X-API-Key`, or (deprecated) in the `api_key` query
 * parameter, read by passport-headerapikey (ApiKeyStrategy).
 */
@Injectable()
export class ApiKeyAuthenticator implements Authenticator {
  readonly scheme = 'apiKey';
  readonly weak = false;
  readonly challenge = 'ApiKey';
  readonly noun = 'API key';
  readonly how = HOW_KEY;
  private readonly run: StrategyRunner<Principal>;
  private readonly deprecationLink: string;

  constructor(strategy: ApiKeyStrategy, @InjectConfig() config: AppConfig) {
    this.deprecationLink = `<${config.publicUrl}/docs#/Data>; rel="deprecation"; type="text/html"`;
    this.run = new StrategyRunner<Principal>({
      strategy,
      verifyField: 'verify',
      verify: (key) => strategy.validate(key),
      refuse: () => ResourceAuthError.malformed(`The API key could not be read: ${HOW_KEY}`, 'ApiKey'),
    });
  }

  present(req: FastifyRequest): boolean {
    return req.headers[API_KEY_HEADER] !== undefined || (req.query as Record<string, unknown> | undefined)?.api_key !== undefined;
  }

  authenticate(req: FastifyRequest, reply: FastifyReply): Principal | Promise<Principal> {
    const headerKey = req.headers[API_KEY_HEADER];
    const queryKey = (req.query as Record<string, unknown> | undefined)?.api_key;
    // X-API-Key is not Authorization: a shared cache could store the answer for someone else.
    reply.header('Cache-Control', 'no-store');
    if (queryKey !== undefined) reply.header('Deprecation', QUERY_KEY_DEPRECATION).header('Link', this.deprecationLink);
    if (headerKey !== undefined && queryKey !== undefined) {
      throw ResourceAuthError.badRequest(`Send the API key once: in the X-API-Key header, not also in the api_key query parameter`, 'ApiKey');
    }
    if (req.headers.authorization !== undefined) {
      throw ResourceAuthError.twoCredentials('API key', 'Authorization header', 'ApiKey');
    }
    const value: unknown = headerKey ?? queryKey;
    const where = headerKey !== undefined ? 'X-API-Key header' : 'api_key query parameter';
    if (Array.isArray(value)) throw ResourceAuthError.badRequest(`The ${where} was given more than once; send one API key`, 'ApiKey');
    if (typeof value !== 'string' || value.trim() === '') throw ResourceAuthError.malformed(`The ${where} is empty: ${HOW_KEY}`, 'ApiKey');
    return this.run.run({ headers: { [API_KEY_HEADER]: value } });
  }
}
