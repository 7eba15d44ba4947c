import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccountsModule } from './accounts/accounts.module.js';
import { AdminModule } from './admin/admin.module.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ApiKeyAuthenticator } from './api-keys/api-key.strategy.js';
import { BearerAuthenticator } from './oauth/bearer.strategy.js';
import { ProtectedResourceService } from './oauth/protected-resource.service.js';
import { PortalSessionAuth, SessionAuth } from './sessions/session-auth.js';
import { CallerRoleCheck } from './clients/caller-role-check.js';
import { ApiKeyRateLimiter } from './api-keys/api-key-rate-limiter.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { BootstrapModule } from './bootstrap/bootstrap.module.js';
import { ClientsModule } from './clients/clients.module.js';
import type { AppConfig } from './platform/config/config.js';
import { ConfigModule } from './platform/config/config.module.js';
import { DataModule } from './data/data.module.js';
import { ChangeBusModule } from './platform/change-bus/change-bus.module.js';
import { HealthController } from './health/health.controller.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { RateLimitModule } from './platform/rate-limit/rate-limit.module.js';
import { UsageCountersModule } from './platform/counters/usage-counters.js';
import { PortalModule } from './portal/portal.module.js';
import { DirectoryModule } from './directory/directory.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  /** The whole server, on a DataSource that is already connected and migrated. */
  static forRoot(config: AppConfig, dataSource: DataSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({ useFactory: () => ({}), dataSourceFactory: () => Promise.resolve(dataSource) }),
        RateLimitModule,
        UsageCountersModule,
        ChangeBusModule,
        AuthModule.forRoot({
          imports: [OAuthModule, ApiKeysModule, SessionsModule, ClientsModule],
          authenticators: [BearerAuthenticator, ApiKeyAuthenticator, SessionAuth, PortalSessionAuth],
          roleCheck: CallerRoleCheck,
          rateLimiters: [ApiKeyRateLimiter],
          resourceMetadata: ProtectedResourceService,
        }),
        OAuthModule,
        ClientsModule,
        UsersModule,
        DirectoryModule,
        ApiKeysModule,
        DataModule.forRoot(config),
        BootstrapModule,
        AdminModule,
        AuditModule,
        AccountsModule,
        PortalModule,
      ],
      controllers: [HealthController],
    };
  }
}
