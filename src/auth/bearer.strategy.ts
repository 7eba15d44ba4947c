import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { LiveAccessTokens } from '../oauth/live-access-tokens.service.js';
import type { Principal } from './principal.js';

/**
 * passport-http-bearer: the token from `Authorization: Bearer`, verified as a Gatehouse JWT and
 * checked against revocations (revoked jti, revoked grant, disabled user; cached a few seconds).
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly tokens: LiveAccessTokens) {
    super();
  }

  async validate(token: string): Promise<Principal> {
    const claims = await this.tokens.verify(token);
    const isClient = claims.sub === claims.client_id && claims.gid === undefined;
    return {
      kind: isClient ? 'client' : 'user',
      subject: claims.sub,
      userId: isClient ? undefined : claims.sub,
      clientId: claims.client_id,
      scopes: new Set(claims.scope.split(' ').filter(Boolean)),
      scheme: 'bearer',
    };
  }
}
