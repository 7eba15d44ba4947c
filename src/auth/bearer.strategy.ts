import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import type { AccessTokenClaims } from '../oauth/access-token.service.js';
import { LiveAccessTokens } from '../oauth/live-access-tokens.service.js';
import type { Principal } from './principal.js';

/**
 * passport-http-bearer: the token from `Authorization: Bearer`, verified as a Gatehouse JWT and
 * checked against revocations (revoked jti, revoked grant, disabled user; cached a few seconds).
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  /** One Principal per cached (frozen) claims object: a token seen again does not rebuild its scope set. */
  private readonly principals = new WeakMap<AccessTokenClaims, Principal>();

  constructor(private readonly tokens: LiveAccessTokens) {
    super();
  }

  /**
   * passport's verify step, also called directly by AuthGuard. Synchronous when the token was verified
   * before and its revocation answers are cached (the hot path); a promise otherwise.
   */
  validate(token: string): Principal | Promise<Principal> {
    const claims = this.tokens.verifyNow(token);
    if (claims) return this.principalOf(claims);
    return this.tokens.verify(token).then((c) => this.principalOf(c));
  }

  private principalOf(claims: AccessTokenClaims): Principal {
    let principal = this.principals.get(claims);
    if (!principal) {
      principal = toPrincipal(claims);
      if (Object.isFrozen(claims)) this.principals.set(claims, principal);
    }
    return principal;
  }
}

function toPrincipal(claims: AccessTokenClaims): Principal {
  const isClient = claims.sub === claims.client_id && claims.gid === undefined;
  return Object.freeze({
    kind: isClient ? 'client' : 'user',
    subject: claims.sub,
    userId: isClient ? undefined : claims.sub,
    clientId: claims.client_id,
    ...(typeof claims.gid === 'string' ? { grantId: claims.gid } : {}),
    scopes: new Set(claims.scope.split(' ').filter(Boolean)),
    scheme: 'bearer',
  });
}
