import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module.js';
import { User } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { AdminAuditController } from './admin-audit.controller.js';
import { AdminUsersController } from './admin-users.controller.js';
import { AdminUsersService } from './admin-users.service.js';
import { OverviewService } from './overview.service.js';

/** The admin console's API (/v1/admin/...): what only admin users may do. The admin pages reuse AdminUsersService. */
@Module({
  imports: [TypeOrmModule.forFeature([User]), UsersModule, ClientsModule],
  controllers: [AdminUsersController, AdminAuditController],
  providers: [AdminUsersService, OverviewService],
  exports: [AdminUsersService, OverviewService],
})
export class AdminModule {}
