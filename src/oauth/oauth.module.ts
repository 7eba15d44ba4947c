import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ClientsModule } from '../clients/clients.module.js';
import { AccessTokenService } from './access-token.service.js';
import { ClientAuthService } from './client-auth.service.js';
import { DiscoveryController } from './discovery.controller.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { GRANT_HANDLERS, type GrantHandler } from './grants/grant.js';
import { SigningKeysService } from './signing-keys.service.js';
import { TokenController } from './token.controller.js';
import { TokenService } from './token.service.js';

/** The grants the token endpoint offers; a new grant class is added here. */
const GRANTS = [ClientCredentialsGrant];

@Module({
  imports: [JwtModule.register({}), ClientsModule],
  controllers: [TokenController, DiscoveryController],
  providers: [
    SigningKeysService,
    AccessTokenService,
    ClientAuthService,
    TokenService,
    ...GRANTS,
    { provide: GRANT_HANDLERS, useFactory: (...handlers: GrantHandler[]) => handlers, inject: GRANTS },
  ],
  exports: [AccessTokenService, SigningKeysService],
})
export class OAuthModule {}
