import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { OAuthModule } from '../oauth/oauth.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminPortalController } from './admin/admin-portal.controller.js';
import { PortalAuthService } from './portal-auth.service.js';
import { PortalAppsController } from './apps.controller.js';
import { PortalAppsListController } from './apps-list.controller.js';
import { PortalKeysController } from './keys.controller.js';
import { PortalPages } from './portal-pages.service.js';
import { RootController } from './root.controller.js';
import { PortalController } from './portal.controller.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { RequestingApps } from './requesting-app.js';
import { SwitchAccountController } from './switch-account.controller.js';

/** Server-rendered pages: sign-up, sign-in, sign-out, and the developer portal (dashboard, applications, API keys, connected apps). */
@Module({
  imports: [SessionsModule, UsersModule, OAuthModule, ClientsModule, ApiKeysModule, AdminModule],
  controllers: [
    RootController,
    PortalController,
    PortalAppsListController,
    PortalAppsController,
    PortalKeysController,
    AdminPortalController,
    SwitchAccountController,
  ],
  providers: [PortalAuthService, SignInThrottle, PortalPages, RequestingApps],
})
export class PortalModule {}
