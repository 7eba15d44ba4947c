import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { ApiKeyVerifier } from './api-key-verifier.service.js';
import type { Principal } from '../auth/principal.js';

export const API_KEY_HEADER = 'x-api-key';

/** passport-headerapikey: the key from `X-API-Key` (the guard hands it the query form the same way). */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'headerapikey') {
  constructor(private readonly verifier: ApiKeyVerifier) {
    super({ header: 'X-API-Key', prefix: '' }, false);
  }

  /** passport's verify step, also called directly by AuthGuard: synchronous on a cache hit, a promise otherwise. */
  validate(apiKey: string): Principal | Promise<Principal> {
    return this.verifier.verifyNow(apiKey) ?? this.verifier.verify(apiKey);
  }
}
