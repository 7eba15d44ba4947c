import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../auth/auth.decorator.js';
import { Caller } from '../auth/caller.decorator.js';
import type { Principal } from '../auth/principal.js';
import { ResourceAuthError } from '../auth/resource-auth.error.js';
import { IdTokenService, type UserClaims } from './id-token.service.js';
import { UserInfoResponse } from './userinfo.responses.js';

const DESCRIPTION =
  'OpenID Connect Core 5.3: the claims of the user the access token was issued to, by its scopes: `sub` always; `profile`: `name` ' +
  '(the display name, when set) and `updated_at`; `email`: `email` and `email_verified` (true once the user opened a verification link sent to that address). ' +
  'The token must hold `openid` (403 insufficient_scope otherwise) and be issued to a user (401 invalid_token for a client-credentials token). ' +
  'Send it as `Authorization: Bearer`; errors follow RFC 6750 with `WWW-Authenticate`. Browser apps on `CORS_ORIGINS` may call it.';

/** The UserInfo endpoint: GET and POST, a Bearer access token with openid (RFC 6750 errors through the auth core). */
@ApiTags('OpenID Connect')
@Controller('oauth2')
export class UserInfoController {
  constructor(private readonly idTokens: IdTokenService) {}

  @Get('userinfo')
  @Auth({ schemes: ['bearer'], scopes: ['openid'] })
  @ApiOperation({ summary: 'UserInfo: the signed-in user’s claims (OpenID Connect)', description: DESCRIPTION })
  @ApiOkResponse({ type: UserInfoResponse })
  get(@Caller() caller: Principal): Promise<UserClaims> {
    return this.claims(caller);
  }

  @Post('userinfo')
  @HttpCode(200)
  @Auth({ schemes: ['bearer'], scopes: ['openid'] })
  @ApiOperation({ summary: 'UserInfo, by POST (OpenID Connect Core 5.3.1)', description: DESCRIPTION })
  @ApiOkResponse({ type: UserInfoResponse })
  post(@Caller() caller: Principal): Promise<UserClaims> {
    return this.claims(caller);
  }

  private async claims(caller: Principal): Promise<UserClaims> {
    if (caller.kind !== 'user' || !caller.userId) {
      throw ResourceAuthError.invalidToken('UserInfo needs an access token issued to a user (the authorization code flow), not to a client acting for itself');
    }
    const claims = await this.idTokens.userInfo(caller.userId, caller.scopes);
    if (!claims) throw ResourceAuthError.invalidToken('The user of this access token no longer exists');
    return claims;
  }
}
