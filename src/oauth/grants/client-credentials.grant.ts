import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import { AccessTokenService } from '../access-token.service.js';
import { repeated } from '../client-auth.service.js';
import { OAuthError } from '../oauth.error.js';
import { resolveScope } from '../scope-policy.js';
import type { GrantContext, GrantHandler, TokenResponse } from './grant.js';

/** RFC 6749 4.4: a confidential client gets a token for itself; no refresh token (RFC 6749 4.4.3). */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';

  constructor(
    private readonly tokens: AccessTokenService,
    private readonly audit: AuditService,
  ) {}

  handle({ client, form, ip }: GrantContext): Promise<TokenResponse> {
    const c = client.client;
    if (c.type !== 'confidential')
      throw OAuthError.unauthorizedClient('Public clients cannot use client_credentials; use the authorization code flow with PKCE');
    if (!c.grantTypes.includes('client_credentials')) throw OAuthError.unauthorizedClient('This client is not allowed the client_credentials grant');
    const scope = resolveScope(form.one('scope', repeated), c.scopes);
    const issued = this.tokens.issue({ sub: c.clientId, clientId: c.clientId, scope, alg: c.accessTokenSignedResponseAlg });
    // The hot path: buffered, written in batches; the jti names the token, never the token itself.
    this.audit.enqueue({
      type: 'oauth.token_issued',
      actorClientId: c.clientId,
      target: c.clientId,
      ip,
      details: { grant_type: 'client_credentials', scope: issued.claims.scope, jti: issued.claims.jti },
    });
    return Promise.resolve({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope: scope.join(' ') });
  }
}
