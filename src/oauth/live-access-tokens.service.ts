import { Injectable } from '@nestjs/common';
import { ResourceAuthError } from '../auth/resource-auth.error.js';
import { AccessTokenService, type AccessTokenClaims } from './access-token.service.js';
import { RevocationList } from './store/revocation-list.js';

/**
 * An access token that verifies AND is still alive: its jti not revoked, and (for the code flow)
 * its grant not revoked, its user not disabled, the password not changed since. Used by the Bearer
 * strategy and introspection. The revocation answers are cached briefly (see RevocationList).
 */
@Injectable()
export class LiveAccessTokens {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly revocations: RevocationList,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims> {
    const claims = await this.tokens.verify(token);
    if (typeof claims.jti === 'string' && (await this.revocations.isJtiRevoked(claims.jti))) {
      throw ResourceAuthError.invalidToken('The access token was revoked; request a new one');
    }
    if (claims.gid !== undefined) {
      if (typeof claims.gid !== 'string' || !(await this.revocations.isGrantActive(claims.gid))) {
        throw ResourceAuthError.invalidToken(
          'The access token was revoked (its authorization was withdrawn, its refresh token reused or revoked, or the user disabled); sign in again',
        );
      }
    }
    return claims;
  }
}
