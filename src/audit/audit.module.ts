import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsageCountersModule } from '../platform/counters/usage-counters.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditService } from './audit.service.js';
import { UsageAggregates } from './usage-aggregates.service.js';
import { UsageCount } from './usage-count.entity.js';

/** The entities this module owns; the data source is built from every module's list. */
export const AUDIT_ENTITIES = [AuditEvent, UsageCount];

/** The audit trail; global so any module can record. Issue 6 adds the admin API that reads it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent]), UsageCountersModule],
  providers: [AuditService, UsageAggregates],
  exports: [AuditService, UsageAggregates],
})
export class AuditModule {}
