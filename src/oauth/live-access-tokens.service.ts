import { Injectable } from '@nestjs/common';
import { ResourceAuthError } from '../auth/resource-auth.error.js';
import { LineageStatus } from '../clients/lineage-status.service.js';
import { AccessTokenService, type AccessTokenClaims } from './access-token.service.js';
import { RevocationList } from './store/revocation-list.js';

/**
 * An access token that verifies AND is still alive: its jti not revoked, its client's lineage alive
 * (the client neither deleted nor disabled, its owner active, the consent and app it was made through
 * not withdrawn: LineageStatus), and (for the code flow) its grant not revoked, its user not disabled, the password
 * not changed since. Used by the Bearer strategy and introspection. The answers are cached briefly
 * (RevocationList, the clients' look-up cache) and dropped on every instance when they change.
 */
@Injectable()
export class LiveAccessTokens {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly revocations: RevocationList,
    private readonly lineage: LineageStatus,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims> {
    const claims = await this.tokens.verify(token);
    if (typeof claims.jti === 'string' && (await this.revocations.isJtiRevoked(claims.jti))) throw revoked();
    if (typeof claims.client_id !== 'string' || claims.client_id.length > 200 || !(await this.lineage.clientAlive(claims.client_id))) throw clientGone();
    if (claims.gid !== undefined) {
      if (typeof claims.gid !== 'string' || !(await this.revocations.isGrantActive(claims.gid))) throw grantRevoked();
    }
    return claims;
  }

  /**
   * The same checks with no I/O and no promise, for the hot path: the claims when the token was
   * verified before (still cached, key still loaded) and the revocation answers are cached and fresh;
   * throws as verify() does when they say revoked; undefined when anything must be asked (then call verify()).
   * Speed-up rule (CONTRIBUTING.md): from memory only, undefined when unknown, otherwise exactly what verify() answers; test/sync-async-pairs.e2e-spec.ts holds it to that.
   */
  verifyNow(token: string): AccessTokenClaims | undefined {
    const claims = this.tokens.verifiedBefore(token);
    if (!claims) return undefined;
    if (typeof claims.jti === 'string') {
      const isRevoked = this.revocations.jtiRevokedNow(claims.jti);
      if (isRevoked === undefined) return undefined;
      if (isRevoked) throw revoked();
    }
    const clientActive = this.lineage.clientAliveNow(claims.client_id);
    if (clientActive === undefined) return undefined;
    if (!clientActive) throw clientGone();
    if (claims.gid !== undefined) {
      if (typeof claims.gid !== 'string') throw grantRevoked();
      const active = this.revocations.grantActiveNow(claims.gid);
      if (active === undefined) return undefined;
      if (!active) throw grantRevoked();
    }
    return claims;
  }
}

function revoked(): ResourceAuthError {
  return ResourceAuthError.invalidToken('The access token was revoked; request a new one');
}

function grantRevoked(): ResourceAuthError {
  return ResourceAuthError.invalidToken(
    'The access token was revoked (its authorization was withdrawn, its refresh token reused or revoked, or the user disabled); sign in again',
  );
}

function clientGone(): ResourceAuthError {
  return ResourceAuthError.invalidToken(
    'The client this access token was issued to was deleted or disabled, its owner disabled, or the app or authorization it was created through withdrawn; its tokens no longer work',
  );
}
