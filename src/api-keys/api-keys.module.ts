import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module.js';
import { AdminApiKeysController } from './admin-api-keys.controller.js';
import { ApiKeyLifecycleService } from './api-key-lifecycle.service.js';
import { ApiKeyUsageService } from './api-key-usage.service.js';
import { ApiKeyVerifier } from './api-key-verifier.service.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

/** The entities this module owns; the data source is built from every module's list. */
export const API_KEYS_ENTITIES = [ApiKey];

/** API keys: management (owners and admins), and the verifier the global guard uses. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey]), ClientsModule],
  controllers: [ApiKeysController, AdminApiKeysController],
  providers: [ApiKeysService, ApiKeyLifecycleService, ApiKeyVerifier, ApiKeyUsageService, ApiKeyStrategy],
  exports: [ApiKeyStrategy, ApiKeysService, ApiKeyLifecycleService, ApiKeyVerifier, ApiKeyUsageService],
})
export class ApiKeysModule {}
