import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-http-bearer';
import { ChangeBus } from '../platform/change-bus/change-bus.service.js';
import type { AccessTokenClaims } from './access-token.service.js';
import { LiveAccessTokens } from './live-access-tokens.service.js';
import { AuthMemo } from '../auth/auth-memo.js';
import type { Authenticator } from '../auth/authenticator.js';
import { StrategyRunner } from '../auth/passport-run.js';
import type { Principal } from '../auth/principal.js';
import { ResourceAuthError } from '../auth/resource-auth.error.js';

/** RFC 6750 2.1: `Bearer`, one or more spaces, a b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const HOW = "send the header 'Authorization: Bearer <token>' with a token from POST /oauth2/token";

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
   * passport's verify step (BearerAuthenticator runs the strategy with it). Synchronous when the token was verified
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

/**
 * The `bearer` scheme of `@Auth()`: an access token in the Authorization header, read by
 * passport-http-bearer (BearerStrategy) once the header has the RFC 6750 syntax.
 */
@Injectable()
export class BearerAuthenticator implements Authenticator {
  readonly scheme = 'bearer';
  readonly weak = false;
  readonly challenge = 'Bearer';
  readonly noun = 'access token';
  readonly how = HOW;
  private readonly run: StrategyRunner<Principal>;

  constructor(strategy: BearerStrategy) {
    this.run = new StrategyRunner<Principal>({
      strategy,
      verifyField: '_verify',
      verify: (token) => strategy.validate(token),
      refuse: () => ResourceAuthError.invalidToken('The access token is not valid; request a new one'),
    });
  }

  present(req: FastifyRequest): boolean {
    return req.headers.authorization !== undefined;
  }

  authenticate(req: FastifyRequest): Principal | Promise<Principal> {
    const m = BEARER.exec(req.headers.authorization ?? '');
    if (!m) throw ResourceAuthError.malformed(`The Authorization header is malformed: ${HOW}`);
    // The strategy reads the header (its canonical form: passport-http-bearer splits on one space) and
    // calls its verify step; a token checked in full within the last second is answered from memory.
    return this.run.run({ headers: { authorization: `Bearer ${m[1]}` } });
  }
}
