import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { DirectoryService } from './directory.service.js';
import { UsersController } from './users.controller.js';
import { UsersModule } from '../users/users.module.js';

/**
 * The user directory API (GET /v1/users...). Apart from UsersModule because deciding what a client's
 * token may see needs the clients, and the clients module needs the users.
 */
@Module({
  imports: [UsersModule, ClientsModule],
  controllers: [UsersController],
  providers: [DirectoryService],
})
export class DirectoryModule {}
