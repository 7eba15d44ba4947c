import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { OAuthModule } from '../oauth/oauth.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminPortalController } from './admin/admin-portal.controller.js';
import { PortalAuthService } from './portal-auth.service.js';
import { PortalController } from './portal.controller.js';
import { SignInThrottle } from './sign-in-throttle.js';

/** Server-rendered pages: sign-up, sign-in, sign-out (issue 6 adds the developer portal itself). */
@Module({
  imports: [SessionsModule, UsersModule, OAuthModule, ClientsModule, ApiKeysModule, AdminModule],
  controllers: [PortalController, AdminPortalController],
  providers: [PortalAuthService, SignInThrottle],
})
export class PortalModule {}
