import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash } from 'node:crypto';
import type { Client } from '../clients/client.entity.js';
import type { AppConfig } from '../platform/config/config.js';
import { InjectConfig } from '../platform/config/config.module.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { SIGNING_ALGS, signJws } from './jws.js';
import { SigningKeysService } from './signing-keys.service.js';

/** The algorithms ID tokens are signed with (discovery's id_token_signing_alg_values_supported). */
export const ID_TOKEN_SIGNING_ALGS: readonly string[] = SIGNING_ALGS;

/** The claims UserInfo and the ID token may carry beyond the protocol's own (discovery's claims_supported). */
export const USER_CLAIMS = ['sub', 'name', 'updated_at', 'email', 'email_verified'];
export const ID_TOKEN_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'azp', 'sid'];

/** What the user lets a client know, by scope (OpenID Connect Core 5.4): `sub` always. */
export interface UserClaims {
  sub: string;
  name?: string;
  updated_at?: number;
  email?: string;
  email_verified?: boolean;
}

export interface IdTokenInput {
  client: Client;
  userId: string;
  scopes: readonly string[];
  /** When the user signed in (the portal session's start); null for grants made before OpenID Connect. */
  authTime: Date | null;
  sid: string | null;
  /** The authorization request's nonce: only at the code exchange, never at a refresh (Core 12.2). */
  nonce?: string | null;
  /** The access token issued beside it, for at_hash. */
  accessToken: string;
}

/**
 * OpenID Connect ID tokens (Core 2 and 3.1.3.6): `typ: JWT`, signed by `sign()`, the one place that
 * picks the key. They live as long as access tokens (ACCESS_TOKEN_TTL, as Keycloak does), so the
 * JWKS keeps publishing their key for as long as they are valid.
 */
@Injectable()
export class IdTokenService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The one function that signs ID tokens; at_hash (when given an access token) uses the hash of the key's algorithm. */
  sign(client: Client, claims: Record<string, unknown>, accessToken?: string): string {
    const key = this.keys.current(client.idTokenSignedResponseAlg);
    const payload = accessToken === undefined ? claims : { ...claims, at_hash: leftHalfHash(key.alg, accessToken) };
    return signJws({ alg: key.alg, typ: 'JWT', kid: key.kid }, payload, key.privateKey);
  }

  /** The ID token of a code exchange or a refresh; undefined when the user is gone. */
  async issue(input: IdTokenInput): Promise<string | undefined> {
    const user = await this.users.find(input.userId);
    if (!user) return undefined;
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      iss: this.config.issuer,
      ...userClaims(user, input.scopes),
      aud: input.client.clientId,
      azp: input.client.clientId,
      exp: iat + this.config.accessTokenTtl,
      iat,
      ...(input.authTime ? { auth_time: Math.floor(input.authTime.getTime() / 1000) } : {}),
      ...(input.nonce ? { nonce: input.nonce } : {}),
      ...(input.sid ? { sid: input.sid } : {}),
    };
    return this.sign(input.client, claims, input.accessToken);
  }

  /**
   * The claims of an ID token this server signed (RP-Initiated Logout's id_token_hint): signature,
   * issuer and typ checked, expiry tolerated; undefined for anything else.
   */
  async verifyHint(token: string): Promise<{ sub: string; aud: string; sid?: string } | undefined> {
    if (token.length > 8192 || token.split('.').length !== 3) return undefined;
    let header: { kid?: unknown; alg?: unknown; typ?: unknown };
    try {
      header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as typeof header;
    } catch {
      return undefined;
    }
    if (typeof header !== 'object' || header === null || typeof header.kid !== 'string' || header.typ !== 'JWT') return undefined;
    const key = await this.keys.find(header.kid);
    if (!key || header.alg !== key.alg) return undefined;
    try {
      const claims = this.jwt.verify<Record<string, unknown>>(token, {
        publicKey: key.publicKey as unknown as string,
        algorithms: [key.alg],
        issuer: this.config.issuer,
        ignoreExpiration: true,
      });
      if (typeof claims.sub !== 'string' || typeof claims.aud !== 'string') return undefined;
      return { sub: claims.sub, aud: claims.aud, ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}) };
    } catch {
      return undefined;
    }
  }

  /** UserInfo (Core 5.3): the user's claims for the scopes of the token; undefined when the user is gone. */
  async userInfo(userId: string, scopes: ReadonlySet<string>): Promise<UserClaims | undefined> {
    const user = await this.users.find(userId);
    return user ? userClaims(user, [...scopes]) : undefined;
  }
}

/**
 * Claims by scope: `profile` gives the name (the display name, when set) and updated_at; `email` the
 * address and email_verified: true once the user opened a verification (or invitation) link sent to
 * this address (`users.email_verified_at`).
 */
export function userClaims(user: User, scopes: readonly string[]): UserClaims {
  const claims: UserClaims = { sub: user.id };
  if (scopes.includes('profile')) {
    if (user.displayName) claims.name = user.displayName;
    claims.updated_at = Math.floor(user.updatedAt.getTime() / 1000);
  }
  if (scopes.includes('email')) {
    claims.email = user.email;
    claims.email_verified = user.emailVerifiedAt instanceof Date;
  }
  return claims;
}

/** at_hash (Core 3.1.3.6): the left half of the access token's hash, with the hash of the signing algorithm. */
export function leftHalfHash(alg: string, value: string): string {
  const bits = alg.endsWith('512') ? 'sha512' : alg.endsWith('384') ? 'sha384' : 'sha256';
  const digest = createHash(bits).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
