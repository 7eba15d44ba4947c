import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../platform/config/config.js';
import { ClientsModule } from '../clients/clients.module.js';
import { UsersModule } from '../users/users.module.js';
import { BenchController } from './bench.controller.js';
import { DataRecord } from './data-record.entity.js';
import { DataController } from './data.controller.js';
import { DataService } from './data.service.js';

/** The entities this module owns; the data source is built from every module's list. */
export const DATA_ENTITIES = [DataRecord];

/** The Data API: users' JSON records, reached with API keys or Bearer tokens. */
@Module({})
export class DataModule {
  static forRoot(config: Pick<AppConfig, 'benchRoutes'>): DynamicModule {
    return {
      module: DataModule,
      imports: [TypeOrmModule.forFeature([DataRecord]), ClientsModule, UsersModule],
      controllers: [DataController, ...(config.benchRoutes ? [BenchController] : [])],
      providers: [DataService],
      exports: [DataService],
    };
  }
}
