import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { AdminClientsController } from './admin-clients.controller.js';
import { CallerService } from './caller.service.js';
import { ClientManagementService } from './client-management.service.js';
import { Client } from './client.entity.js';
import { ClientSecret } from './client-secret.entity.js';
import { ClientsController } from './clients.controller.js';
import { ClientsService } from './clients.service.js';
import { ClientSecretsService } from './client-secrets.service.js';
import { ClientUsageService } from './client-usage.service.js';
import { LineageStatus } from './lineage-status.service.js';

/** The entities this module owns; the data source is built from every module's list. */
export const CLIENTS_ENTITIES = [Client, ClientSecret];

@Module({
  imports: [TypeOrmModule.forFeature([Client, ClientSecret]), UsersModule],
  controllers: [ClientsController, AdminClientsController],
  providers: [ClientsService, ClientManagementService, CallerService, LineageStatus, ClientUsageService, ClientSecretsService],
  exports: [ClientsService, CallerService, ClientManagementService, LineageStatus, ClientUsageService, ClientSecretsService],
})
export class ClientsModule {}
