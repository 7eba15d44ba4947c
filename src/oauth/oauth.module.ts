import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ClientsModule } from '../clients/clients.module.js';
import { TransactionGate } from '../platform/database/serial.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { AccessTokenService } from './access-token.service.js';
import { AuthorizeRequestValidator } from './authorize/authorize-request.js';
import { AuthorizeController } from './authorize/authorize.controller.js';
import { BearerStrategy } from './bearer.strategy.js';
import { AuthorizeService } from './authorize/authorize.service.js';
import { ClientAuthService } from './client-auth.service.js';
import { DiscoveryController } from './discovery.controller.js';
import { IdTokenService } from './id-token.service.js';
import { EndSessionController } from './logout/end-session.controller.js';
import { EndSessionService } from './logout/end-session.service.js';
import { UserInfoController } from './userinfo.controller.js';
import { UsersModule } from '../users/users.module.js';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { GRANT_HANDLERS, type GrantHandler } from './grants/grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { LiveAccessTokens } from './live-access-tokens.service.js';
import { ProtectedResourceController } from './protected-resource.controller.js';
import { ProtectedResourceService } from './protected-resource.service.js';
import { RevocationController } from './revocation.controller.js';
import { RevocationService } from './revocation.service.js';
import { SigningKeysService } from './signing-keys.service.js';
import { AuthorizationCodesService } from './store/authorization-codes.service.js';
import { ConsentsService } from './store/consents.service.js';
import { GrantsService } from './store/grants.service.js';
import { RefreshTokensService } from './store/refresh-tokens.service.js';
import { RevocationList } from './store/revocation-list.js';
import { TokenController } from './token.controller.js';
import { TokenService } from './token.service.js';
import { SigningKey } from './signing-key.entity.js';
import { AuthorizationCode } from './store/authorization-code.entity.js';
import { Consent } from './store/consent.entity.js';
import { Grant } from './store/grant.entity.js';
import { RefreshToken } from './store/refresh-token.entity.js';
import { RevokedAccessToken } from './store/revoked-access-token.entity.js';

/** The grants the token endpoint offers; a new grant class is added here. */
const GRANTS = [ClientCredentialsGrant, AuthorizationCodeGrant, RefreshTokenGrant];

/** Stores of the authorization code flow: codes, grants (refresh-token families), consents. */
const CODE_FLOW = [
  TransactionGate,
  AuthorizationCodesService,
  GrantsService,
  RefreshTokensService,
  ConsentsService,
  RevocationList,
  LiveAccessTokens,
  RevocationService,
  AuthorizeRequestValidator,
  AuthorizeService,
  IdTokenService,
  EndSessionService,
];

/** The entities this module owns; the data source is built from every module's list. */
export const OAUTH_ENTITIES = [SigningKey, Consent, Grant, AuthorizationCode, RefreshToken, RevokedAccessToken];

@Module({
  imports: [JwtModule.register({}), ClientsModule, SessionsModule, UsersModule],
  controllers: [
    TokenController,
    DiscoveryController,
    ProtectedResourceController,
    AuthorizeController,
    RevocationController,
    UserInfoController,
    EndSessionController,
  ],
  providers: [
    SigningKeysService,
    AccessTokenService,
    ClientAuthService,
    TokenService,
    ...CODE_FLOW,
    ...GRANTS,
    { provide: GRANT_HANDLERS, useFactory: (...handlers: GrantHandler[]) => handlers, inject: GRANTS },
    BearerStrategy,
    ProtectedResourceService,
  ],
  exports: [BearerStrategy, ProtectedResourceService, AccessTokenService, SigningKeysService, LiveAccessTokens, RevocationList, ConsentsService],
})
export class OAuthModule {}
