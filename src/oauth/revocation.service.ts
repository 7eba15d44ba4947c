import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ResourceAuthError } from '../auth/resource-auth.error.js';
import { AccessTokenService, type AccessTokenClaims } from './access-token.service.js';
import { ClientAuthService, repeated } from './client-auth.service.js';
import { LiveAccessTokens } from './live-access-tokens.service.js';
import { OAuthError } from './oauth.error.js';
import { GrantsService } from './store/grants.service.js';
import { RefreshTokensService } from './store/refresh-tokens.service.js';
import { RevocationList } from './store/revocation-list.js';
import { requireForm } from './token.service.js';

const MAX_TOKEN = 4096;
const looksLikeJwt = (t: string): boolean => t.split('.').length === 3;
const NOT_YOURS = 'This token was not issued to the client making the request; a client may only revoke its own tokens';

/**
 * POST /oauth2/revoke (RFC 7009) and POST /oauth2/introspect (RFC 7662). Tokens are told apart by
 * shape (our access tokens are JWTs, refresh tokens are opaque), so token_type_hint is accepted and
 * not needed. A client only ever acts on, or learns about, tokens issued to itself; except that a
 * confidential client an admin marked as a resource server (`resource_server`) may introspect any
 * access token issued for the API audience (never another client's refresh token).
 */
@Injectable()
export class RevocationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clientAuth: ClientAuthService,
    private readonly accessTokens: AccessTokenService,
    private readonly live: LiveAccessTokens,
    private readonly refreshTokens: RefreshTokensService,
    private readonly grants: GrantsService,
    private readonly revocations: RevocationList,
    private readonly audit: AuditService,
  ) {}

  async revoke(req: FastifyRequest): Promise<void> {
    const form = requireForm(req);
    const { client } = await this.clientAuth.authenticate(req.headers.authorization, form, req.ip);
    const token = form.one('token', repeated);
    form.one('token_type_hint', repeated);
    if (token === undefined) throw OAuthError.invalidRequest('The token parameter is missing: send the access or refresh token to revoke');
    if (token.length > MAX_TOKEN) return;
    if (looksLikeJwt(token)) {
      const claims = await quietly(this.accessTokens.verify(token));
      if (!claims) return; // RFC 7009 2.2: an invalid token needs no revocation
      if (claims.client_id !== client.clientId) throw OAuthError.unauthorizedClient(NOT_YOURS);
      await this.dataSource.query(`INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, to_timestamp($2)) ON CONFLICT DO NOTHING`, [
        claims.jti,
        claims.exp,
      ]);
      await this.revocations.announceJti(claims.jti);
      return;
    }
    const rt = await this.refreshTokens.find(token);
    if (!rt) return;
    if (rt.clientPk !== client.id) throw OAuthError.unauthorizedClient(NOT_YOURS);
    await this.grants.revoke(rt.grantId, 'revoked_by_client');
    void this.audit.record({ type: 'oauth.token_revoked', actorUserId: rt.userId, actorClientId: client.clientId, target: rt.grantId, ip: req.ip });
  }

  async introspect(req: FastifyRequest): Promise<Record<string, unknown>> {
    const form = requireForm(req);
    const { client, method } = await this.clientAuth.authenticate(req.headers.authorization, form, req.ip);
    if (method === 'none') throw OAuthError.invalidClient('Introspection needs client authentication: a public client cannot introspect', false);
    const token = form.one('token', repeated);
    form.one('token_type_hint', repeated);
    if (token === undefined) throw OAuthError.invalidRequest('The token parameter is missing: send the token to introspect');
    const inactive = { active: false };
    if (token.length > MAX_TOKEN) return inactive;
    if (looksLikeJwt(token)) {
      const claims = await quietly(this.live.verify(token));
      // A resource server of the audience (set by an admin) learns about every live access token
      // issued for it (verify checks aud), so an API that is not Gatehouse honours revocation.
      if (!claims || (claims.client_id !== client.clientId && !client.resourceServer)) return inactive;
      const { scope, client_id, sub, exp, iat, iss, aud, jti } = claims;
      return { active: true, token_type: 'Bearer', scope, client_id, sub, exp, iat, iss, aud, jti };
    }
    const rt = await this.refreshTokens.find(token);
    if (!rt || !rt.active || rt.clientPk !== client.id) return inactive;
    return {
      active: true,
      token_type: 'refresh_token',
      scope: rt.scopes.join(' '),
      client_id: client.clientId,
      sub: rt.userId,
      exp: Math.floor(rt.expiresAt.getTime() / 1000),
      iat: Math.floor(rt.createdAt.getTime() / 1000),
    };
  }
}

/** The claims, or undefined when the token is not a valid access token (any other error propagates). */
async function quietly(p: Promise<AccessTokenClaims>): Promise<AccessTokenClaims | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ResourceAuthError) return undefined;
    throw err;
  }
}
