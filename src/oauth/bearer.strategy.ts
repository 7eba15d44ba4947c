import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import type { AccessTokenClaims } from './access-token.service.js';
import { LiveAccessTokens } from './live-access-tokens.service.js';
import { AuthMemo } from '../auth/auth-memo.js';
import type { Principal } from '../auth/principal.js';

/**
 * passport-http-bearer: the token from `Authorization: Bearer`, verified as a Gatehouse JWT and
 * checked against revocations (revoked jti, revoked grant, disabled user; cached a few seconds).
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  /** One Principal per cached (frozen) claims object: a token seen again does not rebuild its scope set. */
  private readonly principals = new WeakMap<AccessTokenClaims, Principal>();

  /** A token's whole answer for up to a second while nothing changes anywhere (see AuthMemo). */
  private readonly memo: AuthMemo<Principal>;

  constructor(
    private readonly tokens: LiveAccessTokens,
    bus: ChangeBus,
  ) {
    super();
    this.memo = new AuthMemo(bus);
  }

  /** The Principal of a token checked in full within the last second, if nothing changed since; no parsing, no I/O. */
  known(token: string): Principal | undefined {
    return this.memo.get(token, Date.now());
  }

  /**
   * passport's verify step, also called directly by AuthGuard. Synchronous when the token was verified
   * before and its revocation answers are cached (the hot path); a promise otherwise.
   */
  validate(token: string): Principal | Promise<Principal> {
    const now = Date.now();
    const known = this.memo.get(token, now);
    if (known) return known;
    const epoch = this.memo.epoch;
    const claims = this.tokens.verifyNow(token);
    if (claims) return this.remember(token, claims, epoch, now);
    return this.tokens.verify(token).then((c) => this.remember(token, c, epoch, now));
  }

  private remember(token: string, claims: AccessTokenClaims, epoch: number, now: number): Principal {
    const principal = this.principalOf(claims);
    this.memo.remember(token, principal, epoch, now, claims.exp * 1000);
    return principal;
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
