import { Injectable } from '@nestjs/common';
import { JsonWebTokenError, JwtService, NotBeforeError, TokenExpiredError } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { ResourceAuthError } from '../auth/resource-auth.error.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import { signJws, type SigningAlg } from './jws.js';
import { SigningKeysService } from './signing-keys.service.js';

/** The claims of a Gatehouse access token (RFC 9068). */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  /** Set for tokens of the authorization code flow: the grant (refresh-token family) they come from. */
  gid?: string;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
  claims: AccessTokenClaims;
}

/** JWT headers that would let a token choose its own verification key: refused outright. */
const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit'];
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Signs and verifies access tokens: JWTs with `typ: at+jwt` and a `kid` from the database, signed
 * ES256 or RS256 (the client's `access_token_signed_response_alg`; ES256 by default). Verification
 * pins the algorithm to the key's (the `alg` header must be the algorithm of the key its `kid` names),
 * and checks `typ`, `iss`, `aud`, `exp` and `nbf`, each failure with its own description in the
 * guide's troubleshooting terms.
 */
@Injectable()
export class AccessTokenService {
  /** Tokens already verified, until their exp (the signature check is the costly part: ~130 us for ES256). */
  private readonly verified = new VerifiedTokenCache<AccessTokenClaims>();

  constructor(
    private readonly jwt: JwtService,
    private readonly keys: SigningKeysService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** `alg`: the client's access_token_signed_response_alg (ES256 when absent). */
  issue(input: { sub: string; clientId: string; scope: string[]; gid?: string; ttl?: number; alg?: SigningAlg }): IssuedAccessToken {
    const key = this.keys.current(input.alg);
    const iat = Math.floor(Date.now() / 1000);
    const expiresIn = input.ttl ?? this.config.accessTokenTtl;
    const claims: AccessTokenClaims = {
      iss: this.config.issuer,
      sub: input.sub,
      aud: this.config.audience,
      client_id: input.clientId,
      scope: input.scope.join(' '),
      iat,
      exp: iat + expiresIn,
      jti: randomUUID(),
      ...(input.gid ? { gid: input.gid } : {}),
    };
    const token = signJws({ alg: key.alg, typ: 'at+jwt', kid: key.kid }, claims, key.privateKey);
    return { token, expiresIn, claims };
  }

  /**
   * The claims of a token that verify() accepted before, while still cached (until its exp) and its
   * signing key still loaded; undefined otherwise (then call verify()). Synchronous, no I/O.
   */
  verifiedBefore(token: string): AccessTokenClaims | undefined {
    if (!TOKEN68.test(token)) return undefined;
    const hit = this.verified.get(VerifiedTokenCache.keyOf(token));
    return hit && this.keys.findLoaded(hit.kid) ? hit.value : undefined;
  }

  /** Verifies a token; throws a ResourceAuthError saying exactly what is wrong. */
  async verify(token: string): Promise<AccessTokenClaims> {
    if (!TOKEN68.test(token) || token.split('.').length !== 3) {
      throw ResourceAuthError.invalidToken('The access token is malformed: it is not a JWT issued by this server');
    }
    const cacheKey = VerifiedTokenCache.keyOf(token);
    const hit = this.verified.get(cacheKey);
    if (hit && this.keys.findLoaded(hit.kid)) return hit.value;
    const header = decodeHeader(token);
    if (!header) throw ResourceAuthError.invalidToken('The access token is malformed: its header is not valid JSON');
    if (FORBIDDEN_HEADERS.some((h) => h in header)) {
      throw ResourceAuthError.invalidToken('The access token names its own verification key (jku/jwk/x5u/x5c/crit), which is never accepted');
    }
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
    if (typ !== 'at+jwt' && typ !== 'application/at+jwt') {
      throw ResourceAuthError.invalidToken('This is not an access token (JWT typ must be at+jwt): use the access_token from POST /oauth2/token');
    }
    if (typeof header.kid !== 'string') throw ResourceAuthError.invalidToken('The access token has no key id (kid); it was not issued by this server');
    const key = await this.keys.find(header.kid);
    if (!key) throw ResourceAuthError.invalidToken('The access token was signed with a key this server does not know; request a new token');
    if (header.alg !== key.alg) throw ResourceAuthError.invalidToken(`The access token must be signed with ${key.alg}; request a new token`);
    let claims: AccessTokenClaims;
    try {
      claims = this.jwt.verify<AccessTokenClaims>(token, {
        publicKey: key.publicKey as unknown as string, // jsonwebtoken 9 takes KeyObjects; @nestjs/jwt's type lags
        algorithms: [key.alg],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: 5,
      });
    } catch (err) {
      throw describeJwtError(err, this.config);
    }
    if (typeof claims.exp !== 'number' || typeof claims.sub !== 'string' || typeof claims.client_id !== 'string' || typeof claims.scope !== 'string') {
      throw ResourceAuthError.invalidToken('The access token lacks required claims (exp, sub, client_id, scope); request a new one');
    }
    this.verified.set(cacheKey, Object.freeze(claims), claims.exp * 1000, key.kid);
    return claims;
  }
}

function decodeHeader(token: string): Record<string, unknown> | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as unknown;
    return header && typeof header === 'object' && !Array.isArray(header) ? (header as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describeJwtError(err: unknown, config: AppConfig): ResourceAuthError {
  if (err instanceof TokenExpiredError) {
    return ResourceAuthError.invalidToken(`The access token expired at ${err.expiredAt.toISOString()}; request a new one (or use your refresh token)`);
  }
  if (err instanceof NotBeforeError) return ResourceAuthError.invalidToken('The access token is not valid yet (nbf is in the future)');
  if (err instanceof JsonWebTokenError) {
    if (err.message.startsWith('jwt audience invalid')) {
      return ResourceAuthError.invalidToken(`The access token was issued for another audience; this API accepts aud ${config.audience}`);
    }
    if (err.message.startsWith('jwt issuer invalid')) {
      return ResourceAuthError.invalidToken(`The access token was issued by another issuer; this API accepts tokens from ${config.issuer}`);
    }
    if (err.message === 'invalid signature')
      return ResourceAuthError.invalidToken('The access token signature is not valid: it was altered or not issued by this server');
    return ResourceAuthError.invalidToken(`The access token is not valid (${err.message}); request a new one`);
  }
  // jsonwebtoken throws plain errors for some malformed signatures (e.g. a wrong length).
  return ResourceAuthError.invalidToken('The access token signature is not valid: it was altered or not issued by this server');
}
