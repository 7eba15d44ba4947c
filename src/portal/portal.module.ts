import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AdminModule } from '../admin/admin.module.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { OAuthModule } from '../oauth/oauth.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminAuditController } from './admin/admin-audit.controller.js';
import { AdminOverviewController } from './admin/admin-overview.controller.js';
import { AdminConfirmController } from './admin/admin-confirm.controller.js';
import { AdminPortalController } from './admin/admin-portal.controller.js';
import { PortalAuthService } from './portal-auth.service.js';
import { PortalAppsController } from './apps.controller.js';
import { PortalAppSecretsController } from './apps-secrets.controller.js';
import { PortalAppsListController } from './apps-list.controller.js';
import { PortalKeysController } from './keys.controller.js';
import { PortalKeysLifecycleController } from './keys-lifecycle.controller.js';
import { KeyPages } from './key-pages.service.js';
import { PortalPages } from './portal-pages.service.js';
import { RootController } from './root.controller.js';
import { PortalController } from './portal.controller.js';
import { AccountController } from './account.controller.js';
import { RecoveryController } from './recovery.controller.js';
import { AdminAccountsController } from './admin/admin-accounts.controller.js';
import { AdminOutboxController } from './admin/admin-outbox.controller.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { RequestingApps } from './requesting-app.js';
import { SwitchAccountController } from './switch-account.controller.js';
import { WithdrawConfirmController } from './withdraw-confirm.controller.js';

/** Server-rendered pages: sign-up, sign-in, sign-out, and the developer portal (dashboard, applications, API keys, connected apps). */
@Module({
  imports: [SessionsModule, UsersModule, OAuthModule, ClientsModule, ApiKeysModule, AdminModule, AccountsModule],
  controllers: [
    RootController,
    PortalController,
    PortalAppsListController,
    PortalAppsController,
    PortalAppSecretsController,
    PortalKeysController,
    PortalKeysLifecycleController,
    AdminPortalController,
    AccountController,
    RecoveryController,
    AdminAccountsController,
    AdminOutboxController,
    AdminConfirmController,
    AdminAuditController,
    AdminOverviewController,
    WithdrawConfirmController,
    SwitchAccountController,
  ],
  providers: [PortalAuthService, SignInThrottle, PortalPages, KeyPages, RequestingApps],
})
export class PortalModule {}
