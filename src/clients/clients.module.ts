import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from './client.entity.js';
import { ClientSecret } from './client-secret.entity.js';
import { ClientsService } from './clients.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Client, ClientSecret])],
  providers: [ClientsService],
  exports: [ClientsService],
})
export class ClientsModule {}
