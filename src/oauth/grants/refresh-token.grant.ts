import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import { parseScope } from '../../auth/scopes.js';
import { AccessTokenService } from '../access-token.service.js';
import { IdTokenService } from '../id-token.service.js';
import { repeated } from '../client-auth.service.js';
import { OAuthError } from '../oauth.error.js';
import { RefreshTokensService } from '../store/refresh-tokens.service.js';
import type { GrantContext, GrantHandler, TokenResponse } from './grant.js';

/**
 * RFC 6749 6 with rotation (RFC 9700 4.14.2): every use returns a new refresh token and retires the
 * old one; a retired one presented again revokes the family. The access token may ask for fewer
 * scopes than the grant; the family keeps the scopes the user consented to.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';

  constructor(
    private readonly refreshTokens: RefreshTokensService,
    private readonly tokens: AccessTokenService,
    private readonly idTokens: IdTokenService,
    private readonly audit: AuditService,
  ) {}

  async handle({ client, form, ip }: GrantContext): Promise<TokenResponse> {
    const c = client.client;
    if (!c.grantTypes.includes('refresh_token')) throw OAuthError.unauthorizedClient('This client is not allowed the refresh_token grant');
    const token = form.one('refresh_token', repeated);
    if (token === undefined) throw OAuthError.invalidRequest('The refresh_token parameter is missing');
    const scopeParam = form.one('scope', repeated);
    const requested = scopeParam === undefined ? undefined : parseScope(scopeParam);
    if (scopeParam !== undefined && !requested) throw OAuthError.invalidScope('The scope parameter is malformed: scopes are separated by single spaces');
    if (token.length > 256) throw OAuthError.invalidGrant('The refresh token is not valid: it was never issued by this server');

    const result = await this.refreshTokens.rotate(token, c.id, requested);
    if (result.kind === 'invalid') throw OAuthError.invalidGrant(result.why);
    if (result.kind === 'reuse') {
      void this.audit.record({
        type: 'oauth.refresh_reuse_detected',
        outcome: 'failure',
        actorUserId: result.family.userId,
        actorClientId: c.clientId,
        target: result.family.grantId,
        ip,
      });
      throw OAuthError.invalidGrant(
        'The refresh token was already used (rotated); as a precaution every token of this authorization was revoked: send the user through the authorization flow again',
      );
    }
    if (result.kind === 'wider_scope') {
      // Refused before rotation: the refresh token stays valid.
      throw OAuthError.invalidScope(`The refresh token was not granted ${result.wider.join(' ')}; it may ask for: ${result.family.scopes.join(' ')}`);
    }
    const scope = requested ?? result.family.scopes;
    const issued = this.tokens.issue({
      sub: result.family.userId,
      clientId: c.clientId,
      scope,
      gid: result.family.grantId,
      alg: c.accessTokenSignedResponseAlg,
    });
    this.audit.enqueue({
      type: 'oauth.token_issued',
      actorUserId: result.family.userId,
      actorClientId: c.clientId,
      target: result.family.grantId,
      ip,
      details: { grant_type: 'refresh_token', scope: issued.claims.scope, refresh_token: true, replayed: result.replayed, jti: issued.claims.jti },
    });
    // OpenID Connect Core 12.2: a new ID token with the original auth_time and sid, and no nonce.
    const { family } = result;
    const idToken = scope.includes('openid')
      ? await this.idTokens.issue({ client: c, userId: family.userId, scopes: scope, authTime: family.authTime, sid: family.sid, accessToken: issued.token })
      : undefined;
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: scope.join(' '),
      refresh_token: result.refreshToken,
      ...(idToken ? { id_token: idToken } : {}),
    };
  }
}
