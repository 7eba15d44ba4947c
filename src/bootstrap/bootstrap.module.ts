import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { UsersModule } from '../users/users.module.js';
import { BootstrapService } from './bootstrap.service.js';

@Module({ imports: [UsersModule, ClientsModule], providers: [BootstrapService], exports: [BootstrapService] })
export class BootstrapModule {}
