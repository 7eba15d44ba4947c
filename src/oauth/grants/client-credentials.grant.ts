import { Injectable } from '@nestjs/common';
import { AccessTokenService } from '../access-token.service.js';
import { repeated } from '../client-auth.service.js';
import { OAuthError } from '../oauth.error.js';
import { resolveScope } from '../scope-policy.js';
import type { GrantContext, GrantHandler, TokenResponse } from './grant.js';

/** RFC 6749 4.4: a confidential client gets a token for itself; no refresh token (RFC 6749 4.4.3). */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';

  constructor(private readonly tokens: AccessTokenService) {}

  handle({ client, form }: GrantContext): Promise<TokenResponse> {
    const c = client.client;
    if (c.type !== 'confidential')
      throw OAuthError.unauthorizedClient('Public clients cannot use client_credentials; use the authorization code flow with PKCE');
    if (!c.grantTypes.includes('client_credentials')) throw OAuthError.unauthorizedClient('This client is not allowed the client_credentials grant');
    const scope = resolveScope(form.one('scope', repeated), c.scopes);
    const issued = this.tokens.issue({ sub: c.clientId, clientId: c.clientId, scope });
    return Promise.resolve({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn, scope: scope.join(' ') });
  }
}
