import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../platform/config/config.js';
import { ConfigModule } from '../platform/config/config.module.js';
import { AuditModule } from '../audit/audit.module.js';

/** The few modules one command needs, on a DataSource that is already open: no HTTP, no bootstrap. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, dataSource: DataSource, imports: NonNullable<ModuleMetadata['imports']>): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({ useFactory: () => ({}), dataSourceFactory: () => Promise.resolve(dataSource) }),
        AuditModule,
        ...imports,
      ],
    };
  }
}
