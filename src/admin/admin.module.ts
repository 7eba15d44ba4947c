import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminAuditController } from './admin-audit.controller.js';
import { AdminUsersController } from './admin-users.controller.js';

/** The admin console's API (/v1/admin/...): what only admin users may do. */
@Module({ imports: [UsersModule, ClientsModule], controllers: [AdminUsersController, AdminAuditController] })
export class AdminModule {}
